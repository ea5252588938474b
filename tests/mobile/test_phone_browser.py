"""The technician's phone (/m/) in a real browser: a whole visit online, the same visit taken
offline and delivered exactly once, and a forged ID-check code."""

from datetime import UTC, datetime, timedelta

import jwt
import pytest
import sqlalchemy as sa

from app.common.models import IdempotencyKey
from app.extensions import db
from app.notifications import services as notifications
from app.signatures.models import DamageRecord, Signature
from app.visits.models import Photo, SatisfactionForm, ViolationReport, Visit
from app.workorders.models import WorkOrder, WorkOrderEvent
from tests.mobile.kit import (
    SITE,
    assign,
    draw_signature,
    png_bytes,
    screenshot,
    sign_in,
    wait_for_service_worker,
)

pytestmark = pytest.mark.browser


def events_of(order_id):
    db.session.expire_all()
    return db.session.scalars(
        sa.select(WorkOrderEvent)
        .where(WorkOrderEvent.work_order_id == order_id)
        .order_by(WorkOrderEvent.id)
    ).all()


def open_order(page, order):
    page.click(f"a[data-order-id='{order.id}']")
    page.wait_for_selector("#title:has-text('工单详情')")


def step(page, name):
    page.click(f"button[data-step='{name}']")


def expect_status(page, text):
    page.wait_for_selector(f"#order-status:text-is('{text}')")


