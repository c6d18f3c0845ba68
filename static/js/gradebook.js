/* Gradebook keyboard help: Enter moves down a column (Shift+Enter up) instead of submitting;
   changed cells are tinted and counted, and leaving with unsaved changes asks first
   (unsaved-changes.js). The server checks every value again. */
(function (script) {
  const form = document.getElementById("gradebook-form");
  if (!form) return;
  const rows = Array.from(form.querySelectorAll("tbody tr"));
  const refresh = window.peacecentre.trackUnsaved(form, {
    items: Array.from(form.querySelectorAll("input.pc-score")),
    isChanged: function (input) { return input.value.trim() !== input.dataset.saved; },
    tinted: function (input) { return input.closest("td"); },
    badge: document.getElementById("gradebook-unsaved"),
    label: script.dataset.unsaved,
  });
  form.addEventListener("input", refresh);
  form.addEventListener("keydown", function (event) {
    const input = event.target;
    if (event.key !== "Enter" || !input.classList.contains("pc-score")) return;
    event.preventDefault();
    const row = input.closest("tr");
    const column = Array.from(row.querySelectorAll("input.pc-score")).indexOf(input);
    const next = rows[rows.indexOf(row) + (event.shiftKey ? -1 : 1)];
    const target = next && next.querySelectorAll("input.pc-score")[column];
    if (target) { target.focus(); target.select(); }
  });
})(document.currentScript);
