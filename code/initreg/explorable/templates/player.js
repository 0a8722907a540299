(function () {
  // The player of the figure just before this script: switch each panel's frame, alt text
  // and cursor on every change of a control; a play button steps a time slider through
  // its positions at a steady pace and stops at the end; space toggles it.
  var s = document.currentScript, root = s && s.previousElementSibling;
  if (!root || !root.classList || !root.classList.contains("initreg-explorable") || root.dataset.ready) return;
  root.dataset.ready = "1";
  var d = JSON.parse(root.querySelector("script.ix-data").textContent);
  var ctl = Array.prototype.slice.call(root.querySelectorAll("[data-ix]"));
  var panels = Array.prototype.slice.call(root.querySelectorAll(".ix-panel"));
  var STEP_MS = 700;
  function idx() { return ctl.map(function (c) { return parseInt(c.value, 10); }); }
  function flat(at, deps, sizes) {
    var k = 0;
    deps.forEach(function (dep, i) { k = k * sizes[i] + at[dep]; });
    return k;
  }
  function show() {
    var at = idx();
    ctl.forEach(function (c, i) {
      var labs = d.labels[i];
      if (!labs) return;
      c.setAttribute("aria-valuetext", labs[at[i]]);
      var o = root.querySelector('output[for="' + c.id + '"]');
      if (o) o.textContent = labs[at[i]];
    });
    panels.forEach(function (el, p) {
      var info = d.panels[p], k = flat(at, info.deps, info.sizes);
      var img = el.querySelector("img"), src = info.images[info.index[k]];
      if (img.getAttribute("src") !== src) img.src = src;
      var alt = info.cursor === null ? info.alts[k] : info.alts[k][at[info.cursor]];
      img.alt = alt;
      var line = el.querySelector(".ix-cursor");
      if (line && info.at) {
        var pos = info.at[k][at[info.cursor]];
        if (!pos) { line.style.display = "none"; }
        else {
          line.style.display = "";
          line.style.left = (100 * pos.x) + "%";
          line.style.top = (100 * pos.top) + "%";
          line.style.height = (100 * (pos.bottom - pos.top)) + "%";
        }
      }
    });
  }
  var timers = {};
  function stop(btn) {
    clearInterval(timers[btn.dataset.for]);
    delete timers[btn.dataset.for];
    btn.setAttribute("aria-pressed", "false");
    btn.textContent = "Play";
  }
  function toggle(btn) {
    var slider = document.getElementById(btn.dataset.for);
    if (timers[btn.dataset.for]) { stop(btn); return; }
    var max = parseInt(slider.max, 10);
    if (parseInt(slider.value, 10) >= max) { slider.value = "0"; show(); }
    btn.setAttribute("aria-pressed", "true");
    btn.textContent = "Pause";
    timers[btn.dataset.for] = setInterval(function () {
      var v = parseInt(slider.value, 10) + 1;
      slider.value = String(v);
      show();
      if (v >= max) stop(btn);
    }, STEP_MS);
  }
  var buttons = Array.prototype.slice.call(root.querySelectorAll(".ix-play"));
  buttons.forEach(function (b) { b.disabled = false; b.addEventListener("click", function () { toggle(b); }); });
  root.addEventListener("keydown", function (e) {
    if ((e.key === " " || e.code === "Space") && buttons.length && e.target.tagName !== "BUTTON"
        && e.target.tagName !== "SELECT") {
      e.preventDefault();
      toggle(buttons[0]);
    }
  });
  ctl.forEach(function (c) {
    c.disabled = false;
    c.addEventListener("input", function () { buttons.forEach(function (b) { if (b.dataset.for === c.id && timers[c.id]) stop(b); }); show(); });
    c.addEventListener("change", show);
  });
})();
