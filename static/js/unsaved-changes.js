/* Unsaved changes on a form that saves many values at once (attendance, gradebook): each
   changed item is tinted, the badge counts them ("Unsaved changes: 3"), and leaving the page
   with changes not saved asks first. Returns `refresh`, to call after changing values. */
window.peacecentre = window.peacecentre || {};
window.peacecentre.trackUnsaved = function (form, options) {
  "use strict";
  let submitting = false;

  function changedCount() {
    let count = 0;
    for (const item of options.items) {
      const changed = options.isChanged(item);
      options.tinted(item).classList.toggle("pc-changed", changed);
      if (changed) count += 1;
    }
    return count;
  }
  function refresh() {
    const count = changedCount();
    options.badge.textContent = options.label + " " + count;
    options.badge.classList.toggle("d-none", count === 0);
  }
  form.addEventListener("submit", function () { submitting = true; });
  window.addEventListener("beforeunload", function (event) {
    if (!submitting && changedCount() > 0) { event.preventDefault(); event.returnValue = ""; }
  });
  refresh();
  return refresh;
};
