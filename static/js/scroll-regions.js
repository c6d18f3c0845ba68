// A table wider than the screen scrolls inside its box (.table-responsive). Keyboard users must
// reach it to scroll it (WCAG 2.1.1; axe: scrollable-region-focusable), so a box that overflows
// becomes a focusable region named after its table's caption or the nearest heading; a box that
// fits stays out of the tab order.
(function () {
  "use strict";

  function nameOf(box) {
    const caption = box.querySelector("caption");
    if (caption && caption.textContent.trim()) return caption.textContent.trim();
    const section = box.closest("section, article, .card, main");
    const heading = section && section.querySelector("h1, h2, h3, h4, .card-header");
    return heading ? heading.textContent.trim().replace(/\s+/g, " ") : "";
  }

  function mark(box) {
    const overflows = box.scrollWidth > box.clientWidth + 1;
    if (overflows && !box.hasAttribute("tabindex")) {
      box.setAttribute("tabindex", "0");
      box.setAttribute("role", "region");
      const name = nameOf(box);
      if (name) box.setAttribute("aria-label", name);
      box.dataset.scrollRegion = "on";
    } else if (!overflows && box.dataset.scrollRegion === "on") {
      box.removeAttribute("tabindex");
      box.removeAttribute("role");
      box.removeAttribute("aria-label");
      delete box.dataset.scrollRegion;
    }
  }

  function markAll() {
    document.querySelectorAll(".table-responsive").forEach(mark);
  }

  markAll();
  if ("ResizeObserver" in window) {
    const observer = new ResizeObserver(markAll);
    document.querySelectorAll(".table-responsive").forEach((box) => observer.observe(box));
  } else {
    window.addEventListener("resize", markAll);
  }
})();
