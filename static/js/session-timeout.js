/* Warn before the idle sign-out (WCAG 2.2.1 Timing Adjustable): Northstar signs a person out
   after SESSION_COOKIE_AGE seconds without a request. Two minutes before (or a quarter of the
   time, when it is short) a dialog says so and offers "Stay signed in", which makes a request
   and so restarts the clock. Tabs share the clock through localStorage: a page load, a kept-
   alive session or an autosave in any tab moves it on, and the warning here goes away.
   Without the script nothing is shown and the button is a plain form. */
(function () {
  "use strict";
  var box = document.getElementById("session-timeout");
  if (!box || !window.fetch) { return; }
  var KEY = "northstar-session-activity";
  var seconds = parseInt(box.getAttribute("data-seconds"), 10);
  if (!(seconds > 0)) { return; }
  var warnBefore = Math.min(120, seconds / 4) * 1000;
  var form = box.querySelector("form[data-keep-alive]");
  var remaining = box.querySelector("[data-remaining]");
  var warning = box.querySelector("[data-warning]");
  var ended = box.querySelector("[data-ended]");
  var lastHere = Date.now();
  var shown = false;
  var over = false;

  function remember(at) {
    lastHere = at;
    try { window.localStorage.setItem(KEY, String(at)); } catch (e) { /* private mode */ }
  }

  function lastActivity() {
    var shared = 0;
    try { shared = parseInt(window.localStorage.getItem(KEY), 10) || 0; } catch (e) { shared = 0; }
    return Math.max(lastHere, shared);
  }

  function say(ms) {
    var s = Math.max(0, Math.round(ms / 1000));
    var text = s >= 90 ? Math.round(s / 60) + " minutes" : s + " second" + (s === 1 ? "" : "s");
    if (remaining.textContent !== text) { remaining.textContent = text; }
  }

  function show() {
    box.hidden = false;
    if (!shown) {
      shown = true;
      form.querySelector("button").focus();
    }
  }

  function hide() {
    box.hidden = true;
    shown = false;
  }

  function end() {
    over = true;
    warning.hidden = true;
    form.hidden = true;
    ended.hidden = false;
    box.hidden = false;
    box.querySelector("#session-timeout-title").textContent = "You have been signed out";
    box.querySelector("#session-timeout-title").focus();
  }

  function tick() {
    if (over) { return; }
    var left = seconds * 1000 - (Date.now() - lastActivity());
    if (left <= 0) { end(); return; }
    if (left <= warnBefore) { say(left); show(); } else if (shown) { hide(); }
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { Accept: "application/json" }
    }).then(function (response) {
      if (response.status === 401) { end(); return; }
      if (response.ok) { remember(Date.now()); hide(); }
    }).catch(function () { /* offline: the warning stays; the person can try again */ });
  });

  remember(Date.now());
  window.setInterval(tick, 1000);
})();
