// City suggestions as you type: fills the city field's <datalist> from /api/cities.
// The form works the same without this script; it only narrows the suggestions.
(function () {
  "use strict";
  var input = document.getElementById("city");
  var list = document.getElementById("city-suggestions");
  if (!input || !list || !window.fetch) {
    return;
  }
  var timer = null;
  var asked = null;

  function show(cities) {
    var options = cities.map(function (city) {
      var option = document.createElement("option");
      option.value = city.label;
      return option;
    });
    list.replaceChildren.apply(list, options);
  }

  function update() {
    var prefix = input.value.trim();
    if (!prefix || prefix === asked) {
      return;
    }
    asked = prefix;
    fetch("/api/cities?prefix=" + encodeURIComponent(prefix), {
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        return response.ok ? response.json() : { cities: [] };
      })
      .then(function (body) {
        if (input.value.trim() === prefix) {
          show(body.cities);
        }
      })
      .catch(function () {
        asked = null; // try again on the next key
      });
  }

  input.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(update, 150);
  });
})();
