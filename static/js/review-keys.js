// The review screen's keyboard shortcuts (signon/admin/review.py), as the page lists them:
// A approve, R reject (the reason first), S skip, N the note; Escape leaves a text box.
(function () {
  "use strict";
  const form = document.getElementById("review-form");
  if (!form) return;
  const button = (value) => form.querySelector(`button[name="decision"][value="${value}"]`);
  const reason = form.querySelector("[name=reason]");
  const note = form.querySelector("[name=review_note]");
  let sent = false;
  form.addEventListener("submit", (event) => {
    // One decision per page: a second key press while the next page loads is ignored.
    if (sent) event.preventDefault();
    sent = true;
  });
  document.addEventListener("keydown", (event) => {
    const target = event.target;
    if (target.matches("textarea, input, select, [contenteditable]")) {
      if (event.key === "Escape") {
        target.blur();
        event.preventDefault();
      }
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey || event.repeat) return;
    switch (event.key.toLowerCase()) {
      case "a":
        button("approve").click();
        break;
      case "s":
        button("skip").click();
        break;
      case "r":
        if (reason.value.trim()) button("reject").click();
        else reason.focus();
        break;
      case "n":
        note.focus();
        break;
      default:
        return;
    }
    event.preventDefault();
  });
})();
