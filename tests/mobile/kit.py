"""Phone fixtures: browser contexts at 360x740 with geolocation (the session's live server
and browser come from tests/conftest.py), a technician with an order, and step helpers."""

import pytest

from app.dispatch import services as dispatch
from app.extensions import db
from tests import browser as browser_support
from tests.factories import PASSWORD
from tests.visits.kit import png

SITE = (121.1605, 36.7702)  # the order's location; the phone arrives ~30 m away
PHONE = {
    "viewport": {"width": 360, "height": 740},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    "locale": "zh-CN",
    "timezone_id": "Asia/Shanghai",
}


@pytest.fixture
def contexts(browser, live_server, storage_dir):
    """contexts(phone=True): a new browser context; a phone has geolocation at the site."""
    opened, errors = [], []

    def open_context(phone=True):
        options = PHONE if phone else {"locale": "zh-CN", "timezone_id": "Asia/Shanghai"}
        # bypass_csp: wait_for_function evals (tests/test_csp_browser.py enforces the CSP)
        context = browser.new_context(base_url=live_server, bypass_csp=True, **options)
        if phone:
            context.grant_permissions(["geolocation"], origin=live_server)
            context.set_geolocation(
                {"longitude": SITE[0] + 0.0003, "latitude": SITE[1], "accuracy": 12}
            )
        context.set_default_timeout(10_000)
        context.on(
            "page",
            lambda page: page.on("pageerror", lambda exc: errors.append(f"{page.url}: {exc}")),
        )
        opened.append(context)
        return context

    yield open_context
    for context in opened:
        context.close()
    assert not errors, f"JavaScript errors: {errors}"


@pytest.fixture
def field_visit(make):
    """A technician 李师傅 and a general repair order at SITE, not yet assigned."""
    team = make.team(name="城区维修一班")
    make.zone(team, code="CQ01")
    tech = make.technician(team=team, name="李师傅", at=SITE)
    order = make.work_order(at=SITE, meter_number="M-2024-0088", address="海阳市方圆街道海港路8号")
    dispatcher = make.user("dispatcher")
    return tech, order, dispatcher


def assign(order, tech, dispatcher):
    """The dispatcher assigns the order: the technician's phone hears of it live."""
    order = db.session.merge(order)
    dispatch.assign(order, tech, dispatcher, reason="测试派单")
    db.session.commit()


def sign_in(page, user):
    page.goto("/m/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_selector("#title:has-text('我的工单')")


def wait_for_service_worker(page):
    page.wait_for_function("navigator.serviceWorker && navigator.serviceWorker.controller !== null")


def screenshot(page, name):
    browser_support.screenshot(page, f"mobile-{name}")


def png_bytes(width=64, height=48):
    """A real, decodable PNG, as the camera input would give."""
    return png(width, height, gradient=True)


def draw_signature(page, selector="#signature-pad"):
    """Two strokes with the mouse, as a finger would draw them."""
    box = page.locator(selector).bounding_box()
    x, y = box["x"], box["y"]
    for start, points in (
        ((30, 120), [(60, 60), (90, 130), (120, 70), (150, 120)]),
        ((170, 90), [(200, 100), (230, 80), (260, 110)]),
    ):
        page.mouse.move(x + start[0], y + start[1])
        page.mouse.down()
        for px, py in points:
            page.mouse.move(x + px, y + py, steps=6)
        page.mouse.up()
