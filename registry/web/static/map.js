// The results on a map, an extra beside the list, which stays the page: the map sits in a
// <details> near the top ("Show these results on a map"), drawn the first time it is opened,
// its markers numbered as the cards are. Without JavaScript, without Leaflet or without tiles the
// map stays hidden or blank and the list works as before. Register text (names, places) is only
// ever set as text, never as HTML.
(function () {
  "use strict";
  var box = document.getElementById("map");
  if (!box || typeof window.L === "undefined") return;
  var points = [];
  document.querySelectorAll(".result[data-lat]").forEach(function (card) {
    var heading = card.querySelector("h2.name");
    var link = heading && heading.querySelector("a");
    var org = card.querySelector(".place .org");
    points.push({
      number: card.dataset.number || "",
      lat: parseFloat(card.dataset.lat),
      lon: parseFloat(card.dataset.lon),
      name: heading ? heading.textContent : "",
      place: org ? org.textContent : "",
      url: link ? link.getAttribute("href") : null,
    });
  });
  points = points.filter(function (p) { return isFinite(p.lat) && isFinite(p.lon); });
  if (!points.length) return;
  var toggle = box.closest("details");
  var needsScript = toggle && toggle.querySelector(".map-needs-js");
  if (needsScript) needsScript.hidden = true;
  box.hidden = false;
  var drawn = false;
  function draw() {
    if (drawn) return;
    drawn = true;
    var map = window.L.map(box, { scrollWheelZoom: false });
    window.L.tileLayer(box.dataset.tiles, {
      maxZoom: 18,
      attribution: box.dataset.attribution,
    }).addTo(map);
    var bounds = [];
    points.forEach(function (p) {
      var popup = document.createElement("div");
      var name = document.createElement("strong");
      name.textContent = (p.number ? p.number + ". " : "") + p.name;
      popup.appendChild(name);
      if (p.place) {
        popup.appendChild(document.createElement("br"));
        popup.appendChild(document.createTextNode(p.place));
      }
      if (p.url && p.url.charAt(0) === "/") {
        var link = document.createElement("a");
        link.href = p.url;
        link.textContent = box.dataset.open;
        popup.appendChild(document.createElement("br"));
        popup.appendChild(link);
      }
      // The card's number on the marker, as text.
      var number = document.createElement("span");
      number.textContent = p.number;
      window.L.marker([p.lat, p.lon], {
        icon: window.L.divIcon({
          className: "map-marker",
          html: number,
          iconSize: [28, 28],
          iconAnchor: [14, 14],
          popupAnchor: [0, -12],
        }),
        title: (p.number ? p.number + ". " : "") + p.name,
      })
        .bindPopup(popup)
        .addTo(map);
      bounds.push([p.lat, p.lon]);
    });
    map.fitBounds(bounds, { maxZoom: 12, padding: [24, 24] });
    box.classList.add("map-ready");
  }
  if (!toggle || toggle.open) {
    draw();
  } else {
    toggle.addEventListener("toggle", function () {
      if (toggle.open) draw();
    });
  }
})();
