/* Exit this page (the GOV.UK Design System pattern) and the language bridge.
 * One click on Exit, or Shift pressed three times on its own, clears this site's
 * browser storage and, through the server's exit, its cookies, and replaces the page
 * with a neutral one: location.replace() leaves no history entry, so Back does not
 * return here. */
(function () {
  "use strict";
  /* The server's exit (codesign/serving/voila_app.py) clears the HttpOnly cookies this
     script cannot reach, then redirects to a neutral page. */
  var EXIT = "codesign/exit";
  var shifts = 0;
  var timer = null;

  /* Carrying on after a reload or in a second tab (codesign/forms/app.py). The form hands
     over a resume token in a hidden .cs-resume element; it lives only in this tab's
     session storage (gone when the tab closes) and is offered to other open tabs of the
     form over a BroadcastChannel, never stored anywhere else. */
  var RESUME = "codesign-resume";
  var channel = ("BroadcastChannel" in window) ? new BroadcastChannel("codesign") : null;
  var asked = false;

  function saved() {
    try { return window.sessionStorage.getItem(RESUME); } catch (e) { return null; }
  }

  function keep(value) {
    try {
      if (value) { window.sessionStorage.setItem(RESUME, value); }
      else { window.sessionStorage.removeItem(RESUME); }
    } catch (e) { /* storage refused: a reload starts again at the join page */ }
  }

  function offer(value) {
    var input = document.querySelector(".cs-resume-input input");
    if (!input || !value || input.dataset.offered) { return; }
    input.dataset.offered = "1";
    input.value = value;
    input.dispatchEvent(new Event("change", {bubbles: true}));
  }

  function resume() {
    var bridge = document.querySelector(".cs-resume");
    if (bridge) {
      keep(bridge.dataset.forget ? null : bridge.dataset.value);
      bridge.remove();
    }
    if (!document.querySelector(".cs-resume-input input")) { return; }
    if (saved()) { offer(saved()); }
    else if (channel && !asked) { asked = true; channel.postMessage({type: "who"}); }
  }

  if (channel) {
    channel.onmessage = function (event) {
      var message = event.data || {};
      if (message.type === "who" && saved()) {
        channel.postMessage({type: "resume", value: saved()});
      } else if (message.type === "resume" && !saved()) {
        offer(message.value);
      } else if (message.type === "exit") {
        leave();
      }
    };
  }

  function exitPage(event) {
    if (event) { event.preventDefault(); }
    if (channel) { channel.postMessage({type: "exit"}); }  /* every open tab of the form */
    leave();
  }

  function leave() {
    try { window.sessionStorage.clear(); window.localStorage.clear(); } catch (e) { /* private mode */ }
    document.title = "";
    if (document.body) { document.body.innerHTML = ""; }
    window.location.replace(EXIT);
  }

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Shift") { shifts = 0; return; }
    if (event.repeat) { return; }
    shifts += 1;
    window.clearTimeout(timer);
    timer = window.setTimeout(function () { shifts = 0; }, 5000);
    if (shifts >= 3) { exitPage(); }
  }, true);

  document.getElementById("cs-exit").addEventListener("click", exitPage);

  /* The character counter follows every keystroke here; the kernel hears the text when
     the box loses focus (see codesign/forms/parts.py). Counts are code points, as Python. */
  document.addEventListener("input", function (event) {
    var box = event.target;
    var holder = box.closest ? box.closest(".cs-textbox") : null;
    var counter = holder ? holder.querySelector(".cs-counter") : null;
    if (!counter) { return; }
    var count = Array.from(box.value.trim()).length;
    var limit = Number(counter.dataset.limit);
    var wording = count > limit ? counter.dataset.over : counter.dataset.normal;
    counter.textContent = wording.replace("{count}", count).replace("{limit}", limit);
    counter.classList.toggle("cs-over", count > limit);
  }, true);

  /* Voilà's Lumino shell sizes itself on window resize only; the bar's height changes
     with its language, so ask for a layout again. */
  function relayout() { window.dispatchEvent(new Event("resize")); }

  /* Status lines (codesign/forms/guard.py) become live regions while still empty, so
     screen readers announce the messages the form later puts in them. */
  function liveRegions() {
    var lines = document.querySelectorAll(".cs-status:not([aria-live])");
    for (var i = 0; i < lines.length; i++) {
      lines[i].setAttribute("role", "status");
      lines[i].setAttribute("aria-live", "polite");
      lines[i].setAttribute("aria-atomic", "true");
    }
  }

  /* The form puts its language and the bar's words in a hidden .cs-i18n element. */
  function sync() {
    liveRegions();
    resume();
    var words = document.querySelector(".cs-i18n");
    var boxes = document.querySelectorAll("textarea:not([dir]), input[type=text]:not([dir])");
    for (var i = 0; i < boxes.length; i++) { boxes[i].setAttribute("dir", "auto"); }
    if (!words) { return; }
    var root = document.documentElement;
    if (root.lang !== words.dataset.lang) {
      root.lang = words.dataset.lang;
      root.dir = words.dataset.dir;
      window.setTimeout(relayout, 0);
    }
    var texts = {"cs-exit": "exit", "cs-exit-hint": "hint", "cs-helpline-label": "helpline",
                 "cs-emergency-label": "emergency"};
    Object.keys(texts).forEach(function (id) {
      var value = words.dataset[texts[id]];
      var element = document.getElementById(id);
      if (value && element.textContent !== value) { element.textContent = value; }
    });
  }
  new MutationObserver(sync).observe(document.documentElement, {childList: true, subtree: true});
})();
