"""The overview in a real browser shows the three indicators of the metric registry."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import date
from pathlib import Path

import pytest

from dashboard import formatting as fmt
from warehouse.metrics import Period, query
from warehouse.snapshots import Reader

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(url: str, proc: subprocess.Popen, seconds: float) -> None:
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


@pytest.fixture(scope="module")
def server(demo):
    settings = demo[0]
    port = _free_port()
    env = {**os.environ, "OPSCENTER_DATA_DIR": str(settings.data_dir), "OPSCENTER_PORT": str(port),
           "OPSCENTER_DEMO_TODAY": settings.demo_today.isoformat(),
           "OPSCENTER_DEMO_DOSSIERS": str(settings.demo_dossiers)}
    writer_mtime = settings.writer_path.stat().st_mtime_ns
    proc = subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        _wait_for(f"http://127.0.0.1:{port}/", proc, 60)
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


def _expected_cards(settings, period: Period) -> dict:
    reader = Reader(settings)
    on_time = query("dossier_on_time_rate", period, reader=reader).iloc[0]
    overdue = query("task_overdue", period, reader=reader).iloc[0]
    budget = query("budget_disbursement_rate", period, reader=reader).iloc[0]
    return {
        "dossier_on_time_rate": fmt.percent(on_time.value),
        "task_overdue": fmt.count(overdue.value),
        "budget_disbursement_rate": fmt.percent(budget.value),
    }


@pytest.mark.browser
@pytest.mark.parametrize("path, period", [
    ("/", Period(date(2026, 11, 1), date(2026, 11, 20))),  # default: this month to date
    ("/?from=2025-01-01&to=2025-12-31", Period(date(2025, 1, 1), date(2025, 12, 31))),
])
def test_overview_shows_the_registry_values(server, browser, path, period, tmp_path_factory):
    settings, url = server
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(url + path)
    page.wait_for_selector("#kpi-dossier_on_time_rate", timeout=20_000)
    shown = {name: page.inner_text(f"#kpi-{name}") for name in
             ("dossier_on_time_rate", "task_overdue", "budget_disbursement_rate")}
    assert shown == _expected_cards(settings, period)
    assert all(value != fmt.NO_DATA for value in shown.values())
    budget = query("budget_disbursement_rate", period, reader=Reader(settings)).iloc[0]
    assert page.inner_text("#kpi-budget-target") == (
        f"Mục tiêu theo lộ trình {fmt.percent(budget.target)}; "
        f"chênh lệch {fmt.points_change(budget.gap_pp)} điểm %")
    assert "Tỷ lệ hồ sơ giải quyết đúng hạn" in page.inner_text("body")
    assert page.inner_text("#overview-data-as-of").startswith("Dữ liệu cập nhật lúc")
    assert page.inner_text("#overview-period") == (
        f"Kỳ báo cáo: {fmt.day(period.start)} – {fmt.day(period.end)}")
    out = tmp_path_factory.getbasetemp() / f"overview{path.replace('/', '_').replace('?', '_')}.png"
    page.screenshot(path=str(out), full_page=True)
    assert not errors
    page.close()


@pytest.mark.browser
def test_a_bad_period_in_the_url_is_explained(server, browser):
    settings, url = server
    page = browser.new_page()
    page.goto(url + "/?from=2026-13-01&to=2026-11-20")
    page.wait_for_selector("#kpi-dossier_on_time_rate", timeout=20_000)
    assert "Kỳ báo cáo trong địa chỉ không hợp lệ" in page.inner_text("body")
    page.close()
