"""Outages in Chromium: the desk banner and linked call, the declaring page, the public page."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.auth import tokens
from app.database import utcnow
from app.extensions import db
from app.messaging.rules import TZ
from app.outages.models import Outage, OutageCall
from app.workorders.models import WorkOrder
from tests.browser import screenshot
from tests.outages.test_outages import INSIDE, body

pytestmark = pytest.mark.browser


def declared(client, make):
    user = make.user("dispatcher")
    resp = client.post("/api/outages", headers=make.headers(user), json=body())
    assert resp.status_code == 201, resp.json
    return resp.json["id"]


def test_the_desk_warns_before_typing_and_links_the_no_water_call(
    page_at,
    client,
    make,  # noqa: F811
):
    make.zone()
    make.customer(at=INSIDE, name="李大妈", phone="13805350001", account_no="HY30000001")
    outage_id = declared(client, make)
    agent = make.user("hotline_agent")
    page = page_at("/desk/", tokens.access_token(agent))
    page.wait_for_selector("body[data-ready=true]")
    page.fill("#search", "13805350001")
    page.keyboard.press("Enter")
    banner = page.locator("#outage-banner")
    banner.wait_for()
    text = banner.inner_text()
    form = page.locator("#order-form").bounding_box()
    map_box = page.locator("#order-map").bounding_box()
    assert form["x"] < map_box["x"] and form["y"] < map_box["y"] + 50  # side by side, as without
    assert "该地址在停水范围内:东村街道幸福小区(计划停水)" in text and "更换供水主管阀门" in text
    orders_before = db.session.scalar(sa.select(sa.func.count()).select_from(WorkOrder))
    page.click("#outage-banner button")
    page.wait_for_selector("#outage-banner :text('已记入停水通告')")
    screenshot(page, "desk-outage-banner")
    [call] = db.session.scalars(sa.select(OutageCall)).all()
    assert call.outage_id == outage_id and call.caller_phone == "13805350001"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(WorkOrder)) == orders_before


def test_a_dispatcher_draws_an_area_and_declares_the_outage(page_at, make):
    make.zone()
    make.customer(at=INSIDE, phone="13805350002")
    dispatcher = make.user("dispatcher")
    page = page_at("/dispatch/outages/", tokens.access_token(dispatcher))
    page.wait_for_selector("body[data-ready=true]")
    box = page.locator("#outage-map").bounding_box()
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    for dx, dy in ((-80, -80), (80, -80), (80, 80), (-80, 80)):
        page.mouse.click(cx + dx, cy + dy)
    assert page.inner_text("#vertex-count") == "4"
    start = (utcnow() + timedelta(days=2)).astimezone(TZ)
    page.fill("input[name=area_name]", "城区中心片")
    page.fill("input[name=start_at]", f"{start:%Y-%m-%dT08:00}")
    page.fill("input[name=expected_end_at]", f"{start:%Y-%m-%dT14:00}")
    page.fill("input[name=reason]", "管网改造")
    page.click("#outage-form button[type=submit]")
    page.wait_for_selector(".outage-item")
    assert "影响用户 1 户" in page.inner_text("#outage-list")
    page.wait_for_selector("path.outage-area")
    screenshot(page, "outage-console")
    [outage] = db.session.scalars(sa.select(Outage)).all()
    assert outage.area_name == "城区中心片" and outage.affected_count == 1
    soon = (utcnow() + timedelta(hours=3)).astimezone(TZ)  # planned, less than 24 h ahead
    page.select_option("#zone-select", index=0)
    page.fill("input[name=area_name]", "城区东片")
    page.fill("input[name=start_at]", f"{soon:%Y-%m-%dT%H:%M}")
    page.fill("input[name=expected_end_at]", f"{soon + timedelta(hours=4):%Y-%m-%dT%H:%M}")
    page.fill("input[name=reason]", "抢修阀门")
    page.click("#outage-form button[type=submit]")
    page.wait_for_selector("#outage-error:has-text('24小时')")
    said = page.inner_text("#outage-error")
    assert "须由主管领导批准" in said
    for word in ("planned", "notice", "text(", "function", "undefined"):
        assert word not in said
    screenshot(page, "outage-console-short-notice")


def test_the_public_page_lists_outages_on_a_phone(page_at, client, make):
    declared(client, make)
    page = page_at("/outages", viewport=(390, 844))
    text = page.inner_text("main")
    assert "计划停水" in text and "东村街道幸福小区" in text and "更换供水主管阀门" in text
    for word in ("null", "None", "undefined", "planned"):
        assert word not in text
    screenshot(page, "outages-public")