def test_a_whole_visit_on_the_phone(contexts, field_visit, make):
    tech, order, dispatcher = field_visit
    phone = contexts().new_page()
    sign_in(phone, tech.user)
    phone.wait_for_selector(".empty:has-text('暂无待办工单')")
    assign(order, tech, dispatcher)  # heard live over SSE: a toast and the list redrawn
    phone.wait_for_selector("#toast:has-text('新工单')")
    phone.wait_for_selector(f"a[data-order-id='{order.id}']")
    screenshot(phone, "orders")

    open_order(phone, order)
    step(phone, "accept")
    expect_status(phone, "已接单")
    step(phone, "depart")
    expect_status(phone, "在途")
    step(phone, "arrive")
    phone.wait_for_selector("#fix:has-text('精度 ±12 米')")
    phone.click("#sheet-submit")
    expect_status(phone, "已到场")
    for item in ("uniform", "id_shown", "purpose_stated"):
        phone.click(f".check[data-item='{item}']")
        phone.wait_for_selector(f".check.done[data-item='{item}'] small:not(:empty)")
    screenshot(phone, "on-site")

    # The customer scans the QR code: the public page names the technician, the phone sees it.
    step(phone, "id-check")
    phone.wait_for_function("document.querySelector('#id-qr')?.naturalWidth > 0")
    screenshot(phone, "id-qr")
    url = phone.get_attribute("#verify-url", "href")
    customer = contexts(phone=False).new_page()
    customer.goto(url)
    assert customer.inner_text("#technician-name") == "李师傅"
    assert order.number in customer.inner_text("#order-number")
    screenshot(customer, "customer-verify")
    phone.wait_for_selector("#verify-state:has-text('客户已核验身份')", timeout=15_000)
    phone.click("#sheet-close")
    phone.wait_for_selector("#timeline li[data-kind='customer_verified_id']")

    # Meter damage with a photo, then the customer signs with the mouse.
    step(phone, "meter-damage")
    phone.check("input[name=parts][value='表玻璃']")
    phone.fill("textarea[name=cause]", "用户自行移动水表箱导致表玻璃破裂")
    phone.fill("input[name=charge_item]", "水表玻璃更换")
    phone.fill("input[name=charge_amount]", "35")
    phone.set_input_files(
        "input[name=photos]",
        files=[{"name": "damage.png", "mimeType": "image/png", "buffer": png_bytes()}],
    )
    phone.click("#sheet-submit")
    phone.wait_for_selector("#signature-pad")
    phone.fill("input[name=signer_name]", "王建国")
    phone.check("input[name=signer_relation][value='owner']")
    draw_signature(phone)
    screenshot(phone, "signature")
    phone.click("#sheet-submit")
    # The receipt is handed over at once: a QR code and the link for the customer's phone.
    phone.wait_for_selector("#receipt-qr")
    receipt_url = phone.get_attribute("#receipt-url", "href")
    assert "/receipt/" in receipt_url
    assert phone.get_attribute("#receipt-print", "href") == receipt_url
    screenshot(phone, "receipt-handover")
    phone.click("#sheet-close")
    phone.wait_for_selector(".damage .state:has-text('已签字')")
    assert phone.locator("button[data-step='receipt']").count() == 1

    step(phone, "complete")
    phone.fill("textarea[name=note]", "已更换表玻璃")
    phone.click("#sheet-submit")
    expect_status(phone, "已完工")

    # The satisfaction form through the customer's own link, in another context.
    step(phone, "survey-link")
    phone.wait_for_function("document.querySelector('#survey-qr')?.naturalWidth > 0")
    survey_url = phone.get_attribute("#survey-url", "href")
    customer2 = contexts(phone=False).new_page()
    customer2.goto(survey_url)
    for name in ("overall", "timeliness", "attitude", "professionalism"):
        customer2.check(f"input[name={name}][value='5']")
    customer2.check("input[name=site_clean][value='yes']")
    customer2.fill("#comments", "师傅很专业")
    customer2.click("button[type=submit]")
    customer2.wait_for_selector("text=提交成功")
    phone.click("#sheet-close")
    phone.wait_for_selector(".ok-box:has-text('征求意见书已填写')")
    screenshot(phone, "completed")

    kinds = [e.kind for e in events_of(order.id)]
    for kind in (
        "accept",
        "depart",
        "arrive",
        "checklist:id_shown",
        "customer_verified_id",
        "photo_added",
        "meter_damage_recorded",
        "customer_signed",
        "complete",
        "satisfaction_submitted",
    ):
        assert kinds.count(kind) == 1, (kind, kinds)
    arrive = next(e for e in events_of(order.id) if e.kind == "arrive")
    assert 20 < arrive.payload["distance_m"] < 40 and arrive.accuracy_m == 12
    signature = db.session.scalar(sa.select(Signature).where(Signature.work_order_id == order.id))
    assert signature.signer_name == "王建国" and signature.signer_relation == "owner"
    damage = db.session.get(DamageRecord, signature.damage_record_id)
    assert damage.damaged_parts == ["表玻璃"] and str(damage.charge_amount) == "35.00"
    assert len(damage.photo_ids) == 1
    form = db.session.scalar(
        sa.select(SatisfactionForm).where(SatisfactionForm.work_order_id == order.id)
    )
    assert form.channel == "customer_link" and form.overall == 5
    assert db.session.get(WorkOrder, order.id).status == "completed"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Photo)) == 1


OUTBOX = """async () => {
  const db = await new Promise((ok, no) => {
    const r = indexedDB.open("tapline-m"); r.onsuccess = () => ok(r.result); r.onerror = no; });
  const rows = await new Promise((ok) => {
    const r = db.transaction("outbox").objectStore("outbox").getAll();
    r.onsuccess = () => ok(r.result); });
  db.close();
  return rows.map((e) => ({ action: e.action, key: e.key, device_time: e.device_time,
                            item: e.body.item || null }));
}"""

TOAST_LOG = """window.toasts = [];
document.addEventListener("DOMContentLoaded", () => {
  const toast = document.querySelector("#toast");
  new MutationObserver(() => window.toasts.push(toast.textContent))
    .observe(toast, { childList: true, characterData: true, subtree: true });
});"""


