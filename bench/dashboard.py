"""Time every screen of the dashboard on a national-scale warehouse: on the server, cold and
cached, and the full page load in a browser.

    cd /work/main && .venv/bin/python bench/dashboard.py --dossiers 1000000 --data-dir /tmp/bench1m
    .venv/bin/python bench/dashboard.py                      # 10M dossiers in a temporary dir
    .venv/bin/python bench/dashboard.py --data-dir /tmp/bench10m --runs 10 --loads 5 [--no-browser]

The warehouse is built (or reused) by ``bench/metrics.py``'s ``ensure_snapshot``: ``--dossiers``
demo dossiers (default 10 million), ``TODAY`` = 2026-11-15, bulk-loaded and published in
``--data-dir`` (default a temporary dir); a second run on the same dir reuses the snapshot.
A bulk-loaded warehouse has no run log and no ``sources.json``, so the data-status screen
shows its empty states there.

Then, in this process (``dashboard.app.create_app``):

1. every page of ``dash.page_registry`` (``/unit`` with a real unit code), for several URL
   queries (this month, this year, a unit-kind filter), timed two ways: the page's layout
   function under ``app.server.test_request_context()`` (what Dash's page-content callback
   runs), and the real callback, a POST to ``/_dash-update-component`` with the body the
   browser sends (layout + JSON serialisation + Flask). "cold" clears the screen cache
   (``app.server.extensions["opscenter"]["cache"]``) before each run, "cached" runs after a
   warm-up; DuckDB's and the OS's caches stay warm in both (a fresh snapshot after a publish
   is colder than this);
2. the other server callbacks of the layouts (e.g. the unit page's grid ``getRows``), POSTed
   with realistic inputs where the bench knows them; the others are listed as not timed;
3. where the time goes on a cold render: the slowest data calls (``dashboard.cache.cached``
   misses: a metric, a list, a reference table) of each screen that misses a target;
4. the page load in Debian's Chromium (Playwright): ``app.py`` started as a subprocess on the
   same data dir; each screen loaded ``--loads`` times, each in a new browser context (no
   HTTP cache), until the page content is in and every chart is drawn. The first load of a
   screen finds the server's cache cold, the others find it warm.

Everything goes through sign-in as a browser's would: the bench's own accounts, ``bench``
(analyst: the desk screens and the wall) and ``bench-admin`` (the admin screens), made in
the data dir's app database with a new random password each run, sign in through the
form; layout functions run acting as the same role. The gate's cost (one read of the app
database per request) is in every HTTP figure.

Targets (from the issue): p95 <= 150 ms cold and <= 20 ms cached per callback; a page
loaded in the browser in <= 2 s. The bench prints its figures; it asserts nothing.
"""
from __future__ import annotations

import argparse
import json
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from time import perf_counter
from urllib.parse import urlencode

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import metrics as metrics_bench  # noqa: E402  (bench/metrics.py: the national-scale build)
from config.settings import load_settings  # noqa: E402
from dashboard.auth.roles import system  # noqa: E402
from dashboard.context import acting_as  # noqa: E402

TODAY = metrics_bench.TODAY
COLD_P95_MS, CACHED_P95_MS, PAGE_LOAD_S = 150, 20, 2.0
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
QUERIES = {  # variant -> URL query (the period of a screen defaults to this month)
    "this month": {},
    "this year": {"from": f"{TODAY.year}-01-01", "to": TODAY.isoformat()},
    "kind filter": {"kind": "province_dept"},
}
PAGES_CONTENT = "_pages_content"


def pick_unit(reader) -> str:
    """A real unit of today's structure: the provincial department listed first."""
    from warehouse import reference

    units = reference.units(reader)
    current = units[units["is_current"] & (units["kind"] == "province_dept")]
    return str((current if len(current) else units)["unit_code"].iloc[0])


def stats(times: list[float]) -> tuple[float, float]:
    return float(np.median(times)), float(np.percentile(times, 95))


# --- in process: layouts and callbacks --------------------------------------------------------

ACCOUNTS = {"analyst": "bench", "admin": "bench-admin"}  # the desk screens; the admin screens
PRINCIPALS = {role: system("bench", role) for role in ACCOUNTS}  # what in-process layout calls act as


