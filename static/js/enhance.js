/* Small progressive enhancements; every page works without them.
   - form[data-confirm]: ask before an irreversible action.
   - a[data-download]: fetch the file with a visible "Preparing…" status, then save it.
   - tables with one header row: each cell learns its column's name (data-label), so that on a
     narrow screen the CSS can show each row as a short list of "name: value" lines instead of
     a table wider than the phone (northstar.css, .table--stacked).
   - [data-error-summary]: the first error summary on the page takes focus, so the list of
     what to fix is what a keyboard or screen-reader user meets first; its links move focus
     to their field.
   - the header: on a narrow screen the menu folds behind its "Menu" button; the "Program
     office" group closes on Escape or a click elsewhere. */
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

  Array.prototype.forEach.call(document.querySelectorAll("main table"), function (table) {
    var headRows = table.tHead ? table.tHead.rows : [];
    if (headRows.length !== 1 || table.closest(".report-table")) { return; }
    var names = Array.prototype.map.call(headRows[0].cells, function (cell) {
      return cell.textContent.trim();
    });
    Array.prototype.forEach.call(table.tBodies, function (body) {
      Array.prototype.forEach.call(body.rows, function (row) {
        Array.prototype.forEach.call(row.cells, function (cell, index) {
          if (cell.colSpan === 1 && names[index]) { cell.setAttribute("data-label", names[index]); }
        });
      });
    });
    table.classList.add("table--stacked");
  });

  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
    summary.addEventListener("click", function (event) {
      var link = event.target.closest && event.target.closest("a[href^='#']");
      var field = link && document.getElementById(link.getAttribute("href").slice(1));
      if (!field) { return; }
      event.preventDefault();
      var box = field.closest(".field") || field;
      box.scrollIntoView({ block: "start" });
      field.focus();
    });
  }

  var header = document.querySelector(".site-header");
  var toggle = header && header.querySelector(".menu-toggle");
  if (toggle && window.matchMedia) {
    var narrow = window.matchMedia("(max-width: 40rem)");
    var setOpen = function (open) {
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
      header.setAttribute("data-menu", open ? "open" : "closed");
    };
    var fit = function () {
      toggle.hidden = !narrow.matches;
      setOpen(!narrow.matches);
    };
    toggle.addEventListener("click", function () {
      setOpen(toggle.getAttribute("aria-expanded") !== "true");
    });
    if (narrow.addEventListener) { narrow.addEventListener("change", fit); }
    fit();
  }

  var groups = document.querySelectorAll("details[data-nav-group]");
  document.addEventListener("click", function (event) {
    Array.prototype.forEach.call(groups, function (group) {
      if (group.open && !group.contains(event.target)) { group.open = false; }
    });
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    Array.prototype.forEach.call(groups, function (group) {
      if (group.open) { group.open = false; group.querySelector("summary").focus(); }
    });
  });
})();
