/* Exit this page (the GOV.UK Design System pattern) and the language bridge.
 * One click on Exit, or Shift pressed three times on its own, clears this site's
 * browser storage and replaces the page with a neutral one: location.replace() leaves
 * no history entry, so Back does not return here. */
(function () {
  "use strict";
  var NEUTRAL = "https://www.bbc.co.uk/weather";
  var shifts = 0;
  var timer = null;

  function exitPage(event) {
    if (event) { event.preventDefault(); }
    try { window.sessionStorage.clear(); window.localStorage.clear(); } catch (e) { /* private mode */ }
    document.title = "";
    if (document.body) { document.body.innerHTML = ""; }
    window.location.replace(NEUTRAL);
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

  /* The form puts its language and the bar's words in a hidden .cs-i18n element. */
  function sync() {
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
