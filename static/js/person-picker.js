// The person picker (personnel/forms/widgets.py PersonPicker): a WAI-ARIA 1.2 combobox. Typing
// asks the search endpoint for the people the user may pick for the form's purpose; the
// matches fill the listbox; up/down move through them (aria-activedescendant), Enter or a click
// chooses one (its id goes into the hidden input), Escape closes the list (and, closed, clears
// the text). Without this script the text field takes a service number, which the server
// looks up. The server checks every id again.
(() => {
  const DELAY_MS = 200;
  const MIN_CHARS = 2;

  const format = (template, n) => (template || "").replace("%(n)s", String(n));

  const setUp = (root) => {
    const input = root.querySelector("[data-person-picker-input]");
    const hidden = root.querySelector("[data-person-picker-value]");
    const listbox = root.querySelector("[role=listbox]");
    const status = root.querySelector("[data-person-picker-status]");
    if (!input || !hidden || !listbox) return;
    const msg = root.dataset;
    let options = [];
    let active = -1;
    let timer = null;
    let asked = 0; // the number of the latest request: older answers are dropped
    let chosenLabel = hidden.value ? input.value : null;

    const say = (text) => {
      if (status) status.textContent = text;
    };

    const close = () => {
      listbox.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    };

    const highlight = (index) => {
      options.forEach((option, i) => {
        const on = i === index;
        option.element.setAttribute("aria-selected", on ? "true" : "false");
        option.element.classList.toggle("active", on);
      });
      active = index;
      if (index < 0) {
        input.removeAttribute("aria-activedescendant");
        return;
      }
      const element = options[index].element;
      input.setAttribute("aria-activedescendant", element.id);
      element.scrollIntoView({ block: "nearest" });
    };

    const choose = (index) => {
      const row = options[index] && options[index].row;
      if (!row) return;
      window.clearTimeout(timer); // a search still due or under way would reopen the list
      asked += 1;
      hidden.value = String(row.id);
      input.value = row.label;
      chosenLabel = row.label;
      close();
      input.dispatchEvent(new CustomEvent("person-picker:chosen", { bubbles: true, detail: row }));
    };

    const show = (rows, more, limit) => {
      listbox.replaceChildren();
      options = rows.map((row, i) => {
        const element = document.createElement("li");
        element.id = `${listbox.id}_${i}`;
        element.setAttribute("role", "option");
        element.setAttribute("aria-selected", "false");
        element.className = "list-group-item list-group-item-action pc-touch";
        const name = document.createElement("span");
        name.className = "fw-semibold";
        name.textContent = row.rank ? `${row.rank} ${row.name}` : row.name;
        const details = document.createElement("span");
        details.className = "d-block small pc-person-picker-details";
        const parts = [row.service_number, row.unit].filter(Boolean);
        if (!row.active) parts.push(msg.msgInactive);
        details.textContent = parts.join(" · ");
        element.append(name, details);
        // mousedown, not click: the input keeps its focus and does not close the list first.
        element.addEventListener("mousedown", (event) => {
          event.preventDefault();
          choose(i);
        });
        listbox.append(element);
        return { row, element };
      });
      if (!options.length) {
        close();
        say(msg.msgNone);
        return;
      }
      listbox.hidden = false;
      input.setAttribute("aria-expanded", "true");
      highlight(-1);
      say(more ? format(msg.msgMore, limit) : options.length === 1 ? msg.msgOne : format(msg.msgMany, options.length));
    };

    const search = async () => {
      const query = input.value.trim();
      if (query.length < MIN_CHARS) {
        close();
        options = [];
        return;
      }
      const number = ++asked;
      const url = new URL(msg.url, window.location.href);
      url.searchParams.set("q", query);
      url.searchParams.set("purpose", msg.purpose);
      try {
        const response = await fetch(url, {
          credentials: "same-origin",
          headers: { Accept: "application/json" },
        });
        if (!response.ok) throw new Error(String(response.status));
        const data = await response.json();
        if (number === asked) show(data.results || [], data.more, data.limit);
      } catch (error) {
        if (number === asked) {
          close();
          say(msg.msgFailed);
        }
      }
    };

    input.addEventListener("input", () => {
      // Typed over a chosen person: the id no longer goes with the text.
      if (chosenLabel !== null && input.value !== chosenLabel) {
        hidden.value = "";
        chosenLabel = null;
      }
      window.clearTimeout(timer);
      timer = window.setTimeout(search, DELAY_MS);
    });

    input.addEventListener("keydown", (event) => {
      const open = !listbox.hidden && options.length > 0;
      switch (event.key) {
        case "ArrowDown":
          event.preventDefault();
          if (!open) {
            if (options.length) {
              listbox.hidden = false;
              input.setAttribute("aria-expanded", "true");
              highlight(0);
            } else if (!hidden.value) {
              search(); // a chosen person's label is not a query
            }
            return;
          }
          highlight(active + 1 >= options.length ? 0 : active + 1);
          break;
        case "ArrowUp":
          event.preventDefault();
          if (!open) return;
          highlight(active <= 0 ? options.length - 1 : active - 1);
          break;
        case "Enter":
          if (open && active >= 0) {
            event.preventDefault(); // choosing does not submit the form
            choose(active);
          }
          break;
        case "Escape":
          if (open) {
            event.preventDefault();
            close();
          } else if (input.value) {
            event.preventDefault();
            input.value = "";
            hidden.value = "";
            chosenLabel = null;
          }
          break;
        default:
          break;
      }
    });

    input.addEventListener("blur", () => close());
  };

  document.querySelectorAll("[data-person-picker]").forEach(setUp);
})();
