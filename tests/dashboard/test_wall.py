"""The wall display in a real browser: legible, rotating, and recovering by itself."""
from __future__ import annotations

import pytest

from dashboard import formatting as fmt
from tests.dashboard.conftest import free_port, kiosk_page, start_app, wait_for
from warehouse.metrics import query
from warehouse.snapshots import Reader
from dashboard.periods import this_month
from warehouse.scope import Scope

pytestmark = pytest.mark.browser

PLAYLIST = """
poll_seconds = 1
[[slide]]
screen = "overview"
period = "this_month"
seconds = 5
[[slide]]
screen = "rankings"
period = "this_quarter"
seconds = 5
"""


@pytest.fixture
def wall_server(demo, tmp_path):
    """An app whose test may stop and start it again on the same port."""
    settings = demo[0]
    playlist = tmp_path / "wall.toml"
    playlist.write_text(PLAYLIST, encoding="utf-8")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    procs = []

    def start():
        proc = start_app(settings, port, OPSCENTER_WALL_FILE=str(playlist))
        procs.append(proc)
        wait_for(url + "/login", proc, 60)

    def stop():
        procs[-1].terminate()
        procs[-1].wait(timeout=10)

    start()
    yield settings, url, start, stop
    for proc in procs:
        if proc.poll() is None:
            proc.terminate()
            proc.wait(timeout=10)


def _active(page) -> str:
    return page.evaluate("document.querySelector('.wall-slide.active').dataset.screen")


@pytest.mark.parametrize("width, height", [(1920, 1080), (3840, 2160)])
def test_the_wall_fits_the_screen_with_large_numerals(wall_server, browser, width, height):
    settings, url, _, _ = wall_server
    page = kiosk_page(browser, settings, url, viewport={"width": width, "height": height})
    page.goto(url + "/wall")
    page.wait_for_selector(".wall-slide.active")
    expected = query("dossier_on_time_rate", this_month(settings.demo_today), scope=Scope.everything(), reader=Reader(settings)).iloc[0]
    assert page.inner_text("#wall-dossier_on_time_rate") == fmt.percent(expected.value)
    numeral = page.evaluate("""() => {
        const canvas = document.getElementById('wall-canvas');
        const scale = canvas.getBoundingClientRect().width / 1920;
        return parseFloat(getComputedStyle(document.querySelector('.wall-number')).fontSize) * scale;
    }""")
    assert numeral >= 72 * width / 1920
    scroll = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.scrollHeight]")
    assert scroll[0] <= width and scroll[1] <= height
    assert page.locator(".app-header").is_hidden()  # no controls on the wall
    assert page.inner_text("#wall-as-of").startswith("Dữ liệu cập nhật lúc")
    assert ":" in page.inner_text("#wall-clock")
    page.close()


def test_the_wall_rotates_and_recovers_after_a_server_restart(wall_server, browser):
    settings, url, start, stop = wall_server
    page = kiosk_page(browser, settings, url, viewport={"width": 1920, "height": 1080})
    page.goto(url + "/wall")
    page.wait_for_selector(".wall-slide.active")
    first = _active(page)
    page.wait_for_function(f"document.querySelector('.wall-slide.active').dataset.screen !== '{first}'",
                           timeout=12_000)
    assert page.locator("#wall-reconnect").is_hidden()
    boot = page.get_attribute("#wall", "data-boot")

    stop()
    page.wait_for_selector("#wall-reconnect.on", timeout=15_000)
    assert page.locator(".wall-slide.active").is_visible()  # the last screen stays up
    start()
    # no interaction: the wall notices the new server, reloads and hides the banner
    page.wait_for_function(f"document.getElementById('wall') && document.getElementById('wall').dataset.boot !== '{boot}'",
                           timeout=30_000)
    page.wait_for_selector(".wall-slide.active", timeout=20_000)
    assert page.locator("#wall-reconnect").is_hidden()
    page.close()
