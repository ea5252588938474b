"""The technician's phone (/m/) in a real browser: a whole visit online, the same visit taken
offline and delivered exactly once, and a forged ID-check code."""

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.signatures.models import DamageRecord, Signature
from app.visits.models import Photo, SatisfactionForm
from app.workorders.models import WorkOrder, WorkOrderEvent
from tests.mobile.conftest import (
    assign,
    draw_signature,
    png_bytes,
    screenshot,
    sign_in,
)

pytestmark = pytest.mark.browser


def events_of(order_id):
    db.session.expire_all()
    return db.session.scalars(sa.select(WorkOrderEvent).where(
        WorkOrderEvent.work_order_id == order_id).order_by(WorkOrderEvent.id)).all()


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
    phone.set_input_files("input[name=photos]", files=[
        {"name": "damage.png", "mimeType": "image/png", "buffer": png_bytes()}])
    phone.click("#sheet-submit")
    phone.wait_for_selector("#signature-pad")
    phone.fill("input[name=signer_name]", "王建国")
    phone.check("input[name=signer_relation][value='owner']")
    draw_signature(phone)
    screenshot(phone, "signature")
    phone.click("#sheet-submit")
    phone.wait_for_selector(".damage .state:has-text('已签字')")

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
    for kind in ("accept", "depart", "arrive", "checklist:id_shown", "customer_verified_id",
                 "photo_added", "meter_damage_recorded", "customer_signed", "complete",
                 "satisfaction_submitted"):
        assert kinds.count(kind) == 1, (kind, kinds)
    arrive = next(e for e in events_of(order.id) if e.kind == "arrive")
    assert 20 < arrive.payload["distance_m"] < 40 and arrive.accuracy_m == 12
    signature = db.session.scalar(sa.select(Signature).where(Signature.work_order_id == order.id))
    assert signature.signer_name == "王建国" and signature.signer_relation == "owner"
    damage = db.session.get(DamageRecord, signature.damage_record_id)
    assert damage.damaged_parts == ["表玻璃"] and str(damage.charge_amount) == "35.00"
    assert len(damage.photo_ids) == 1
    form = db.session.scalar(sa.select(SatisfactionForm).where(
        SatisfactionForm.work_order_id == order.id))
    assert form.channel == "customer_link" and form.overall == 5
    assert db.session.get(WorkOrder, order.id).status == "completed"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Photo)) == 1