def take_the_visit_offline(phone):
    """Every step of the visit with no network, as in a basement meter room."""
    step(phone, "accept")
    expect_status(phone, "已接单(待同步)")
    step(phone, "depart")
    expect_status(phone, "在途(待同步)")
    step(phone, "arrive")
    phone.wait_for_selector("#fix:has-text('精度')")
    phone.click("#sheet-submit")
    expect_status(phone, "已到场(待同步)")
    for item in ("uniform", "id_shown"):
        phone.click(f".check[data-item='{item}']")
        phone.wait_for_selector(f".check.done[data-item='{item}']:has-text('待发送')")
    step(phone, "meter-damage")
    phone.check("input[name=parts][value='铅封']")
    phone.fill("textarea[name=cause]", "用户私自拆除铅封")
    phone.set_input_files(
        "input[name=photos]",
        files=[{"name": "seal.png", "mimeType": "image/png", "buffer": png_bytes(32, 32)}],
    )
    phone.click("#sheet-submit")
    phone.fill("input[name=signer_name]", "赵敏")
    phone.check("input[name=signer_relation][value='tenant']")
    draw_signature(phone)
    phone.click("#sheet-submit")
    phone.wait_for_selector(".damage .state:has-text('记录和签字待发送')")
    step(phone, "complete")
    phone.click("#sheet-submit")
    expect_status(phone, "已完工(待同步)")
    step(phone, "satisfaction")
    for name in ("overall", "timeliness", "attitude", "professionalism"):
        phone.check(f"input[name={name}][value='4']")
    phone.check("input[name=site_clean][value='yes']")
    phone.click("#sheet-submit")
    phone.wait_for_selector(".ok-box:has-text('征求意见书已填写')")


def test_steps_taken_offline_are_delivered_exactly_once(contexts, field_visit):
    tech, order, dispatcher = field_visit
    assign(order, tech, dispatcher)
    context = contexts()
    context.add_init_script(TOAST_LOG)
    phone = context.new_page()
    sign_in(phone, tech.user)
    phone.wait_for_selector("#toast:has-text('新工单')")  # unread, so replayed at first
    wait_for_service_worker(phone)
    open_order(phone, order)
    phone.wait_for_selector("button[data-step='accept']")

    context.set_offline(True)
    phone.wait_for_selector("#net:visible")
    take_the_visit_offline(phone)
    queued = phone.evaluate(OUTBOX)
    assert [e["action"] for e in queued] == [
        "accept",
        "depart",
        "arrive",
        "checklist",
        "checklist",
        "photo",
        "meter-damage",
        "sign",
        "complete",
        "satisfaction",
    ]
    phone.wait_for_selector("#outbox-count:text-is('待发送 10')")
    screenshot(phone, "offline-queued")

    # The shell comes from the service worker and the queue from IndexedDB after a reload.
    assert phone.reload().from_service_worker
    phone.wait_for_selector("#order-status:text-is('已完工(待同步)')")
    phone.wait_for_selector("#outbox-count:text-is('待发送 10')")
    assert phone.evaluate(OUTBOX) == queued
    assert events_of(order.id)[-1].kind == "assign"  # nothing reached the server

    # Back online: the first reply is lost on the way, so the phone sends the batch again.
    lost = []

    def lose_first_reply(route):
        response = route.fetch()
        if not lost:
            lost.append(response.status)
            route.abort("connectionreset")
        else:
            route.fulfill(response=response)

    phone.route("**/api/sync", lose_first_reply)
    context.set_offline(False)
    phone.wait_for_selector("#outbox-count:text-is('已同步')", timeout=30_000)
    expect_status(phone, "已完工")
    screenshot(phone, "back-online")
    assert lost == [200]
    assert not [t for t in phone.evaluate("window.toasts") if "新工单" in t]  # seen: not again
    assert phone.locator("#failed").is_hidden()  # no step was refused

    events = [e for e in events_of(order.id) if e.actor_id == tech.user_id]
    kinds = [e.kind for e in events]
    assert kinds == [
        "accept",
        "depart",
        "arrive",
        "checklist:uniform",
        "checklist:id_shown",
        "photo_added",
        "meter_damage_recorded",
        "customer_signed",
        "complete",
        "satisfaction_submitted",
    ]
    device_times = [e["device_time"] for e in queued]
    for event, sent in zip(events, device_times, strict=True):
        assert event.device_time.isoformat(timespec="milliseconds").replace("+00:00", "Z") == sent
        assert event.server_time > event.device_time
    keys = db.session.scalars(
        sa.select(IdempotencyKey.key).where(IdempotencyKey.user_id == tech.user_id)
    ).all()
    assert sorted(keys) == sorted(e["key"] for e in queued)
    signature = db.session.scalar(sa.select(Signature))
    assert signature.signer_name == "赵敏"
    assert db.session.get(DamageRecord, signature.damage_record_id).photo_ids == [
        db.session.scalar(sa.select(Photo.id))
    ]
    assert db.session.scalar(sa.select(SatisfactionForm.channel)) == "technician_phone"


