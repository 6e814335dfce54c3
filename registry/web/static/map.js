// The results on a map (issue 15, item 7), an extra beside the list, which stays the page:
// without JavaScript, without Leaflet or without tiles the map stays hidden or blank and the
// list works as before. Register text (names, places) is only ever set as text, never as HTML.
(function () {
  "use strict";
  var box = document.getElementById("map");
  var data = document.getElementById("map-points");
  if (!box || !data || typeof window.L === "undefined") return;
  var points;
  try {
    points = JSON.parse(data.textContent);
  } catch (e) {
    return;
  }
  if (!points.length) return;
  box.hidden = false;
  var map = window.L.map(box, { scrollWheelZoom: false });
  window.L.tileLayer(box.dataset.tiles, {
    maxZoom: 18,
    attribution: box.dataset.attribution,
  }).addTo(map);
  var bounds = [];
  points.forEach(function (p) {
    var popup = document.createElement("div");
    var name = document.createElement("strong");
    name.textContent = p.name;
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
    window.L.circleMarker([p.lat, p.lon], { radius: 9, className: "map-marker" })
      .bindPopup(popup)
      .addTo(map);
    bounds.push([p.lat, p.lon]);
  });
  map.fitBounds(bounds, { maxZoom: 12, padding: [24, 24] });
  box.classList.add("map-ready");
})();