def role_of(path: str) -> str:
    """The bench role that opens the screen at ``path`` (an administrator's screens need one)."""
    from dashboard import screens

    return "admin" if screens.at(path.split("?")[0])["right"] == "admin" else "analyst"


def bench_accounts(settings) -> str:
    """The bench's own accounts, with a new random password each run; screens are timed
    through sign-in like a browser's."""
    from appdb.engine import open_db
    from dashboard.auth import accounts

    password = secrets.token_urlsafe(18)
    db = open_db(settings.app_db)
    for role, name in ACCOUNTS.items():
        accounts.ensure(db, name, role, password, display_name="Benchmark")
    return password


def sign_in(client, username: str, password: str):
    """Sign a Flask test client in through the form, then send the CSRF header as Dash does."""
    client.get("/login")
    token = client.get_cookie("_csrf_token").value
    answer = client.post("/login", data={"username": username, "password": password, "csrf_token": token})
    if answer.status_code != 302:
        raise SystemExit(f"the bench could not sign in as {username}: HTTP {answer.status_code}")
    client.environ_base["HTTP_X_CSRFTOKEN"] = client.get_cookie("_csrf_token").value
    return client


class Bench:
    def __init__(self, settings, runs: int, language: str):
        import dash

        from dashboard.app import create_app

        self.app = create_app(settings)
        self.state = self.app.server.extensions["opscenter"]
        self.runs, self.language = runs, language
        self.headers = {"Cookie": f"opscenter_lang={language}"}
        self.password = bench_accounts(settings)
        # the first request also has Dash set up its page routing
        self.clients = {role: sign_in(self.app.server.test_client(), name, self.password)
                        for role, name in ACCOUNTS.items()}
        self.client = self.clients["analyst"]
        self.dependencies = self.client.get("/_dash-dependencies", headers=self.headers).get_json()
        self.unit = pick_unit(self.state["reader"])
        self.pages = sorted(dash.page_registry.values(), key=lambda p: p["path"])

    def clear(self) -> None:
        self.state["cache"].clear()

    def time(self, call, *, cold: bool) -> list[float]:
        if not cold:
            call()  # warm-up
        times = []
        for _ in range(self.runs):
            if cold:
                self.clear()
            started = perf_counter()
            call()
            times.append((perf_counter() - started) * 1000)
        return times

    # the screens ---------------------------------------------------------------------------

    def queries(self, page: dict) -> dict[str, dict]:
        if page["path"] == "/unit":
            return {name: {**query, "unit": self.unit} for name, query in QUERIES.items()}
        return dict(QUERIES)

    def layout_call(self, page: dict, query: dict):
        def call():
            with self.app.server.test_request_context(page["path"], headers=self.headers), acting_as(PRINCIPALS[role_of(page["path"])]):
                return page["layout"](**query)
        return call

    def content_dependency(self) -> dict:
        return next(d for d in self.dependencies if PAGES_CONTENT in d["output"])

    def http_call(self, dependency: dict, inputs: list, state: list, changed: list[str], role: str = "analyst"):
        """The POST the browser sends for ``dependency``; raises on an error answer."""
        outputs = [dict(zip(("id", "property"), part.rsplit(".", 1)))
                   for part in dependency["output"].strip(".").split("...")]
        body = {"output": dependency["output"], "outputs": outputs if len(outputs) > 1 else outputs[0],
                "inputs": inputs, "state": state, "changedPropIds": changed}

        def call():
            response = self.clients[role].post("/_dash-update-component", json=body, headers=self.headers)
            if response.status_code not in (200, 204):
                raise RuntimeError(f"{dependency['output']}: HTTP {response.status_code} "
                                   f"{response.get_data(as_text=True)[:300]}")
            return response
        return call

    def page_http_call(self, page: dict, query: dict):
        search = f"?{urlencode(query)}" if query else ""
        inputs = [{"id": "_pages_location", "property": "pathname", "value": page["path"]},
                  {"id": "_pages_location", "property": "search", "value": search}]
        return self.http_call(self.content_dependency(), inputs, [], ["_pages_location.pathname"],
                              role_of(page["path"]))

    def screens(self):
        """(label, how, cold times, cached times) for every page, query and way of calling."""
        for page in self.pages:
            for variant, query in self.queries(page).items():
                label = f"{page['path']} ({variant})"
                for how, call in (("layout", self.layout_call(page, query)),
                                  ("http", self.page_http_call(page, query))):
                    yield label, how, self.time(call, cold=True), self.time(call, cold=False)

    # the other server callbacks --------------------------------------------------------------

    def known_callbacks(self) -> dict[str, list[tuple[str, list, list, list[str]]]]:
        """Output -> (variant, inputs, state, changed) the bench can send with realistic values."""
        args = {"id": "unit-grid-args", "property": "data",
                "value": {"unit": self.unit, "as_of": TODAY.isoformat()}}

        def grid(name, sort_col):
            grid_id = f"unit-{name}-grid"
            first = {"startRow": 0, "endRow": 50, "sortModel": [], "filterModel": {}}
            third = {"startRow": 100, "endRow": 150, "sortModel": [{"colId": sort_col, "sort": "asc"}],
                     "filterModel": {"days_overdue": {"filterType": "number", "type": "greaterThanOrEqual",
                                                      "filter": 5}}}
            return [(variant, [{"id": grid_id, "property": "getRowsRequest", "value": request}], [args],
                     [f"{grid_id}.getRowsRequest"])
                    for variant, request in (("page 1", first), ("page 3, sorted, filtered", third))]

        return {"unit-dossiers-grid.getRowsResponse": grid("dossiers", "received_at"),
                "unit-tasks-grid.getRowsResponse": grid("tasks", "due_on")}

    def callbacks(self):
        """(label, how, cold, cached) for each other server callback; the untimed ones with why."""
        known = self.known_callbacks()
        untimed = []
        results = []
        for dependency in self.dependencies:
            output = dependency["output"]
            if dependency.get("clientside_function") or PAGES_CONTENT in output:
                continue
            cases = known.get(output)
            if not cases:
                inputs = ", ".join(f"{i['id']}.{i['property']}" for i in dependency["inputs"])
                untimed.append(f"{output} <- {inputs}: the bench knows no realistic inputs for it")
                continue
            for variant, inputs, state, changed in cases:
                call = self.http_call(dependency, inputs, state, changed)
                results.append((f"{output.strip('.')} ({variant})", "http", self.time(call, cold=True),
                                self.time(call, cold=False)))
        return results, untimed

    # where the time goes -------------------------------------------------------------------

    @contextmanager
    def recording(self):
        """Record every cache miss (one data call computed) with its duration."""
        from dashboard import context

        original, calls = context.cached, []

        def timed_cached(kind, params, compute, **options):
            if kind == "page":  # the whole page: its data calls are recorded one by one
                return original(kind, params, compute, **options)

            def timed_compute():
                started = perf_counter()
                try:
                    return compute()
                finally:
                    calls.append(((perf_counter() - started) * 1000, kind, params))
            return original(kind, params, timed_compute, **options)

        patched = [module for module in list(sys.modules.values())
                   if getattr(module, "cached", None) is original]
        for module in patched:
            module.cached = timed_cached
        try:
            yield calls
        finally:
            for module in patched:
                module.cached = original

    def profile(self, page_path: str, query: dict, top: int = 6) -> list[str]:
        page = next(p for p in self.pages if p["path"] == page_path)
        with self.recording() as calls:
            self.clear()
            started = perf_counter()
            self.layout_call(page, query)()
            total = (perf_counter() - started) * 1000
        data_ms = sum(c[0] for c in calls)
        lines = [f"{page_path}?{urlencode(query)}: {total:.0f} ms cold, {len(calls)} data calls "
                 f"{data_ms:.0f} ms, the rest (components, formatting, figures) {total - data_ms:.0f} ms"]
        for ms, kind, params in sorted(calls, key=lambda c: -c[0])[:top]:
            shown = {k: v for k, v in params.items() if v not in (None, [], {}, "current")}
            lines.append(f"    {ms:7.1f} ms  {kind} {json.dumps(shown, default=str, ensure_ascii=False)}")
        return lines


