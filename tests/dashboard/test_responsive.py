"""The desk screens on a phone and a laptop, and the date picker in Vietnamese, in a real browser."""
from __future__ import annotations

import pytest

from tests.dashboard.conftest import sign_in

pytestmark = pytest.mark.browser

CARDS = ("dossier_on_time_rate", "dossier_overdue_open", "task_overdue", "budget_disbursement_rate")
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}


def _no_sideways_scroll(page) -> None:
    width, inner = page.evaluate("[document.scrollingElement.scrollWidth, window.innerWidth]")
    assert width <= inner, f"the page is {width} px wide on a {inner} px screen"


@pytest.mark.parametrize("path", ["/", "/tasks"])
def test_a_phone_shows_the_screen_in_one_column_without_sideways_scroll(server, browser, path):
    settings, url = server
    page = sign_in(browser, url, **PHONE)
    page.goto(url + path + "?from=2026-10-01&to=2026-11-20")
    page.wait_for_selector(".page-body", timeout=30_000)
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(800)
    _no_sideways_scroll(page)
    if path == "/":
        boxes = [page.locator(f"#kpi-{name}").locator("xpath=ancestor::section[1]").bounding_box() for name in CARDS]
        # stacked: one card a row, each as wide as the screen allows, one under the other
        assert len({round(box["x"]) for box in boxes}) == 1
        assert all(a["y"] + a["height"] <= b["y"] for a, b in zip(boxes, boxes[1:]))
        assert all(box["width"] >= 330 and box["x"] + box["width"] <= 390 for box in boxes)
        # the first number is on the first screen
        assert boxes[0]["y"] < 844
    else:
        # a table's rows are cards, each cell under its column's name
        cell = page.locator("#tasks-list-table td[data-label]").first
        if cell.count():
            assert page.locator("#tasks-list-table thead").is_hidden()
            label = page.evaluate("el => getComputedStyle(el, '::before').content", cell.element_handle())
            assert cell.get_attribute("data-label") in label
    page.close()


def test_a_laptop_shows_the_four_cards_above_the_fold(server, browser):
    settings, url = server
    page = sign_in(browser, url, viewport={"width": 1366, "height": 768})
    page.goto(url + "/")
    page.wait_for_selector("#kpi-budget_disbursement_rate", timeout=30_000)
    _no_sideways_scroll(page)
    for name in CARDS:
        box = page.locator(f"#kpi-{name}").locator("xpath=ancestor::section[1]").bounding_box()
        assert box["y"] + box["height"] <= 768, name
    page.close()


def test_the_date_picker_speaks_vietnamese_and_starts_on_monday(server, browser):
    settings, url = server
    page = sign_in(browser, url, viewport={"width": 1366, "height": 768})
    page.goto(url + "/?from=2026-11-01&to=2026-11-20")
    page.wait_for_selector("#period-range", timeout=30_000)
    page.click("#period-range")
    page.wait_for_selector("text=Tháng 11/2026", timeout=10_000)
    text = page.inner_text("body")
    assert "Tháng 12/2026" in text or "Tháng 10/2026" in text  # the second month shown
    # the weekday header row of the first month: Monday first, Sunday last
    days = page.evaluate("""() => {
        const found = [...document.querySelectorAll('body *')].filter(e => e.children.length === 0
            && /^(T[2-7]|CN)$/.test(e.textContent.trim()));
        return found.slice(0, 7).map(e => e.textContent.trim());
    }""")
    assert days == ["T2", "T3", "T4", "T5", "T6", "T7", "CN"]
    assert "November" not in text and "Mo" not in days
    page.close()
    # in English the picker is English
    page = sign_in(browser, url, viewport={"width": 1366, "height": 768})
    page.goto(url + "/language/en?next=/%3Ffrom%3D2026-11-01%26to%3D2026-11-20")
    page.wait_for_selector("#period-range", timeout=30_000)
    page.click("#period-range")
    page.wait_for_selector("text=November 2026", timeout=10_000)
    page.close()
