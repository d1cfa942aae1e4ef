"""The wall display in a real browser: legible from 5 m (no text under 48 px), naming who
is behind, with the alerts in their own band, rotating, and recovering by itself."""
from __future__ import annotations

import pytest

from dashboard import formatting as fmt
from tests.dashboard.conftest import free_port, kiosk_page, start_app, wait_for
from warehouse.metrics import query
from warehouse.snapshots import Reader
from dashboard.periods import rolling_30d, this_month
from warehouse.scope import Scope
from tests.dashboard.conftest import request_as

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
ALL_SLIDES = """
poll_seconds = 5
alerts_period = "rolling_30d"
""" + "".join(f"""
[[slide]]
screen = "{screen}"
period = "{period}"
seconds = 600
""" for screen, period in (("overview", "rolling_30d"), ("procedures", "rolling_30d"), ("map", "rolling_30d"),
                           ("tasks", "rolling_30d"), ("budget", "this_year"), ("rankings", "this_quarter"),
                           ("alerts", "rolling_30d")))

# every visible text node of the canvas with its computed font size (canvas pixels, before
# wall.js scales the canvas), HTML and SVG alike
TEXTS = """() => {
    const found = [];
    const walker = document.createTreeWalker(document.getElementById('wall-canvas'), NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
        const node = walker.currentNode, element = node.parentElement;
        if (!node.textContent.trim() || !element) continue;
        const box = element.getBoundingClientRect();
        if (!element.getClientRects().length || box.width === 0 || box.height === 0) continue;
        const style = getComputedStyle(element);
        if (style.visibility === 'hidden' || style.opacity === '0') continue;
        found.push([node.textContent.trim().slice(0, 60), parseFloat(style.fontSize)]);
    }
    return found;
}"""


@pytest.fixture
def wall_server(demo, tmp_path, request):
    """An app whose test may stop and start it again on the same port (the playlist:
    the test's ``playlist`` mark, else two rotating slides)."""
    settings = demo[0]
    playlist = tmp_path / "wall.toml"
    mark = request.node.get_closest_marker("playlist")
    playlist.write_text(mark.args[0] if mark else PLAYLIST, encoding="utf-8")
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


def _show(page, number: int) -> None:
    page.evaluate("n => document.querySelectorAll('.wall-slide').forEach((s, i) => s.classList.toggle('active', i === n))",
                  number)
    page.wait_for_timeout(300)


@pytest.mark.playlist(ALL_SLIDES)
def test_every_wall_slide_reads_from_5_metres(wall_server, browser):
    """At 1920×1080 no visible text is under 48 px, on any slide, in the band or the footer;
    nothing overflows its slide, the alerts band never overlaps the slide, and the slides
    use the height they have."""
    settings, url, _, _ = wall_server
    page = kiosk_page(browser, settings, url, viewport={"width": 1920, "height": 1080})
    page.goto(url + "/wall")
    try:
        page.wait_for_selector(".wall-slide.active")
    except Exception:
        print("BODY", page.inner_text("body")[:2000])
        raise
    page.wait_for_selector("#wall-map .main-svg", state="attached", timeout=20_000)
    screens = page.evaluate("[...document.querySelectorAll('.wall-slide')].map(s => s.dataset.screen)")
    assert screens == ["overview", "procedures", "map", "tasks", "budget", "rankings", "alerts"]
    for number, screen in enumerate(screens):
        _show(page, number)
        texts = page.evaluate(TEXTS)
        assert len(texts) >= 8, (screen, texts)
        small = [(text, size) for text, size in texts if size < 48]
        assert not small, (screen, small)
        geometry = page.evaluate("""() => {
            const slide = document.querySelector('.wall-slide.active');
            const band = document.getElementById('wall-band').getBoundingClientRect();
            const area = slide.getBoundingClientRect();
            let bottom = 0;
            slide.querySelectorAll('*').forEach(e => { const r = e.getBoundingClientRect();
                                                      if (r.height) bottom = Math.max(bottom, r.bottom); });
            return {overflow: slide.scrollHeight - slide.clientHeight, wide: slide.scrollWidth - slide.clientWidth,
                    slideBottom: area.bottom, bandTop: band.top, bandHeight: band.height, used: bottom};
        }""")
        assert geometry["overflow"] <= 1 and geometry["wide"] <= 1, (screen, geometry)
        assert geometry["slideBottom"] <= geometry["bandTop"], (screen, geometry)  # the band is its own row
        assert geometry["bandHeight"] >= 140
        # no dead band: the slide's content reaches the lower part of its area
        assert geometry["used"] >= geometry["slideBottom"] - 200, (screen, geometry)
    # the footer: data as of and the clock, as large
    assert page.inner_text("#wall-as-of").startswith("Dữ liệu cập nhật lúc")
    assert ":" in page.inner_text("#wall-clock")
    page.close()


@pytest.mark.playlist(ALL_SLIDES)
def test_the_map_slide_shows_34_provinces_and_the_archipelagos(wall_server, browser):
    settings, url, _, _ = wall_server
    page = kiosk_page(browser, settings, url, viewport={"width": 3840, "height": 2160})
    page.goto(url + "/wall")
    page.wait_for_selector(".wall-slide.active")
    _show(page, 2)
    page.wait_for_selector("#wall-map .main-svg")
    tiles = page.evaluate("document.querySelectorAll('#wall-map .shapelayer path').length")
    assert tiles == 34
    islands = page.evaluate("[...document.querySelectorAll('#wall-map .annotation-text')].map(a => a.textContent)")
    assert sorted(islands) == ["QĐ. Hoàng Sa", "QĐ. Trường Sa"]
    # the lowest provinces are named in large type beside the map, each a department of the map
    names = page.locator("#wall-map-provinces .wall-row-name").all_inner_texts()
    assert 1 <= len(names) <= 4
    # 4K is the same picture, scaled: the map's tiles are twice as large as at 1080p
    scale = page.evaluate("document.getElementById('wall-canvas').getBoundingClientRect().width / 1920")
    assert scale == pytest.approx(2, abs=0.01)
    size = page.evaluate("document.querySelector('#wall-map .shapelayer path').getBoundingClientRect().height")
    assert size >= 2 * 30
    page.close()


@pytest.mark.playlist(ALL_SLIDES)
def test_the_alerts_of_the_overview_reach_the_wall(wall_server, browser, dash_app):
    """The band and the alerts slide show what ``dashboard.alerts`` finds, naming its units."""
    from dashboard import alerts, context
    from dashboard.state import View

    settings, url, _, _ = wall_server
    with request_as(dash_app.server):
        found = alerts.current(View(rolling_30d(context.today())), "vi")
    assert found, "the demo raises no alert: the test would show nothing"
    page = kiosk_page(browser, settings, url, viewport={"width": 1920, "height": 1080})
    page.goto(url + "/wall")
    page.wait_for_selector(".wall-band-item.current")
    band = page.evaluate(
        "[...document.querySelectorAll('#wall-band .wall-band-item')].map(i => i.textContent).join(' | ')")
    first = found[0]
    assert first.text.rstrip(":") in band
    if first.units:
        assert first.units[0].figure in band
    # the gravest alert is the one on show when the wall opens, large and in its reserved band
    current = page.inner_text(".wall-band-item.current")
    assert first.text.rstrip(":") in current
    _show(page, 6)
    slide = page.inner_text("#wall-slide-6")
    for alert in found[:4]:
        assert alert.text.rstrip(":") in slide
    page.close()
