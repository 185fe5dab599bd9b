// Filter the letter's signatories as the visitor types (progressive enhancement).
// Without JavaScript the same form filters on the server (?state=TX&q=austin);
// here the page already holds the whole list, so rows are only shown or hidden.
(function () {
  "use strict";

  var groupsBox = document.getElementById("signatories-groups");
  var form = document.getElementById("signatories-filter");
  if (!groupsBox || !form || !groupsBox.hasAttribute("data-complete-list") || !window.signonFold) {
    return;  // A server-filtered page: the form keeps working as a plain GET form.
  }
  var stateSelect = document.getElementById("filter-state");
  var queryInput = document.getElementById("filter-q");
  var status = document.getElementById("filter-status");
  var empty = document.getElementById("filter-empty");
  var total = groupsBox.querySelectorAll("li").length;
  var sections = Array.prototype.slice.call(groupsBox.querySelectorAll("section[data-state]"));
  var announceTimer = null;

  // The server's own fold (places.normalize.fold), generated into fold.js.
  var fold = window.signonFold;

  // What a search compares against: the mayor's name and the city, folded once
  // ("Mayor Ada Lovelace, Springfield, IL" gives "ada lovelace springfield"),
  // as signatories.ListFilter does on the server.
  function searchText(item) {
    if (item.searchText === undefined) {
      // The name is the item's first text; the date after it is not searched.
      var first = item.firstChild;
      var text = first && first.nodeType === 3 ? first.nodeValue : item.textContent;
      var line = text.trim().replace(/^Mayor /, "").replace(/, [A-Z]{2}$/, "");
      item.searchText = fold(line, false);
    }
    return item.searchText;
  }

  function apply() {
    var state = stateSelect.value;
    // "St" finds "St. Louis" (folded to "saint louis") and, half typed, "Stamford".
    var expanded = fold(queryInput.value, false).split(" ").filter(Boolean);
    var typed = fold(queryInput.value, true).split(" ").filter(Boolean);
    var shown = 0;
    sections.forEach(function (section) {
      var inState = !state || section.getAttribute("data-state") === state;
      var count = 0;
      section.querySelectorAll("li").forEach(function (item) {
        var text = searchText(item);
        var match = inState && expanded.every(function (word, i) {
          return text.indexOf(word) !== -1 || text.indexOf(typed[i]) !== -1;
        });
        item.hidden = !match;
        if (match) { count += 1; }
      });
      section.hidden = count === 0;
      section.querySelector("[data-count]").textContent = count.toLocaleString("en-US");
      shown += count;
    });
    empty.hidden = shown !== 0;
    announce(describe(shown, state, queryInput.value.trim()));
    remember(state, queryInput.value.trim());
  }

  function describe(shown, state, query) {
    if (!state && !query) {
      return "Showing all " + total.toLocaleString("en-US") + ".";
    }
    var text = "Showing " + shown.toLocaleString("en-US") + " of " + total.toLocaleString("en-US");
    if (state) {
      text += " from " + stateSelect.options[stateSelect.selectedIndex].text.replace(/ \([\d,]+\)$/, "");
    }
    if (query) {
      text += " matching “" + query + "”";
    }
    return text + ".";
  }

  // The live region speaks once the typing pauses, not at every keystroke.
  function announce(text) {
    window.clearTimeout(announceTimer);
    announceTimer = window.setTimeout(function () { status.textContent = text; }, 250);
  }

  // Keep the address linkable: it gives the same list when opened without JavaScript.
  function remember(state, query) {
    var params = new URLSearchParams();
    if (state) { params.set("state", state); }
    if (query) { params.set("q", query); }
    var search = params.toString();
    var url = window.location.pathname + (search ? "?" + search : "") + window.location.hash;
    window.history.replaceState(null, "", url);
  }

  queryInput.addEventListener("input", apply);
  stateSelect.addEventListener("change", apply);
  form.addEventListener("submit", function (event) {
    event.preventDefault();  // Already applied; keep the focus where it is.
    apply();
  });
})();
