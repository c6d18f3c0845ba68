// Offer only the chosen mission's contingents, and show the chosen role's default tour. The
// server checks both again.
(() => {
  const mission = document.getElementById("id_mission");
  const contingent = document.getElementById("id_contingent");
  const role = document.getElementById("id_role");
  const months = document.getElementById("id_months");
  if (mission && contingent) {
    const offer = () => {
      for (const option of contingent.options) {
        if (!option.dataset.mission) continue;
        const fits = !mission.value || option.dataset.mission === mission.value;
        option.hidden = !fits;
        option.disabled = !fits;
      }
      if (contingent.selectedOptions[0] && contingent.selectedOptions[0].disabled) contingent.value = "";
    };
    mission.addEventListener("change", offer);
    offer();
  }
  if (role && months) {
    const hint = () => {
      const chosen = role.selectedOptions[0];
      months.placeholder = chosen && chosen.dataset.months ? chosen.dataset.months : "";
    };
    role.addEventListener("change", hint);
    hint();
  }
})();
