// The course form: the live total of the components' weights; adding a component row.
(() => {
  const rows = document.getElementById("component-rows");
  const total = document.getElementById("weight-total");
  const count = document.getElementById("id_components-TOTAL_FORMS");
  const template = document.getElementById("component-empty");
  // The live total: rows marked for removal and empty rows do not count.
  const sum = () => {
    let weights = 0;
    rows.querySelectorAll("tr.component-row").forEach((row) => {
      const removed = row.querySelector(".component-delete");
      const weight = row.querySelector("input[name$='-weight']");
      if (removed && removed.checked) return;
      if (weight && weight.value !== "") weights += Number(weight.value) || 0;
    });
    const rounded = Math.round(weights * 100) / 100;
    total.textContent = rounded;
    total.className = rounded === 100 ? "text-success" : "text-danger";
  };
  document.getElementById("add-component").addEventListener("click", () => {
    const index = Number(count.value);
    const html = template.innerHTML.replaceAll("__prefix__", String(index));
    rows.insertAdjacentHTML("beforeend", html);
    count.value = String(index + 1);
    rows.querySelector(`input[name="components-${index}-name"]`).focus();
  });
  rows.addEventListener("input", sum);
  rows.addEventListener("change", (event) => {
    if (event.target.classList.contains("component-delete")) {
      event.target.closest("tr").classList.toggle("opacity-50", event.target.checked);
      event.target.closest("tr").classList.toggle("table-danger", event.target.checked);
    }
    sum();
  });
  sum();
})();
