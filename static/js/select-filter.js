// The desk's list filters (signon/admin/layout.py): a filter drawn as a select opens the
// chosen view; on a narrow screen, where the filters sit above the list, they start folded.
document.addEventListener("change", (event) => {
  const select = event.target;
  if (select.matches && select.matches("select.signon-select-filter")) {
    window.location.href = select.value;
  }
});
window.addEventListener("load", () => {
  if (!window.matchMedia("(max-width: 1200px)").matches) return;
  for (const details of document.querySelectorAll("#changelist-filter details")) {
    // Keep open the filters in use: their chosen value is not the first ("All").
    const chosen = details.querySelector("li.selected, option:checked");
    const inUse = chosen && chosen !== details.querySelector("li, option");
    if (!inUse) details.open = false;
  }
});
