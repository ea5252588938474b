"""The dispatcher console in a real browser: the queue, assigning, live updates, the plan."""

import re

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.workorders.models import WorkOrder
from tests.browser import screenshot
from tests.desk.kit import token_of

pytestmark = pytest.mark.browser


@pytest.fixture
def city(make):
    team = make.team(name="城区维修一班")
    zone = make.zone(team, code="CQ01")
    # on call, so that they are eligible whatever the hour the suite runs at
    near = make.technician(team=team, name="张师傅", at=(121.161, 36.771), on_call=True)
    far = make.technician(team=team, name="李师傅", at=(121.20, 36.80), on_call=True)
    return {
        "team": team,
        "zone": zone,
        "near": near,
        "far": far,
        "dispatcher": make.user("dispatcher", display_name="调度员周"),
        "agent": make.user("hotline_agent", display_name="坐席刘"),
    }


def test_agent_opens_an_order_dispatcher_sees_it_assigns_it_technician_stream_gets_it(
    page_at, make, city, live_stream, app, monkeypatch
):
    monkeypatch.setitem(app.config, "CONSOLE_POLL_SECONDS", 2)
    make.customer(account_no="HY20240009", name="孙大爷", phone="13905359999")
    tech_stream = live_stream(token_of(make, city["near"].user))

    console = page_at("/dispatch/", token=token_of(make, city["dispatcher"]))
    console.wait_for_selector("#live-state:has-text('实时')")
    assert console.locator(".queue-item").count() == 0

    desk = page_at("/desk/", token=token_of(make, city["agent"]))
    desk.wait_for_function("document.activeElement.id === 'search'")
    desk.keyboard.type("13905359999")
    desk.keyboard.press("Enter")
    desk.wait_for_selector("#preview-route:has-text('城区维修一班')")
    desk.fill("textarea[name=description]", "水表前阀门漏水")
    desk.keyboard.press("Control+Enter")
    number = desk.locator(".saved strong").inner_text().removeprefix("已创建工单 ")

    item = console.locator(f".queue-item:has-text('{number}')")
    item.wait_for(timeout=8000)  # the console refreshed on its own
    assert "待派单" in item.inner_text()
    item.click()
    console.wait_for_selector(".candidate")
    first = console.locator(".candidate").first
    assert "张师傅" in first.inner_text() and "距离" in first.inner_text()
    assert "null" not in console.inner_text("#suggestions")
    screenshot(console, "console-suggestions")
    first.locator("button:has-text('派给TA')").click()
    console.wait_for_selector("#timeline li:has-text('派单')")

    event = tech_stream.wait_for(
        lambda e: e["kind"] == "assignment" and e["payload"].get("number") == number
    )
    assert event["kind"] == "assignment" and event["payload"]["address"]
    db.session.expire_all()
    order = db.session.scalar(sa.select(WorkOrder).where(WorkOrder.number == number))
    assert order.status == "assigned" and order.technician_id == city["near"].id
    assert order.events[-1].actor_label == f"dispatcher:{city['dispatcher'].username}"
    console.wait_for_selector(f".queue-item:has-text('{number}')", state="detached")
    screenshot(console, "console-after-assign")


def test_overriding_the_top_suggestion_needs_a_reason(page_at, make, city):
    order = make.work_order(at=(121.16, 36.77))
    console = page_at("/dispatch/", token=token_of(make, city["dispatcher"]))
    console.locator(".queue-item").first.click()
    second = console.locator(".candidate:has-text('李师傅')")
    second.wait_for()
    second.locator("button").click()
    # The refusal names the field in words, not by its API name.
    console.wait_for_selector("#assign-error:has-text('「改派理由」须为 2 到 1000 个字')")
    assert "override_reason" not in console.inner_text("#assign-error")
    console.fill("#assign-reason", "张师傅今天在处理大客户")
    second.locator("button").click()
    console.wait_for_selector("#timeline li:has-text('张师傅今天在处理大客户')")
    db.session.expire_all()
    assert db.session.get(WorkOrder, order.id).technician_id == city["far"].id


