/* The prepared-export page: asks for the job's status every second or two until it is
   finished, then shows the download link (or the reason it failed). Without scripts the page
   says the same after a reload. */
(function () {
  "use strict";

  var box = document.getElementById("export-job");
  if (!box || box.getAttribute("data-finished") === "true" || !window.fetch) { return; }
  var url = box.getAttribute("data-status-url");
  var statusText = document.getElementById("export-job-status");
  var bar = document.getElementById("export-job-progress");
  var download = document.getElementById("export-job-download");
  var error = document.getElementById("export-job-error");
  var reload = document.getElementById("export-job-reload");
  var started = Date.now();
  var failures = 0;

  function show(state) {
    statusText.textContent = state.label + (state.finished ? "" : " (" + state.progress + "%)");
    bar.value = state.progress;
    bar.textContent = state.progress + "%";
    if (!state.finished) { return false; }
    bar.hidden = true;
    if (reload) { reload.hidden = true; }
    if (state.download_url) {
      var link = download.querySelector("a");
      link.href = state.download_url;
      link.textContent = "Download " + state.filename;
      download.hidden = false;
      link.focus();
    } else {
      error.textContent = state.error;
      error.hidden = false;
    }
    return true;
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.json();
      })
      .then(function (state) {
        failures = 0;
        if (!show(state)) { schedule(); }
      })
      .catch(function () {
        // Signed out, or the server is away: stop asking after a while; a reload tells.
        failures += 1;
        if (failures < 10) { schedule(); }
      });
  }

  // Every second for the first half minute, then every five: a long export is not hurried
  // by asking more often.
  function schedule() {
    window.setTimeout(poll, Date.now() - started < 30000 ? 1000 : 5000);
  }

  schedule();
})();