def test_the_other_steps_and_a_step_refused_after_reconnecting(contexts, field_visit, make):
    tech, order, dispatcher = field_visit
    other = make.work_order(at=SITE, address="海阳市东村街道2号")
    assign(order, tech, dispatcher)
    assign(other, tech, dispatcher)
    context = contexts()
    phone = context.new_page()
    sign_in(phone, tech.user)

    open_order(phone, other)
    step(phone, "decline")
    phone.fill("textarea[name=reason]", "车辆故障,无法前往")
    phone.click("#sheet-submit")
    phone.wait_for_selector(f"#orders a[data-order-id='{order.id}']")
    phone.wait_for_selector(f"a[data-order-id='{other.id}']", state="detached")

    open_order(phone, order)
    step(phone, "accept")
    step(phone, "contact")
    phone.check("input[name=outcome][value='agreed']")
    phone.click("#sheet-submit")
    phone.wait_for_selector("#timeline li[data-kind='contact_attempt']:has-text('已约定时间')")
    step(phone, "appointment")
    phone.click("#sheet-submit")
    expect_status(phone, "已预约")
    step(phone, "reschedule")
    phone.fill("textarea[name=reason]", "客户临时外出,改至明天")
    phone.select_option("select[name=via]", "phone")
    phone.click("#sheet-submit")
    phone.wait_for_selector("#timeline li[data-kind='reschedule']")
    step(phone, "depart")
    expect_status(phone, "在途")
    context.set_geolocation({"longitude": SITE[0] + 0.01, "latitude": SITE[1], "accuracy": 30})
    step(phone, "arrive")
    phone.wait_for_selector("#fix:has-text('精度 ±30 米')")
    phone.click("#sheet-submit")
    phone.wait_for_selector("#timeline li[data-kind='arrive']:has-text('超出 200 米')")

    step(phone, "work-record")
    phone.fill("textarea[name=notes]", "更换阀门一个")
    phone.click("text=+ 添加配件")
    phone.fill("input[name=part_name]", "DN20 闸阀")
    phone.fill("input[name=part_qty]", "1")
    phone.check("text=本次更换了水表")
    phone.fill("input[name=old_meter_final_reading]", "1234.5")
    phone.fill("input[name=new_meter_number]", "M-2026-0001")
    phone.fill("input[name=new_meter_initial_reading]", "0")
    phone.click("#sheet-submit")
    phone.wait_for_selector("#timeline li[data-kind='work_record']")
    step(phone, "photo")
    phone.set_input_files(
        "input[name=photos]",
        files=[{"name": "work.png", "mimeType": "image/png", "buffer": png_bytes()}],
    )
    phone.click("#sheet-submit")
    phone.wait_for_selector(".thumbs img[src^='blob:']")
    step(phone, "violation")
    phone.check("input[name=kind][value='theft']")
    phone.fill("textarea[name=notes]", "表前私接管道绕过水表")
    phone.set_input_files(
        "input[name=photos]",
        files=[{"name": "bypass.png", "mimeType": "image/png", "buffer": png_bytes(40, 30)}],
    )
    phone.check("input[name=aggressive]")
    phone.click("#sheet-submit")
    phone.wait_for_selector("#timeline li[data-kind='violation_reported']")

    # Completing offline without the work ID shown: queued, then refused by the server, and
    # the phone says so instead of dropping it.
    context.set_offline(True)
    step(phone, "complete")
    phone.click("#sheet-submit")
    expect_status(phone, "已完工(待同步)")
    context.set_offline(False)
    phone.wait_for_selector("#failed .failed:has-text('未能提交:完工')", timeout=30_000)
    assert "出示工作证件" in phone.inner_text("#failed")
    expect_status(phone, "已到场")
    screenshot(phone, "refused-step")
    phone.click("#failed button:has-text('知道了')")
    phone.wait_for_selector("#failed", state="hidden")

    db.session.expire_all()
    declined = db.session.get(WorkOrder, other.id)
    assert declined.status == "new" and declined.technician_id is None
    assert [e.reason for e in events_of(other.id) if e.kind == "decline"] == ["车辆故障,无法前往"]
    kinds = [e.kind for e in events_of(order.id) if e.actor_id == tech.user_id]
    assert kinds == [
        "accept",
        "contact_attempt",
        "schedule",
        "reschedule",
        "depart",
        "arrive",
        "work_record",
        "photo_added",
        "photo_added",
        "violation_reported",
    ]
    visit = db.session.get(Visit, order.id)
    assert visit.arrival_flagged and visit.arrival_distance_m > 800
    assert visit.notes == "更换阀门一个" and visit.parts[0]["name"] == "DN20 闸阀"
    assert visit.meter_replacement == {
        "old_meter_number": "M-2024-0088",
        "old_meter_final_reading": 1234.5,
        "new_meter_number": "M-2026-0001",
        "new_meter_initial_reading": 0,
    }
    report = db.session.scalar(sa.select(ViolationReport))
    assert report.kind == "theft" and report.customer_aggressive and len(report.photo_ids) == 1
    reschedule = next(e for e in events_of(order.id) if e.kind == "reschedule")
    assert reschedule.reason == "客户临时外出,改至明天"
    assert reschedule.payload["customer_informed_via"] == "phone"
    assert db.session.get(WorkOrder, order.id).status == "on_site"


