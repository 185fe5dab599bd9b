// A shared link to a filtered list (?state=TX or ?q=austin) opens on its results,
// not on the top of the long letter above them. The filter form's own links
// already carry #signatories-title; this covers links people copy and share.
(function () {
  "use strict";
  if (window.location.hash) { return; }
  var params = new URLSearchParams(window.location.search);
  if (!params.get("state") && !params.get("q")) { return; }
  var title = document.getElementById("signatories-title");
  if (title) { title.scrollIntoView(); }
})();
