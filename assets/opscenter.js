/* Clientside callbacks of dashboard/navigation.py: URL work done in the browser. */
window.dash_clientside = Object.assign({}, window.dash_clientside, {
  opscenter: {
    /* A click on a chart mark follows the URL the server put in its customdata. */
    drill: function (clicks) {
      const ctx = window.dash_clientside.callback_context;
      const trigger = ctx.triggered && ctx.triggered[0];
      if (!trigger || !trigger.value || !trigger.value.points || !trigger.value.points.length) {
        return window.dash_clientside.no_update;
      }
      let target = trigger.value.points[0].customdata;
      if (Array.isArray(target)) { target = target[0]; }
      return typeof target === "string" && target.startsWith("/") ? target : window.dash_clientside.no_update;
    },
    /* A picker changes one URL parameter, keeping the others. */
    setParam: function (values) {
      const ctx = window.dash_clientside.callback_context;
      const trigger = ctx.triggered && ctx.triggered[0];
      if (!trigger) { return window.dash_clientside.no_update; }
      const id = JSON.parse(trigger.prop_id.split(".")[0]);
      const url = new URL(window.location.href);
      if (trigger.value === null || trigger.value === undefined || trigger.value === "") {
        url.searchParams.delete(id.param);
      } else {
        url.searchParams.set(id.param, trigger.value);
      }
      if (url.search === window.location.search) { return window.dash_clientside.no_update; }
      return url.pathname + url.search;
    },
    /* A custom period: only when both ends are chosen and differ from the period shown
       (the picker reports its first value too, which must not rewrite a refused URL). */
    setPeriod: function (start, end, shown) {
      if (!start || !end) { return window.dash_clientside.no_update; }
      const url = new URL(window.location.href);
      const from = start.slice(0, 10), to = end.slice(0, 10);
      if (shown && shown[0] === from && shown[1] === to) { return window.dash_clientside.no_update; }
      if (url.searchParams.get("from") === from && url.searchParams.get("to") === to) {
        return window.dash_clientside.no_update;
      }
      url.searchParams.set("from", from);
      url.searchParams.set("to", to);
      return url.pathname + url.search;
    },
    /* Menu links keep the period and filters of the view the user is on. */
    menuLinks: function (search, ids) {
      const current = new URLSearchParams(search || "");
      return ids.map(function (id) {
        const keep = new URLSearchParams();
        ["from", "to", "kind", "structure", "field"].forEach(function (name) {
          if (current.get(name)) { keep.set(name, current.get(name)); }
        });
        const query = keep.toString();
        return id.path + (query ? "?" + query : "");
      });
    },
    /* The language toggle comes back to the view the user is on. */
    languageLink: function (href, current) {
      const base = (current || "").split("?")[0];
      const here = window.location.pathname + window.location.search;
      return base + "?next=" + encodeURIComponent(here);
    }
  }
});

/* The stale-source alarm of the desk screens (dashboard/components.py data_status_line):
   asked at load and every minute, since a source goes stale without any new publish. */
(function () {
  "use strict";
  function refresh() {
    var alarm = document.getElementById("stale-alarm");
    if (!alarm) { return; }
    fetch("/live/state", {cache: "no-store", credentials: "same-origin"})
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (state) {
        var stale = (state && state.stale) || [];
        alarm.textContent = stale.length ? alarm.getAttribute("data-template").replace("{sources}", stale.join(", ")) : "";
        alarm.classList.toggle("on", stale.length > 0);
      })
      .catch(function () { /* the next try will tell */ });
  }
  new MutationObserver(function () {
    var alarm = document.getElementById("stale-alarm");
    if (alarm && !alarm.dataset.watched) { alarm.dataset.watched = "1"; refresh(); }
  }).observe(document.documentElement, {childList: true, subtree: true});
  setInterval(refresh, 60000);
})();
