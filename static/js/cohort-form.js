(() => {
  // Fill in what follows from the course and start date (the next free code, the end date
  // from the course's duration, the default capacity) unless the registrar typed their own.
  const form = document.getElementById("cohort-form");
  const course = form.querySelector("[name=course]");
  const starts = form.querySelector("[name=starts_on]");
  const ends = form.querySelector("[name=ends_on]");
  const capacity = form.querySelector("[name=capacity]");
  const code = form.querySelector("[name=code]");
  const creating = form.dataset.creating === "1";
  const typed = new Set();
  [ends, capacity].forEach((input) => input.addEventListener("input", () => typed.add(input.name)));
  const suggest = async () => {
    if (!course || !course.value) return;
    const query = new URLSearchParams({ course: course.value, starts_on: starts.value });
    const response = await fetch(`${form.dataset.suggestUrl}?${query}`, { headers: { Accept: "application/json" } });
    if (!response.ok) return;
    const facts = await response.json();
    if (creating) code.placeholder = facts.code;
    if (facts.ends_on && !typed.has("ends_on")) ends.value = facts.ends_on;
    if (creating && !typed.has("capacity")) capacity.value = facts.capacity;
  };
  if (creating) {
    course.addEventListener("change", suggest);
    starts.addEventListener("change", suggest);
    suggest();
  }
})();
