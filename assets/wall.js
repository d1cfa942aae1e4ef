/* The wall display (layouts/wall.py), run by the browser alone so that it keeps going
   while the server is away: scale the 1920×1080 canvas to the screen, rotate the slides
   and the alerts of the band, tick the clock, and ask /live/state whether to reload (new
   data version or a restarted server), showing "reconnecting" while there is no answer. */
(function () {
  "use strict";
  var WIDTH = 1920, HEIGHT = 1080;
  var started = false;

  function fit(canvas) {
    var scale = Math.min(window.innerWidth / WIDTH, window.innerHeight / HEIGHT);
    canvas.style.transform = "scale(" + scale + ")";
    canvas.style.left = Math.max(0, (window.innerWidth - WIDTH * scale) / 2) + "px";
    canvas.style.top = Math.max(0, (window.innerHeight - HEIGHT * scale) / 2) + "px";
  }

  function clock(element, language) {
    var format = new Intl.DateTimeFormat(language === "en" ? "en-GB" : "vi-VN", {
      timeZone: "Asia/Ho_Chi_Minh", hour: "2-digit", minute: "2-digit",
      weekday: "long", day: "2-digit", month: "2-digit", year: "numeric"
    });
    var tick = function () { element.textContent = format.format(new Date()); };
    tick();
    setInterval(tick, 1000);
  }

  function rotate(slides) {
    if (!slides.length) { return; }
    /* the position survives a reload, so a new data version does not restart the playlist */
    var index = parseInt(sessionStorage.getItem("wall-slide") || "0", 10) % slides.length;
    var show = function () {
      slides.forEach(function (slide, i) { slide.classList.toggle("active", i === index); });
      sessionStorage.setItem("wall-slide", String(index));
      var seconds = parseInt(slides[index].getAttribute("data-seconds") || "20", 10);
      setTimeout(function () { index = (index + 1) % slides.length; show(); }, seconds * 1000);
    };
    show();
  }

  /* The band shows one alert at a time, the stale-source alarm first while it is on. */
  var BAND_SECONDS = 8;
  function band() {
    var element = document.getElementById("wall-band");
    if (!element) { return; }
    var index = 0;
    var show = function () {
      var items = Array.prototype.slice.call(element.querySelectorAll(".wall-band-item")).filter(function (item) {
        return !item.classList.contains("wall-alarm") || item.classList.contains("on");
      });
      element.querySelectorAll(".wall-band-item").forEach(function (item) { item.classList.remove("current"); });
      if (!items.length) { return; }
      index = index % items.length;
      items[index].classList.add("current");
      index += 1;
    };
    show();
    band.show = function () { index = 0; show(); };
    setInterval(show, BAND_SECONDS * 1000);
  }

  function poll(wall) {
    var version = wall.getAttribute("data-version");
    var boot = wall.getAttribute("data-boot");
    var seconds = parseInt(wall.getAttribute("data-poll") || "15", 10);
    var banner = document.getElementById("wall-reconnect");
    var alarm = document.getElementById("wall-alarm");
    var failures = 0;
    var ask = function () {
      var controller = new AbortController();
      var timer = setTimeout(function () { controller.abort(); }, 5000);
      fetch("/live/state", {cache: "no-store", credentials: "same-origin", signal: controller.signal})
        .then(function (response) {
          /* signed out or the kiosk token revoked: reload, and the server says which */
          if (response.status === 401 || response.status === 403) { window.location.reload(); return null; }
          if (!response.ok) { throw new Error("HTTP " + response.status); }
          return response.json();
        })
        .then(function (state) {
          clearTimeout(timer);
          if (state === null) { return; }
          failures = 0;
          banner.classList.remove("on");
          if ((state.version || "") !== version || state.boot !== boot) {
            window.location.reload();
            return;
          }
          var stale = state.stale || [];
          var text = stale.length ? alarm.getAttribute("data-template").replace("{sources}", stale.join(", ")) : "";
          var was = alarm.classList.contains("on");
          document.getElementById("wall-alarm-text").textContent = text;
          alarm.classList.toggle("on", stale.length > 0);
          if (was !== stale.length > 0 && band.show) { band.show(); }
        })
        .catch(function () {
          clearTimeout(timer);
          failures += 1;
          banner.classList.add("on");
        })
        .finally(function () {
          /* ask sooner while disconnected, so the wall recovers within seconds */
          setTimeout(ask, (failures ? Math.min(seconds, 5) : seconds) * 1000);
        });
    };
    setTimeout(ask, seconds * 1000);
  }

  function start() {
    var wall = document.getElementById("wall");
    if (!wall || started) { return false; }
    started = true;
    var canvas = document.getElementById("wall-canvas");
    document.body.classList.add("wall-mode");
    fit(canvas);
    window.addEventListener("resize", function () { fit(canvas); });
    clock(document.getElementById("wall-clock"), wall.getAttribute("data-language"));
    rotate(Array.prototype.slice.call(document.querySelectorAll(".wall-slide")));
    band();
    poll(wall);
    return true;
  }

  /* Dash renders the page after this script runs: wait for the wall to appear. */
  if (window.location.pathname.replace(/\/$/, "") === "/wall") {
    var observer = new MutationObserver(function () { if (start()) { observer.disconnect(); } });
    observer.observe(document.documentElement, {childList: true, subtree: true});
  }
})();