def test_a_forged_or_expired_id_check_code_shows_a_warning(contexts, field_visit, app):
    tech, order, dispatcher = field_visit
    assign(order, tech, dispatcher)
    claims = {
        "sub": str(order.id),
        "typ": "verify_technician",
        "tech": tech.id,
        "jti": "forged",
        "iat": datetime.now(UTC),
    }
    forged = jwt.encode(
        {**claims, "exp": datetime.now(UTC) + timedelta(minutes=10)},
        "an-impostor-key-that-is-not-the-company-key",
        algorithm="HS256",
    )
    expired = jwt.encode(
        {**claims, "exp": datetime.now(UTC) - timedelta(minutes=1)},
        app.config["SECRET_KEY"],
        algorithm="HS256",
    )
    customer = contexts().new_page()

    response = customer.goto(f"/verify/{forged}")
    assert response.status == 403
    assert "核验失败:二维码无效" in customer.inner_text("body")
    assert "请勿让来人进门" in customer.inner_text("body")
    screenshot(customer, "forged-verify")
    response = customer.goto(f"/verify/{expired}")
    assert response.status == 410 and "二维码已过期" in customer.inner_text("body")
    assert "customer_verified_id" not in [e.kind for e in events_of(order.id)]


def test_an_expired_sign_in_is_renewed_before_the_queue_is_sent(contexts, field_visit, app):
    """Back after hours: the access token has expired, the refresh token renews it, and the
    live stream opens once, with a ticket asked for with the renewed token."""
    tech, order, dispatcher = field_visit
    assign(order, tech, dispatcher)
    phone = contexts().new_page()
    sign_in(phone, tech.user)
    expired = jwt.encode(
        {
            "sub": str(tech.user_id),
            "typ": "access",
            "roles": ["technician"],
            "jti": "old",
            "iat": datetime.now(UTC) - timedelta(hours=2),
            "exp": datetime.now(UTC) - timedelta(hours=1),
        },
        app.config["SECRET_KEY"],
        algorithm="HS256",
    )
    # The app is closed first, as the phone was after hours: expired under a running app, the
    # token would be renewed by whatever request was in flight, and a reload cutting that
    # renewal short leaves a spent refresh token (reuse: the server ends the sign-in).
    phone.goto("/m/manifest.webmanifest")
    phone.evaluate(
        """(token) => {
      const saved = JSON.parse(localStorage.getItem("tapline.m.auth"));
      localStorage.setItem("tapline.m.auth", JSON.stringify({ ...saved, access_token: token }));
    }""",
        expired,
    )
    answers = []
    phone.on("response", lambda r: answers.append((r.request.method, r.url, r.status)))
    phone.goto("/m/")
    open_order(phone, order)
    step(phone, "accept")
    expect_status(phone, "已接单")
    assert (
        phone.evaluate("JSON.parse(localStorage.getItem('tapline.m.auth')).access_token") != expired
    )
    assert [e.kind for e in events_of(order.id)][-1] == "accept"
    tickets = [status for method, url, status in answers if url.endswith("/api/events/ticket")]
    assert tickets == [401, 201]  # refused with the expired token, granted with the renewed
    assert len([url for _, url, _ in answers if "/api/events/stream" in url]) <= 1


