/* A report's page (templates/reports/report_detail.html): while the report is queued or
   running, poll its status (the URL is in data-status-url) about every second and move the
   progress bar, the status badge, and show the download button when done or the error when
   failed. No reload. */
(function () {
  "use strict";

  var card = document.getElementById("report-progress");
  if (!card) {
    return;
  }
  var url = card.dataset.statusUrl;
  var badge = card.querySelector("[data-role=status-badge]");
  var progress = card.querySelector("[data-role=progress]");
  var bar = card.querySelector("[data-role=progress-bar]");
  var percentText = card.querySelector("[data-role=percent]");
  var waiting = card.querySelector("[data-role=waiting]");
  var error = card.querySelector("[data-role=error]");
  var download = card.querySelector("[data-role=download]");
  var queueDown = card.querySelector("[data-role=queue-down]");
  var BADGES = {
    queued: "text-bg-secondary",
    running: "text-bg-primary",
    done: "text-bg-success",
    failed: "text-bg-danger"
  };
  var POLL_MS = 1000;
  var failures = 0;

  function setBar(percent) {
    bar.style.width = percent + "%";
    percentText.textContent = percent + " %";
    progress.setAttribute("aria-valuenow", String(percent));
  }

  function finished(status) {
    return status === "done" || status === "failed";
  }

  function show(state) {
    card.dataset.status = state.status;
    badge.dataset.status = state.status;
    badge.textContent = state.status_label;
    Object.keys(BADGES).forEach(function (key) {
      badge.classList.toggle(BADGES[key], key === state.status);
    });
    setBar(state.status === "done" ? 100 : state.progress);
    if (queueDown && state.status !== "queued") {
      queueDown.classList.add("d-none");  // the queue took the build
    }
    if (finished(state.status)) {
      bar.classList.remove("progress-bar-striped", "progress-bar-animated");
      bar.classList.add(state.status === "done" ? "bg-success" : "bg-danger");
      if (waiting) {
        waiting.classList.add("d-none");
      }
    }
    if (state.status === "done" && download && state.download_url) {
      download.setAttribute("href", state.download_url);
      download.classList.remove("d-none");
    }
    if (state.status === "failed" && error) {
      error.textContent = state.error;
      error.classList.remove("d-none");
    }
  }

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("status " + response.status);
        }
        return response.json();
      })
      .then(function (state) {
        failures = 0;
        show(state);
        if (!finished(state.status)) {
          window.setTimeout(poll, POLL_MS);
        }
      })
      .catch(function () {
        // A dropped connection: keep trying, more slowly, and give up after a minute or so.
        failures += 1;
        if (failures < 20) {
          window.setTimeout(poll, POLL_MS * Math.min(failures + 1, 5));
        }
      });
  }

  setBar(Number(bar.dataset.width || 0));
  if (!finished(card.dataset.status)) {
    window.setTimeout(poll, POLL_MS);
  }
})();
