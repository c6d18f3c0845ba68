// Offer only the ranks of the chosen category (civilians hold none); a rank chosen before a
// change of category comes back with it. The server checks the rule again.
(() => {
  const category = document.getElementById("id_category");
  const rank = document.getElementById("id_rank");
  if (!category || !rank) return;
  const chosen = {};
  let current = category.value;
  const offer = () => {
    for (const option of rank.options) {
      if (!option.dataset.category) continue;
      const fits = !category.value || option.dataset.category === category.value;
      option.hidden = !fits;
      option.disabled = !fits;
    }
  };
  category.addEventListener("change", () => {
    chosen[current] = rank.value;
    current = category.value;
    offer();
    rank.value = chosen[current] || "";
    if (rank.selectedOptions[0] && rank.selectedOptions[0].disabled) rank.value = "";
  });
  offer();
})();
