/* Attendance of one day: the bulk buttons set the marks on the page (nothing is saved until
   "Save the day"; without JavaScript they post and save instead). Changed rows are tinted
   and counted, and leaving with unsaved changes asks first (unsaved-changes.js). */
(function (script) {
  const form = document.getElementById("attendance-form");
  if (!form) return;
  const groups = Array.from(form.querySelectorAll("[role=radiogroup]"));
  const selectAll = document.getElementById("select-all");
  const boxes = Array.from(form.querySelectorAll("input[name=selected]"));
  const pickFirst = script.dataset.pickFirst;

  function markOf(group) {
    const checked = group.querySelector("input:checked");
    return checked ? checked.value : "";
  }
  function setMark(group, value) {
    const radio = group.querySelector('input[value="' + value + '"]');
    if (radio) radio.checked = true;
  }
  const refresh = window.peacecentre.trackUnsaved(form, {
    items: groups,
    isChanged: function (group) { return markOf(group) !== group.dataset.saved; },
    tinted: function (group) { return group.closest("tr"); },
    badge: document.getElementById("attendance-unsaved"),
    label: script.dataset.unsaved,
  });
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
})(document.currentScript);
