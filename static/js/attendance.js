/* Attendance of one day: the bulk buttons set the marks on the page (nothing is saved until
   "Save the day"; without JavaScript they post and save instead). Changed rows are tinted
   and counted; leaving with unsaved changes asks first. */
(function (script) {
  const form = document.getElementById("attendance-form");
  if (!form) return;
  const groups = Array.from(form.querySelectorAll("[role=radiogroup]"));
  const badge = document.getElementById("attendance-unsaved");
  const selectAll = document.getElementById("select-all");
  const boxes = Array.from(form.querySelectorAll("input[name=selected]"));
  const unsaved = script.dataset.unsaved;
  const pickFirst = script.dataset.pickFirst;
  let submitting = false;

  function markOf(group) {
    const checked = group.querySelector("input:checked");
    return checked ? checked.value : "";
  }
  function setMark(group, value) {
    const radio = group.querySelector('input[value="' + value + '"]');
    if (radio) radio.checked = true;
  }
  function changedCount() {
    let count = 0;
    for (const group of groups) {
      const changed = markOf(group) !== group.dataset.saved;
      group.closest("tr").classList.toggle("pc-changed", changed);
      if (changed) count += 1;
    }
    return count;
  }
  function refresh() {
    const count = changedCount();
    badge.textContent = unsaved + " " + count;
    badge.classList.toggle("d-none", count === 0);
  }
  form.addEventListener("change", function (event) {
    if (event.target === selectAll) {
      for (const box of boxes) box.checked = selectAll.checked;
    }
    refresh();
  });
  form.addEventListener("click", function (event) {
    const button = event.target.closest("[data-bulk]");
    if (!button) return;
    event.preventDefault();
    if (button.dataset.bulk === "all_present") {
      for (const group of groups) setMark(group, "present");
    } else {
      const status = form.querySelector("#bulk-status").value;
      const ticked = boxes.filter(function (box) { return box.checked; });
      if (!ticked.length) { window.alert(pickFirst); return; }
      for (const box of ticked) setMark(box.closest("tr").querySelector("[role=radiogroup]"), status);
    }
    refresh();
  });
  form.addEventListener("submit", function () { submitting = true; });
  window.addEventListener("beforeunload", function (event) {
    if (!submitting && changedCount() > 0) { event.preventDefault(); event.returnValue = ""; }
  });
  refresh();
})(document.currentScript);
