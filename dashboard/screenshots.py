"""``python -m dashboard.screenshots``: PNGs of every screen, for people to look at.

Serves the embedded default (``python app.py``, without the scheduler so the figures hold
still) on a free port, opens each screen of its accounts' menus (the page registry's, as
the app shows them) in Debian's Chromium at 1920×1080 (full page),
each wall slide at 1920×1080 and 3840×2160 (named by slide), the province map of the
overview, the overview on a phone (390×844, full page) and a laptop (1366×768, the first
screen), /tasks on a phone, and the overview in English; writes them to
``<data dir>/screenshots/``. ``make screenshots`` runs it.

It signs in as its own accounts (``screenshots``, an analyst, and ``screenshots-admin``),
whose passwords it sets at random on each run, and opens the wall with a kiosk token it
revokes when done.
"""
from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

from config.settings import load_settings

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
ACCOUNTS = {"screenshots": "analyst", "screenshots-admin": "admin"}


def _accounts(settings) -> tuple[str, int, str]:
    """Its accounts with a new random password, and a kiosk token (id, token)."""
    from appdb.engine import open_db
    from dashboard.auth import accounts, kiosk

    db = open_db(settings.app_db)
    password = secrets.token_urlsafe(18)
    for name, role in ACCOUNTS.items():
        accounts.ensure(db, name, role, password, display_name="Ảnh chụp màn hình")
    token_id, token = kiosk.add(db, "screenshots", created_by="screenshots")
    return password, token_id, token


def _sign_in(browser, base: str, username: str, password: str, **options):
    page = browser.new_page(**options)
    page.goto(base + "/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("#sign-in-form button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)
    return page


def _menu(page) -> list[str]:
    """The addresses on the menu of the account signed in on ``page``."""
    page.wait_for_selector(".nav-link")
    return [urlsplit(link.get_attribute("href")).path for link in page.locator(".nav-link").all()]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(port: int) -> subprocess.Popen:
    env = {**os.environ, "OPSCENTER_PORT": str(port), "OPSCENTER_SCHEDULER": "false"}
    proc = subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, env=env)
    deadline = time.monotonic() + 900  # a fresh machine first generates and loads the demo
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit("app.py exited before serving")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=2)
            return proc
        except OSError:
            time.sleep(1)
    proc.terminate()
    raise SystemExit("app.py did not start serving")


def _shoot(page, url: str, path: Path, wait_for: str = ".page-body", full_page: bool = True) -> None:
    page.goto(url)
    page.wait_for_selector(wait_for, timeout=60_000)
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(1500)  # charts finish their first draw
    page.screenshot(path=str(path), full_page=full_page)
    print(path)


def main() -> int:
    from playwright.sync_api import sync_playwright

    settings = load_settings()
    out = settings.data_dir / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    proc = _serve(port)
    password, token_id, token = _accounts(settings)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
            size = {"viewport": {"width": 1920, "height": 1080}}
            admin = _sign_in(browser, base, "screenshots-admin", password, **size)
            page = _sign_in(browser, base, "screenshots", password, **size)
            for signed_in in (admin, page):
                for path in _menu(signed_in):
                    _shoot(signed_in, base + path, out / f"{path.strip('/').replace('/', '-') or 'overview'}.png")
            page.goto(base + "/unit")
            page.wait_for_selector(".unit-list a")
            first_unit = page.get_attribute(".unit-list a", "href")
            _shoot(page, base + first_unit, out / "unit-detail.png")
            for width, height in ((1920, 1080), (3840, 2160)):
                wall = browser.new_page(viewport={"width": width, "height": height})
                wall.goto(f"{base}/kiosk/{token}")
                wall.wait_for_selector(".wall-slide.active", timeout=60_000)
                wall.wait_for_timeout(2000)
                for number in range(wall.locator(".wall-slide").count()):
                    wall.evaluate("n => document.querySelectorAll('.wall-slide').forEach("
                                  "(s, i) => s.classList.toggle('active', i === n))", number)
                    wall.wait_for_timeout(1200)  # a chart drawn while hidden takes its size now
                    screen = wall.get_attribute(f"#wall-slide-{number}", "data-screen")
                    target = out / f"wall-{number}-{screen}-{width}x{height}.png"
                    wall.screenshot(path=str(target))
                    print(target)
                wall.close()
            page.goto(base + "/")
            page.wait_for_selector("#panel-overview-map .main-svg", timeout=60_000)
            page.wait_for_timeout(1000)
            page.locator("#panel-overview-map").screenshot(path=str(out / "map-overview.png"))
            print(out / "map-overview.png")
            for name, viewport, full in (("phone", {"width": 390, "height": 844}, True),
                                         ("laptop", {"width": 1366, "height": 768}, False)):
                small = _sign_in(browser, base, "screenshots", password, viewport=viewport,
                                 **({"device_scale_factor": 2, "is_mobile": True, "has_touch": True}
                                    if name == "phone" else {}))
                _shoot(small, base + "/", out / f"overview-{name}.png", full_page=full)
                if name == "phone":
                    _shoot(small, base + "/tasks", out / "tasks-phone.png")
                small.close()
            page.goto(base + "/language/en?next=/")
            _shoot(page, base + "/", out / "overview-en.png")
            page.goto(base + "/language/vi?next=/")
            signed_out = browser.new_page(**size)
            signed_out.goto(base + "/login")
            signed_out.screenshot(path=str(out / "login.png"))
            browser.close()
    finally:
        from appdb.engine import open_db
        from dashboard.auth import accounts, kiosk

        db = open_db(settings.app_db)
        kiosk.revoke(db, token_id)
        for name in ACCOUNTS:  # signed in by no one until the next run: a program's admin must not
            accounts.set_active(db, name, False)  # stand in for the first one (whose setup link it hides)
        proc.terminate()
        proc.wait(timeout=20)
    print(f"Screenshots in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
