/* Drafts are never lost: save the proposal form in the background every 20 seconds after a
   change and when the page is hidden, and keep a copy in this browser until the server has it.
   The page works without this script; the Save button does the same thing.
   Never an overwrite: each save sends the version the page holds (the hidden "version" field,
   moved on after every save). When the server refuses it (409: saved elsewhere since), the
   message is shown, autosaving stops for good on this page, and nothing on the page is
   replaced: the user's text stays in the form and in this browser's copy. */
(function () {
  "use strict";
  var form = document.querySelector("form[data-autosave]");
  if (!form || !window.fetch || !window.FormData) { return; }
  var status = document.getElementById("autosave-status");
  var key = "northstar-draft-" + form.getAttribute("data-autosave");
  var dirty = false;
  var timer = null;
  var stopped = false;  // after a refused (stale) save: never save in the background again
  // Where the form posts. Not form.action: a control named "action" (the review sheet's Save
  // and Submit buttons) shadows that property, and the save went to "[object RadioNodeList]".
  var target = form.getAttribute("action") || window.location.href;

  function say(text) { if (status) { status.textContent = text; } }

  function stop(message) {
    stopped = true;
    if (timer) { window.clearTimeout(timer); }
    keepLocally();
    if (status) { status.classList.add("autosave-status--stopped"); }
    say(message + " Autosave is off on this page; your text here and in this browser is kept.");
  }

  function snapshot() {
    var data = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.type === "hidden" || el.type === "submit") { return; }
      if (el.type === "checkbox" || el.type === "radio") {
        data[el.name + "=" + el.value] = el.checked;
      } else {
        data[el.name] = el.value;
      }
    });
    return data;
  }

  function keepLocally() {
    try { window.localStorage.setItem(key, JSON.stringify({ at: Date.now(), data: snapshot() })); }
    catch (e) { /* storage full or disabled: the server copy still counts */ }
  }

  function save() {
    if (!dirty || stopped) { return; }
    dirty = false;
    var body = new FormData(form);
    say("Saving…");
    var sending = JSON.stringify(snapshot());
    fetch(target, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-Autosave": "1" }
    }).then(function (response) {
      // Any answer from the server restarted the session's idle clock (session-timeout.js).
      try { window.localStorage.setItem("northstar-session-activity", String(Date.now())); }
      catch (e) { /* storage disabled: the warning only comes earlier than needed */ }
      return response.json().then(function (json) {
        if (response.status === 409 || json.conflict) {
          stop(Object.values(json.errors || {}).join(" "));
          return;
        }
        if (json.version !== undefined && form.elements.version) {
          form.elements.version.value = json.version;
        }
        if (response.ok) {
          clean = sending;
          window.localStorage.removeItem(key);
          say("All changes saved at " + json.saved_at + ".");
        } else if (json.saved === false) {
          say("Not saved: " + Object.values(json.errors || {}).join(" ") +
              " Your text is kept in this browser.");
        } else {
          say("Saved at " + json.saved_at + ", except fields with errors: " +
              Object.keys(json.errors || {}).join(", ") + ". Use Save to see the messages.");
        }
      });
    }).catch(function () {
      dirty = true;
      say("Could not reach the server; your text is kept in this browser and will be saved when the connection returns.");
    });
  }

  // What the server holds, as the form showed it: a "change" event that follows the "input"
  // events already saved (leaving the field) is no change, and no new save.
  var clean = JSON.stringify(snapshot());

  function changed() {
    if (JSON.stringify(snapshot()) === clean) { return; }
    dirty = true;
    keepLocally();
    if (stopped) { return; }
    say("Unsaved changes…");
    if (timer) { window.clearTimeout(timer); }
    timer = window.setTimeout(save, 20000);
  }

  // Offer to restore a copy the server never received (e.g. the browser crashed offline).
  try {
    var kept = JSON.parse(window.localStorage.getItem(key) || "null");
    var serverTime = Date.parse(form.getAttribute("data-updated") || "");
    if (kept && kept.at > serverTime) {
      var restore = document.getElementById("autosave-restore");
      if (restore) {
        restore.hidden = false;
        restore.querySelector("button").addEventListener("click", function () {
          Array.prototype.forEach.call(form.elements, function (el) {
            if (!el.name) { return; }
            if (el.type === "checkbox" || el.type === "radio") {
              var k = el.name + "=" + el.value;
              if (k in kept.data) { el.checked = kept.data[k]; }
            } else if (el.name in kept.data && el.type !== "hidden") {
              el.value = kept.data[el.name];
            }
          });
          restore.hidden = true;
          changed();
        });
      }
    }
  } catch (e) { /* ignore a broken local copy */ }

  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  form.addEventListener("submit", function () { window.localStorage.removeItem(key); });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") { save(); }
  });

  // Live word counts for fields with a limit. The counter itself is silent (read after every
  // word it was noise, docs/screen-reader.md finding 5); crossing the limit, either way, is
  // said once, politely, in a live region.
  var limitNews = document.createElement("p");
  limitNews.className = "visually-hidden";
  limitNews.setAttribute("aria-live", "polite");
  limitNews.setAttribute("data-word-limit-news", "");
  form.appendChild(limitNews);
  Array.prototype.forEach.call(form.querySelectorAll("textarea[data-word-limit]"), function (area) {
    var out = document.getElementById(area.id + "_words");
    var limit = parseInt(area.getAttribute("data-word-limit"), 10);
    var label = document.querySelector('label[for="' + area.id + '"]');
    var name = label ? label.textContent.replace(/\(required\)/, "").trim() : "This field";
    var wasOver = null;
    function count() {
      var words = (area.value.match(/\S+/g) || []).length;
      var over = words > limit;
      if (out) {
        out.textContent = words + " of " + limit + " words";
        out.classList.toggle("over", over);
      }
      if (wasOver !== null && over !== wasOver) {
        limitNews.textContent = over
          ? name + " is over its " + limit + "-word limit: " + words + " words."
          : name + " is within its " + limit + "-word limit again.";
      }
      wasOver = over;
    }
    area.addEventListener("input", count);
    count();
  });
})();
