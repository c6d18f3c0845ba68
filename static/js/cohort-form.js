(() => {
  // Fill in what follows from the course and start date (the next free code, the end date
  // from the course's duration, the default capacity) unless the registrar typed their own,
  // and show the course days the dates give, as the server counts them (the attendance
  // register's rule), before anything is saved.
  const form = document.getElementById("cohort-form");
  const course = form.querySelector("[name=course]");
  const starts = form.querySelector("[name=starts_on]");
  const ends = form.querySelector("[name=ends_on]");
  const capacity = form.querySelector("[name=capacity]");
  const code = form.querySelector("[name=code]");
  const days = document.getElementById("course-days");
  const creating = form.dataset.creating === "1";
  const typed = new Set(creating ? [] : ["ends_on", "capacity"]);
  [ends, capacity].forEach((input) => input.addEventListener("input", () => typed.add(input.name)));
  let asked = 0;
  const suggest = async () => {
    if (!course || !course.value) return;
    const query = new URLSearchParams({ course: course.value, starts_on: starts.value });
    if (typed.has("ends_on") && ends.value) query.set("ends_on", ends.value);
    const mine = ++asked;
    const response = await fetch(`${form.dataset.suggestUrl}?${query}`, { headers: { Accept: "application/json" } });
    if (!response.ok || mine !== asked) return; // a later change answers instead
    const facts = await response.json();
    if (creating) code.placeholder = facts.code;
    if (facts.ends_on && !typed.has("ends_on")) ends.value = facts.ends_on;
    if (creating && !typed.has("capacity")) capacity.value = facts.capacity;
    if (days && starts.value) days.innerHTML = facts.course_days_html; // rendered by the server
  };
  [course, starts, ends].forEach((input) => input && input.addEventListener("change", suggest));
  if (creating) suggest();
})();
