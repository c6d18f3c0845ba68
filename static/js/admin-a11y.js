// Django's two-box selector (filter_horizontal) labels each search box with an icon span that
// carries aria-label, which ARIA ignores on a span without a role: the image role makes the
// label read. The selector is built on the window's load; the observer catches it being added.
new MutationObserver(() => {
  for (const icon of document.querySelectorAll(".selector .help-tooltip[aria-label]:not([role])")) {
    icon.setAttribute("role", "img");
  }
}).observe(document.documentElement, { childList: true, subtree: true });
