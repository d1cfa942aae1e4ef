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
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


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
    proc = start_app(settings, port)
    try:
        wait_for(f"http://127.0.0.1:{port}/", proc, 60)
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


def params(href: str) -> dict:
    """A link's path and its query parameters, e.g. ``{"path": "/unit", "unit": "B01", ...}``."""
    parts = urlsplit(href)
    return {"path": parts.path, **{k: v[0] for k, v in parse_qs(parts.query).items()}}


@pytest.fixture
def render(dash_app):
    """``render(layout, language="vi", **query)``: a page's component tree for a URL query,
    rendered under a request as the browser would get it."""
    from dashboard import context
    from dashboard.context import LANGUAGE_COOKIE

    def _render(layout, language: str = "vi", **query):
        headers = {"Cookie": f"{LANGUAGE_COOKIE}={language}"}
        with dash_app.server.test_request_context("/", headers=headers):
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
