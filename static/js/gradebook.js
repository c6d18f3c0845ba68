/* Gradebook keyboard help: Enter moves down a column (Shift+Enter up) instead of submitting;
   changed cells are tinted and counted, and leaving with unsaved changes asks first
   (unsaved-changes.js). On a phone the grid is one card per trainee: this shows one at a
   time with previous/next and a list to jump, and Enter moves along the card. Every trainee
   stays in the one form, so a save posts them all, as on a desktop. The server checks every
   value again. */
(function (script) {
  const form = document.getElementById("gradebook-form");
  if (!form) return;
  const rows = Array.from(form.querySelectorAll("tbody tr[data-enrolment]"));
  const phone = window.matchMedia("(max-width: 767.98px)");
  const inputs = Array.from(form.querySelectorAll("input.pc-score"));
  if (inputs.length) {  // a read-only gradebook has none
    const refresh = window.peacecentre.trackUnsaved(form, {
      items: inputs,
      isChanged: function (input) { return input.value.trim() !== input.dataset.saved; },
      tinted: function (input) { return input.closest("td"); },
      badge: document.getElementById("gradebook-unsaved"),
      label: script.dataset.unsaved,
    });
    form.addEventListener("input", refresh);
  }

  // One trainee at a time (only the phone layout hides the others: see peacecentre.css).
  const nav = form.querySelector("[data-trainee-nav]");
  let current = 0;
  function show(index) {
    current = Math.max(0, Math.min(rows.length - 1, index));
    rows.forEach(function (row, i) { row.classList.toggle("pc-off", i !== current); });
    if (!nav) return;
    nav.querySelector("select").value = String(current);
    nav.querySelector("[data-step='-1']").disabled = current === 0;
    nav.querySelector("[data-step='1']").disabled = current === rows.length - 1;
    nav.querySelector("[data-trainee-position]").textContent =
      script.dataset.position.replace("%(n)s", current + 1).replace("%(count)s", rows.length);
    // Kept in the address (and the form's, so a save comes back to this trainee).
    const mark = "#trainee=" + rows[current].dataset.enrolment;
    if (phone.matches) {
      history.replaceState(null, "", mark);
      form.action = form.action.split("#")[0] + mark;
    }
  }
  if (nav && rows.length > 1) {
    const select = nav.querySelector("select");
    rows.forEach(function (row, i) {
      const option = document.createElement("option");
      option.value = String(i);
      option.textContent = row.querySelector("th a").textContent.trim();
      select.appendChild(option);
    });
    select.addEventListener("change", function () { show(Number(select.value)); });
    nav.addEventListener("click", function (event) {
      const button = event.target.closest("[data-step]");
      if (button) show(current + Number(button.dataset.step));
    });
    nav.hidden = false;
    form.classList.add("pc-one-at-a-time");
    const asked = /^#trainee=(\d+)$/.exec(window.location.hash);
    const wanted = rows.findIndex(function (row) {
      return asked ? row.dataset.enrolment === asked[1] : false;
    });
    // After a refused or stale save, open the first trainee the page asks to look at.
    const flagged = rows.findIndex(function (row) {
      return row.querySelector(".is-invalid, .pc-conflict");
    });
    show(flagged >= 0 ? flagged : Math.max(wanted, 0));
    // The browser's own check of a hidden trainee's score: show that trainee first.
    form.addEventListener("invalid", function (event) {
      const row = event.target.closest("tr[data-enrolment]");
      if (row && row.classList.contains("pc-off")) show(rows.indexOf(row));
    }, true);
  }

  form.addEventListener("keydown", function (event) {
    const input = event.target;
    if (event.key !== "Enter" || !input.classList.contains("pc-score")) return;
    event.preventDefault();
    const row = input.closest("tr");
    const inputs = Array.from(row.querySelectorAll("input.pc-score"));
    const column = inputs.indexOf(input);
    let target;
    if (phone.matches) {
      target = inputs[column + (event.shiftKey ? -1 : 1)];
    } else {
      const next = rows[rows.indexOf(row) + (event.shiftKey ? -1 : 1)];
      target = next && next.querySelectorAll("input.pc-score")[column];
    }
    if (target) { target.focus(); target.select(); }
  });
})(document.currentScript);
