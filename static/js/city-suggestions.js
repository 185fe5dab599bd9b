// The sign-on form's City field suggests the chosen state's places (a native
// <datalist>), from a small list per state the server caches (places/views.py).
// Without JavaScript, or if the list cannot be fetched, City is a plain text box;
// any city is accepted either way.
(function () {
  "use strict";

  var form = document.getElementById("signon-form");
  var city = document.getElementById("id_city");
  var state = document.getElementById("id_state");
  if (!form || !city || !state || !window.fetch || !form.dataset.placesUrl) {
    return;
  }
  var list = document.createElement("datalist");
  list.id = "city-suggestions";
  city.insertAdjacentElement("afterend", list);
  city.setAttribute("list", list.id);

  var loaded = {};

  function show(names) {
    var options = document.createDocumentFragment();
    names.forEach(function (name) {
      var option = document.createElement("option");
      option.value = name;
      options.appendChild(option);
    });
    list.replaceChildren(options);
  }

  function suggest(code) {
    if (!code) {
      list.replaceChildren();
      return;
    }
    if (loaded[code]) {
      show(loaded[code]);
      return;
    }
    fetch(form.dataset.placesUrl.replace("STATE", code), { credentials: "omit" })
      .then(function (response) {
        return response.ok ? response.json() : { places: [] };
      })
      .then(function (data) {
        loaded[code] = data.places;
        if (state.value === code) {
          show(data.places);
        }
      })
      .catch(function () {
        list.replaceChildren();
      });
  }

  state.addEventListener("change", function () {
    suggest(state.value);
  });
  suggest(state.value);
})();