def verdict(cold: list[float], cached: list[float]) -> str:
    misses = []
    if stats(cold)[1] > COLD_P95_MS:
        misses.append("cold")
    if stats(cached)[1] > CACHED_P95_MS:
        misses.append("cached")
    return "PASS" if not misses else "FAIL " + "+".join(misses)


def print_table(title: str, rows) -> list[tuple]:
    print(f"\n{title}")
    print(f"  {'screen / callback':<58} {'how':<6} {'cold p50':>9} {'p95':>7} {'cached p50':>11} {'p95':>7}"
          "  verdict")
    failed = []
    for label, how, cold, cached in rows:
        (c50, c95), (w50, w95) = stats(cold), stats(cached)
        result = verdict(cold, cached)
        print(f"  {label:<58} {how:<6} {c50:9.1f} {c95:7.1f} {w50:11.1f} {w95:7.1f}  {result}", flush=True)
        if result != "PASS":
            failed.append((label, how, result))
    return failed


# --- the browser -----------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serving(settings):
    port = free_port()
    env = {**os.environ, "OPSCENTER_DATA_DIR": str(settings.data_dir), "OPSCENTER_PORT": str(port),
           "OPSCENTER_SCHEDULER": "false", "OPSCENTER_DEMO_TODAY": TODAY.isoformat()}
    log = tempfile.TemporaryFile()
    proc = subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, env=env, stdout=log,
                            stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 300
        while True:
            if proc.poll() is not None:
                log.seek(0)
                raise SystemExit(f"app.py exited: {log.read().decode(errors='replace')[-2000:]}")
            try:
                with urllib.request.urlopen(url + "/login", timeout=5):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise SystemExit("app.py did not answer within 300 s") from None
                time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()