def test_a_declined_order_comes_back_live_over_the_stream_and_is_reassigned(
    page_at, make, city, client, live_stream, app, monkeypatch
):
    monkeypatch.setitem(app.config, "CONSOLE_POLL_SECONDS", 0)  # no polling: the stream only
    order = make.work_order(at=(121.16, 36.77))
    dispatcher = make.headers(city["dispatcher"])
    resp = client.post(
        f"/api/workorders/{order.id}/assign",
        headers=dispatcher,
        json={"technician_id": city["near"].id},
    )
    assert resp.status_code == 200, resp.json
    far_stream = live_stream(token_of(make, city["far"].user))

    console = page_at("/dispatch/", token=token_of(make, city["dispatcher"]))
    console.wait_for_selector("#live-state:has-text('实时')")
    assert console.locator(".queue-item").count() == 0
    resp = client.post(
        f"/api/workorders/{order.id}/decline",
        headers=make.headers(city["near"].user),
        json={"reason": "车辆故障"},
    )
    assert resp.status_code == 200, resp.json

    console.wait_for_selector(f".queue-item:has-text('{order.number}')", timeout=8000)
    console.wait_for_selector(f"#feed li:has-text('维修工拒单,工单退回队列:工单 {order.number}')")
    console.locator(".queue-item").first.click()
    console.wait_for_selector("#timeline li:has-text('拒单')")
    console.locator(".candidate:has-text('李师傅') button").click()
    far_stream.wait_for(
        lambda e: e["kind"] == "assignment" and e["payload"].get("number") == order.number
    )
    screenshot(console, "console-reassigned-live")


def test_map_shows_zones_open_orders_and_technicians(page_at, make, city):
    make.work_order(at=(121.16, 36.77))
    make.work_order(type="emergency_repair", at=(121.17, 36.78))
    console = page_at("/dispatch/", token=token_of(make, city["dispatcher"]))
    console.wait_for_selector(".tech-icon:has-text('张师傅')")
    assert console.locator(".tech-icon").count() == 2
    # one zone polygon and two order markers, all SVG paths
    console.wait_for_function("document.querySelectorAll('path.leaflet-interactive').length >= 3")
    console.wait_for_function("document.querySelectorAll('.queue-item').length === 2")
    reasons = console.locator(".queue-item .why").all_inner_texts()
    assert reasons[0].startswith("抢修未接单") and reasons[1].startswith("待派单")
    screenshot(console, "console-map")


def next_working_day():
    from datetime import timedelta

    from app.calendar.rules import local_date
    from app.calendar.services import WorkingCalendar
    from app.database import utcnow

    calendar, day = WorkingCalendar(), local_date(utcnow())
    day += timedelta(days=1)
    while not calendar.is_working(day):
        day += timedelta(days=1)
    return day


def test_day_plan_shows_routes_on_map_and_list_then_move_and_accept(page_at, make, city):
    orders = [
        make.work_order(at=at)
        for at in [(121.162, 36.772), (121.198, 36.799), (121.165, 36.768), (121.195, 36.801)]
    ]
    console = page_at("/dispatch/", token=token_of(make, city["dispatcher"]))
    console.wait_for_selector(".queue-item")
    console.keyboard.press("Alt+2")
    form = console.locator("#plan-form")
    form.locator("[name=team_id]").select_option(label="城区维修一班")
    form.locator("[name=date]").fill(next_working_day().isoformat())
    form.locator("button[type=submit]").click()
    console.wait_for_selector(".plan-route")
    routes = console.locator(".plan-route")
    planned = " ".join(routes.all_inner_texts())
    assert all(o.number in planned for o in orders), planned
    assert console.locator(".stop-icon").count() == 4  # numbered stops on the map
    assert "null" not in console.inner_text("#plan")
    screenshot(console, "console-day-plan")

    # move the first stop of the first route to the other technician
    first_route = routes.first
    name = first_route.locator("strong").inner_text()
    other = "李师傅" if name == "张师傅" else "张师傅"
    moved = re.search(r"WO\d+", first_route.locator("li").first.inner_text()).group()
    first_route.locator("li select").first.select_option(label=other)
    console.wait_for_selector(f".plan-route:has(strong:text-is('{other}')) li:has-text('{moved}')")
    console.locator("#plan button:has-text('接受计划')").click()
    console.wait_for_selector("#plan .badge:has-text('已接受')")
    db.session.expire_all()
    order = db.session.scalar(sa.select(WorkOrder).where(WorkOrder.number == moved))
    assert order.technician.name == other and order.status in ("assigned", "scheduled")
