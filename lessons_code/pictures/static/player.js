/* The book's animation player (lessons_code/pictures/player.py writes its markup): one frame
   shown at a time, a slider, buttons, a live status line. The frames (<img loading="lazy">)
   load when the player comes within a screen of the view, or when the reader touches it. */
(function () {
  "use strict";
  function setup(fig) {
    if (fig.hasAttribute("data-ready")) return;
    fig.setAttribute("data-ready", "");
    var frames = Array.prototype.slice.call(fig.querySelectorAll(".fcconv-frame"));
    var controls = fig.querySelector(".fcconv-controls");
    var slider = controls.querySelector('input[type="range"]');
    var loop = controls.querySelector('input[type="checkbox"]');
    var status = fig.querySelector(".fcconv-status");
    var steps = frames.map(function (f) { return f.getAttribute("data-step"); });
    var n = frames.length, current = 0, timer = null;
    var interval = parseInt(fig.getAttribute("data-interval"), 10) || 1000;
    var first = status.textContent;

    function load() {
      frames.forEach(function (f) { f.querySelector("img").loading = "eager"; });
      fig.setAttribute("data-loaded", "");
    }
    function show(k) {
      frames[current].classList.remove("fcconv-current");
      current = Math.max(0, Math.min(n - 1, k));
      frames[current].classList.add("fcconv-current");
      slider.value = current;
      slider.setAttribute("aria-valuetext", steps[current]);
      var img = frames[current].querySelector("img");
      status.textContent = current === 0 ? first : img.alt;
    }
    function stop() {
      if (timer !== null) { clearInterval(timer); timer = null; }
      fig.removeAttribute("data-playing");
    }
    function play() {
      stop();
      load();
      if (current === n - 1) show(0);
      fig.setAttribute("data-playing", "");
      timer = setInterval(function () {
        if (current < n - 1) show(current + 1);
        else if (loop.checked) show(0);
        else stop();
      }, interval);
    }
    var actions = {
      first: function () { stop(); show(0); },
      previous: function () { stop(); show(current - 1); },
      pause: stop,
      play: play,
      next: function () { stop(); show(current + 1); },
      last: function () { stop(); show(n - 1); }
    };
    controls.addEventListener("click", function (e) {
      var button = e.target.closest("button[data-action]");
      if (button) { load(); actions[button.getAttribute("data-action")](); }
    });
    slider.addEventListener("input", function () { stop(); load(); show(parseInt(slider.value, 10)); });
    ["pointerdown", "focusin"].forEach(function (type) {
      fig.addEventListener(type, load, {once: true});
    });
    if ("IntersectionObserver" in window) {
      var seen = new IntersectionObserver(function (entries) {
        if (entries.some(function (e) { return e.isIntersecting; })) { seen.disconnect(); load(); }
      }, {rootMargin: "100% 0px"});
      seen.observe(fig);
    } else {
      load();
    }
    window.addEventListener("beforeprint", load);
    fig.classList.add("fcconv-js");
    controls.hidden = false;
    show(0);
  }
  function all() {
    Array.prototype.forEach.call(document.querySelectorAll("figure.fcconv-player"), setup);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", all);
  else all();
})();