RENDERED = """() => {
  const content = document.getElementById('_pages_content');
  if (!content || !content.children.length) return false;
  if (document.querySelector('._dash-loading, .dash-spinner')) return false;
  const graphs = [...document.querySelectorAll('.dash-graph')];
  return graphs.every(g => g.querySelector('.main-svg'));
}"""


TIMINGS = """() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const res = performance.getEntriesByType('resource');
  const js = res.filter(e => new URL(e.name).pathname.endsWith('.js'));
  const content = res.filter(e => e.name.includes('_dash-update-component'));
  const end = list => list.length ? Math.max(...list.map(e => e.responseEnd)) : 0;
  return {
    dcl: nav.domContentLoadedEventEnd,
    js_end: end(js),
    js_mb: js.reduce((sum, e) => sum + (e.encodedBodySize || 0), 0) / 1e6,
    layout_end: end(res.filter(e => e.name.includes('_dash-layout'))),
    callbacks_end: end(content),
    callbacks_server: content.length ? Math.max(...content.map(e => e.responseEnd - e.requestStart)) : 0,
  };
}"""


def browser_session(browser, url: str, username: str, password: str) -> dict:
    """The cookies of a browser signed in through the form, for each timed load to start from."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(url + "/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("#sign-in-form button[type=submit]")
    page.wait_for_url(lambda address: "/login" not in address)
    state = context.storage_state()
    context.close()
    return state


def page_loads(url: str, paths: list[str], loads: int, language: str, password: str) -> list[tuple]:
    from playwright.sync_api import sync_playwright

    rows = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            sessions = {role: browser_session(browser, url, name, password) for role, name in ACCOUNTS.items()}
            for path in paths:
                times, errors, graphs, parts = [], [], 0, []
                for _ in range(loads):
                    # a new context each time (no HTTP cache) with the signed-in session; the
                    # policy is bypassed for Playwright's waiting helper, which evaluates a string
                    context = browser.new_context(viewport={"width": 1440, "height": 900}, bypass_csp=True,
                                                  storage_state=sessions[role_of(path)])
                    context.add_cookies([{"name": "opscenter_lang", "value": language, "url": url}])
                    page = context.new_page()
                    page.on("pageerror", lambda exc: errors.append(str(exc)))
                    started = perf_counter()
                    page.goto(url + path, wait_until="commit")
                    page.wait_for_selector("#breadcrumbs, .page-body, #_pages_content > *", timeout=60_000)
                    page.wait_for_function(RENDERED, timeout=60_000, polling=20)
                    times.append(perf_counter() - started)
                    parts.append(page.evaluate(TIMINGS))
                    graphs = page.locator(".js-plotly-plot").count()
                    context.close()
                rows.append((path, times, graphs, errors))
                rest = times[1:] or times
                part = {key: float(np.median([p[key] for p in parts])) / (1 if key == "js_mb" else 1000)
                        for key in parts[0]}
                print(f"  {path:<44} {times[0]:7.2f} {np.median(rest):9.2f} {np.percentile(rest, 95):7.2f}"
                      f" {graphs:>7}  {'PASS' if max(times) <= PAGE_LOAD_S else 'FAIL':<7}"
                      f" {part['dcl']:5.2f} {part['js_end']:6.2f} {part['js_mb']:5.1f}"
                      f" {part['layout_end']:6.2f}"
                      f" {part['callbacks_end']:6.2f} {part['callbacks_server']:6.2f}"
                      f"{'  errors: ' + errors[0][:80] if errors else ''}", flush=True)
        finally:
            browser.close()
    return rows


# --- main ------------------------------------------------------------------------------------

def run(data_dir: Path, n_dossiers: int, runs: int, loads: int, browser: bool, language: str) -> None:
    settings = load_settings(data_dir=data_dir, demo_today=TODAY, scheduler=False)
    metrics_bench.ensure_snapshot(settings, n_dossiers)
    bench = Bench(settings, runs, language)
    reader = bench.state["reader"]
    dossiers = reader.frame("select count(*) as n from dossiers")["n"].iat[0]
    print(f"\nSnapshot {reader.version}: {dossiers:,} dossiers; today {TODAY}; unit page for {bench.unit}")
    print(f"Pages: {', '.join(p['path'] for p in bench.pages)}")
    print(f"Targets: p95 <= {COLD_P95_MS} ms cold, <= {CACHED_P95_MS} ms cached; {runs} runs each (ms)")

    failed = print_table("Screens: layout function (in a request context) and the page-content callback"
                         " (HTTP)", bench.screens())
    results, untimed = bench.callbacks()
    failed += print_table("Other server callbacks (HTTP POST /_dash-update-component)", results)
    if untimed:
        print("  not timed:")
        for line in untimed:
            print(f"    {line}")

    missed = sorted({(label.split(" (")[0], label.split(" (")[1].rstrip(")")) for label, how, _ in failed
                     if label.startswith("/")})
    if missed:
        print("\nWhere the cold time goes (the slowest data calls of each screen that missed a target)")
        for path, variant in missed:
            page = next(p for p in bench.pages if p["path"] == path)
            for line in bench.profile(path, bench.queries(page)[variant]):
                print(f"  {line}")

    if browser:
        paths = [p["path"] + (f"?unit={bench.unit}" if p["path"] == "/unit" else "") for p in bench.pages]
        print(f"\nPage load in Chromium (s; new context each load; target <= {PAGE_LOAD_S} s)")
        print("  (median of the loads, s from navigation start: DOMContentLoaded, last script in and MB of"
              " scripts,\n   frame layout in, last callback answer in, and the slowest callback request)")
        print(f"  {'screen':<44} {'first':>7} {'then p50':>9} {'p95':>7} {'charts':>7}  verdict"
              f"  {'dcl':>5} {'js in':>6} {'js MB':>5} {'layout':>6} {'cb in':>6} {'cb req':>6}")
        with serving(settings) as url:
            page_loads(url, paths, loads, language, bench.password)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dossiers", type=int, default=10_000_000, help="demo dossiers to generate")
    parser.add_argument("--data-dir", type=Path,
                        help="data dir to build in or reuse (default: a temporary one)")
    parser.add_argument("--runs", type=int, default=10, help="timed runs per screen, query and mode")
    parser.add_argument("--loads", type=int, default=5, help="browser loads per screen")
    parser.add_argument("--no-browser", action="store_true", help="skip the page loads in Chromium")
    parser.add_argument("--language", choices=("vi", "en"), default="vi")
    args = parser.parse_args()
    if args.data_dir:
        run(args.data_dir, args.dossiers, args.runs, args.loads, not args.no_browser, args.language)
    else:
        with tempfile.TemporaryDirectory(prefix="opscenter-bench-") as data_dir:
            run(Path(data_dir), args.dossiers, args.runs, args.loads, not args.no_browser, args.language)


if __name__ == "__main__":
    main()
