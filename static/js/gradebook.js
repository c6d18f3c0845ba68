/* Gradebook keyboard help: Enter moves down a column (Shift+Enter up) instead of submitting;
   changed cells are tinted and counted; leaving with unsaved changes asks first. The server
   checks every value again. */
(function (script) {
  const form = document.getElementById("gradebook-form");
  if (!form) return;
  const inputs = Array.from(form.querySelectorAll("input.pc-score"));
  const badge = document.getElementById("gradebook-unsaved");
  const rows = Array.from(form.querySelectorAll("tbody tr"));
  const unsaved = script.dataset.unsaved;
  let submitting = false;

  function changedCount() {
    let count = 0;
    for (const input of inputs) {
      const changed = input.value.trim() !== input.dataset.saved;
      input.closest("td").classList.toggle("pc-changed", changed);
      if (changed) count += 1;
    }
    return count;
  }
  function refresh() {
    const count = changedCount();
    badge.textContent = unsaved + " " + count;
    badge.classList.toggle("d-none", count === 0);
  }
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
  form.addEventListener("submit", function () { submitting = true; });
  window.addEventListener("beforeunload", function (event) {
    if (!submitting && changedCount() > 0) { event.preventDefault(); event.returnValue = ""; }
  });
  refresh();
})(document.currentScript);
