"""Dashboard fixtures: the app in process (layouts rendered under a request), the real app
in a subprocess, and Debian's Chromium driven by Playwright."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.conftest import DEMO_TODAY
from warehouse.scope import Scope

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
PASSWORD = "mật khẩu thử 2026"


def ensure_user(settings, username: str, role: str, unit: str | None = None) -> str:
    """An account with ``PASSWORD`` in the data dir's app database (made once per name)."""
    from appdb.engine import open_db
    from dashboard.auth import accounts

    db = open_db(settings.app_db)
    accounts.ensure(db, username, role, PASSWORD, unit_code=unit)
    db.dispose()
    return username


def add_kiosk(settings, name: str = "Sảnh") -> tuple[int, str]:
    from appdb.engine import open_db
    from dashboard.auth import kiosk

    db = open_db(settings.app_db)
    try:
        return kiosk.add(db, name, created_by="test")
    finally:
        db.dispose()


def sign_in(browser, url: str, username: str = "analyst", **options):
    """A page of a new browser context signed in through the sign-in form.

    Playwright's waiting helpers evaluate strings in the page, which the app's content
    security policy forbids, so test contexts bypass it unless ``bypass_csp=False``
    (test_security checks the policy itself)."""
    page = browser.new_context(**{"bypass_csp": True, **options}).new_page()
    page.goto(url + "/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("#sign-in-form button[type=submit]")
    page.wait_for_function("!location.pathname.startsWith('/login')")
    return page


def kiosk_page(browser, settings, url: str, **options):
    """A page of a new browser context opened as a wall screen with a new kiosk token."""
    page = browser.new_context(**{"bypass_csp": True, **options}).new_page()
    page.goto(f"{url}/kiosk/{add_kiosk(settings)[1]}")
    return page


@contextmanager
def request_as(server, role: str = "analyst", unit: str | None = None, language: str = "vi", path: str = "/"):
    """A request context of ``server`` acting for a principal of ``role`` (and ``unit``)."""
    from dashboard.auth.roles import ROLES, Principal
    from dashboard.context import LANGUAGE_COOKIE, acting_as

    who = Principal("user", f"test-{role}", ROLES[role], id=0, role=role, unit_code=unit)
    with server.test_request_context(path, headers={"Cookie": f"{LANGUAGE_COOKIE}={language}"}), acting_as(who):
        yield who


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, proc: subprocess.Popen, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"app exited: {proc.stdout.read()}")
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"{url} did not answer within {seconds} s")


def start_app(settings, port: int, **env) -> subprocess.Popen:
    """``python app.py`` on the demo warehouse (no scheduler: the tests' data stays put; no
    warm-up: each browser test's page is built while it waits)."""
    environment = {**os.environ, "OPSCENTER_DATA_DIR": str(settings.data_dir), "OPSCENTER_PORT": str(port),
                   "OPSCENTER_DEMO_TODAY": settings.demo_today.isoformat(),
                   "OPSCENTER_DEMO_DOSSIERS": str(settings.demo_dossiers), "OPSCENTER_SCHEDULER": "false",
                   "OPSCENTER_WARM_CACHE": "false",
                   **env}
    return subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, env=environment, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


@pytest.fixture(scope="module")
def server(demo):
    settings = demo[0]
    port = free_port()
    writer_mtime = settings.writer_path.stat().st_mtime_ns
    ensure_user(settings, "analyst", "analyst")
    proc = start_app(settings, port)
    try:
        wait_for(f"http://127.0.0.1:{port}/login", proc, 60)
        # a second start reuses the published data: nothing regenerated or reloaded
        assert settings.writer_path.stat().st_mtime_ns == writer_mtime
        yield settings, f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (make test installs it when run as root)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def dash_app(demo):
    """The Dash app on the demo warehouse, in this process (one per test session: pages
    register themselves with Dash once)."""
    from dashboard.app import create_app

    return create_app(demo[0])


@pytest.fixture(scope="session")
def reader(demo):
    from warehouse.snapshots import Reader

    return Reader(demo[0])


@pytest.fixture(scope="module")
def app(dash_app):
    """The in-process app, ready for HTTP requests through its test client."""
    dash_app.server.test_client().get("/login")  # Dash registers its page routing callbacks at its first request
    return dash_app


@pytest.fixture(scope="module")
def two_units(reader):
    """Two provincial departments that both have overdue dossiers."""
    from warehouse import lists, reference

    units = reference.units(reader)
    found = []
    for code in units.loc[(units["kind"] == "province_dept") & units["is_current"], "unit_code"]:
        if len(lists.overdue_dossiers(DEMO_TODAY, scope=Scope.everything(), reader=reader, unit=code, limit=1)):
            found.append(code)
        if len(found) == 2:
            return found
    pytest.fail("the demo warehouse has fewer than two departments with overdue dossiers")


def csrf(client) -> str:
    return client.get_cookie("_csrf_token").value


def client_as(app, username: str):
    """A test client signed in through the sign-in form, sending the CSRF header as Dash does."""
    client = app.server.test_client()
    client.get("/login")
    answer = client.post("/login", data={"username": username, "password": PASSWORD, "csrf_token": csrf(client)})
    assert answer.status_code == 302, answer.get_data(as_text=True)[:300]
    client.environ_base["HTTP_X_CSRFTOKEN"] = csrf(client)
    return client


@pytest.fixture
def use(dash_app, monkeypatch):
    """Point the in-process app at other settings (and reader) for one test."""
    def _use(settings, reader=None):
        state = dash_app.server.extensions["opscenter"]
        monkeypatch.setitem(state, "settings", settings)
        if reader is not None:
            monkeypatch.setitem(state, "reader", reader)
    return _use


def params(href: str) -> dict:
    """A link's path and its query parameters, e.g. ``{"path": "/unit", "unit": "B01", ...}``."""
    parts = urlsplit(href)
    return {"path": parts.path, **{k: v[0] for k, v in parse_qs(parts.query).items()}}


@pytest.fixture
def render(dash_app):
    """``render(layout, language="vi", role="analyst", unit=None, **query)``: a page's
    component tree for a URL query, rendered under a request as that principal's browser
    would get it."""
    from dashboard import context

    def _render(layout, language: str = "vi", role: str = "analyst", unit: str | None = None, **query):
        with request_as(dash_app.server, role, unit, language):
            context.cache().clear()  # the page as built, not a cached copy of an earlier test's
            return layout(**query)

    return _render


def find(tree, component_id):
    """The component with ``component_id`` in a rendered tree, or None."""
    if getattr(tree, "id", None) == component_id:
        return tree
    children = getattr(tree, "children", None)
    if children is None:
        return None
    for child in children if isinstance(children, (list, tuple)) else [children]:
        found = find(child, component_id)
        if found is not None:
            return found
    return None


def text(tree) -> str:
    """All the text of a rendered tree, as a reader would see it (space separated)."""
    if tree is None:
        return ""
    if isinstance(tree, (str, int, float)):
        return str(tree)
    if isinstance(tree, (list, tuple)):
        return " ".join(text(child) for child in tree)
    return text(getattr(tree, "children", None))