def test_a_live_event_that_changes_nothing_leaves_the_list_in_place(contexts, field_visit):
    """An event that changes none of my orders redraws nothing: the card under the finger
    stays the same element, and only the time it was read changes."""
    tech, order, dispatcher = field_visit
    assign(order, tech, dispatcher)
    phone = contexts().new_page()
    sign_in(phone, tech.user)
    card = phone.wait_for_selector(f"a[data-order-id='{order.id}']")
    phone.wait_for_selector("#fetched-at:not(:empty)")
    with phone.expect_response(lambda r: r.url.endswith("/api/visits/mine")):
        notifications.notify([tech.user_id], "day_plan", {"date": "2026-12-01"})
        db.session.commit()
        phone.wait_for_selector("#toast:has-text('今日工作计划已更新')")
    phone.wait_for_timeout(300)  # the fetched list is drawn (or not) after its answer
    assert card.evaluate("(node) => node.isConnected")
    with phone.expect_response(lambda r: r.url.endswith("/api/visits/mine")):
        phone.click("#refresh")
    phone.wait_for_timeout(300)
    assert card.evaluate("(node) => node.isConnected")

    # A change does redraw: the address corrected by the desk shows on a new card.
    db.session.execute(
        sa.update(WorkOrder).where(WorkOrder.id == order.id).values(address="海阳市海港路10号")
    )
    db.session.commit()
    phone.click("#refresh")
    phone.wait_for_selector(".order-card .address:text-is('海阳市海港路10号')")
    assert not card.evaluate("(node) => node.isConnected")


def test_the_order_screen_speaks_plainly_and_navigates_with_the_map_apps_coordinates(
    contexts, field_visit, app, monkeypatch
):
    tech, order, dispatcher = field_visit
    assign(order, tech, dispatcher)
    phone = contexts().new_page()
    sign_in(phone, tech.user)
    open_order(phone, order)
    expect_status(phone, "待接单")  # the phone's name for "assigned", named by the server
    view = phone.inner_text("#view")
    for raw in ("null", "undefined", "NaN", "awaiting_dispatcher", "assign", " / "):
        assert raw not in view
    assert "调度员派单,原因:测试派单。工单现为「已派单」。" in view  # the server's sentence
    # 高德 expects GCJ-02: the WGS-84 site (121.1605, 36.7702) is shifted about 450 m by gcoord.
    href = phone.get_attribute("#navigate", "href")
    assert href.startswith("https://uri.amap.com/navigation?to=121.165577,36.770728,")
    screenshot(phone, "order-assigned")

    monkeypatch.setitem(app.config, "NAV_MAP_APP", "baidu")
    phone.reload()
    phone.wait_for_selector("#navigate")
    assert "destination=latlng:36.776647,121.172111" in phone.get_attribute("#navigate", "href")
