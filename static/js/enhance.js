/* Small progressive enhancements; every page works without them.
   - form[data-confirm]: ask before an irreversible action.
   - a[data-download]: fetch the file with a visible "Preparing…" status, then save it. */
(function () {
  "use strict";

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });

  var status = document.getElementById("download-status");
  function say(text) { if (status) { status.textContent = text; } }

  Array.prototype.forEach.call(document.querySelectorAll("a[data-download]"), function (link) {
    link.addEventListener("click", function (event) {
      if (!window.fetch || !window.URL || !window.URL.createObjectURL) { return; }
      event.preventDefault();
      var started = Date.now();
      link.setAttribute("aria-busy", "true");
      say("Preparing " + link.textContent.trim().toLowerCase() + "…");
      fetch(link.href, { credentials: "same-origin" }).then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        var disposition = response.headers.get("Content-Disposition") || "";
        var match = /filename="([^"]+)"/.exec(disposition);
        return response.blob().then(function (blob) {
          var url = window.URL.createObjectURL(blob);
          var a = document.createElement("a");
          a.href = url;
          a.download = match ? match[1] : "";
          document.body.appendChild(a);
          a.click();
          a.remove();
          window.setTimeout(function () { window.URL.revokeObjectURL(url); }, 10000);
          var seconds = ((Date.now() - started) / 1000).toFixed(1);
          say("Ready: " + (match ? match[1] : "your file") + " (" + seconds + " s).");
        });
      }).catch(function () {
        say("The file could not be prepared. Try again, or use the link without scripts.");
        window.location.href = link.href;
      }).then(function () { link.removeAttribute("aria-busy"); });
    });
  });
})();
