"""Every page of every role, in Chromium at 390x844, 1366x768 and 1920x1080, walked through its
main actions: nothing shows null/undefined/NaN/[object Object] or a raw key, no text spills out
of its box, no page scrolls sideways (issue 13). Screenshots: test-artifacts/pages-*.png.

New pages join by adding a walk to WALKS.
"""

import base64
from datetime import timedelta

import pytest

from app.database import utcnow
from app.dispatch import services as dispatch
from app.extensions import db
from app.messaging import links
from app.messaging.models import RemoteSignRequest
from tests.factories import PASSWORD
from tests.screens.audit import SIZES, look
from tests.visits.kit import Phone, assigned_order, iso, jpeg, now, png

pytestmark = pytest.mark.browser

STROKES = [[{"x": 10, "y": 10, "t": 0}, {"x": 60, "y": 30, "t": 40}]]


@pytest.fixture
def storage_dir(app, tmp_path):
    previous = app.config["STORAGE_DIR"]
    app.config["STORAGE_DIR"] = str(tmp_path / "storage")
    yield
    app.config["STORAGE_DIR"] = previous


def token(make, user):
    return make.headers(user)["Authorization"].split(" ", 1)[1]


@pytest.fixture
def office_world(make, office, file_complaint, handed_off):
    """The complaint office: people with the names and user names real staff have, one
    complaint waiting to be handed off and one handed off to the department."""
    names = {
        "agent": ("liu02", "坐席刘"),
        "lead": ("wang01", "王主任"),
        "gm": ("zhao01", "总经理赵"),
    }
    for who, (username, display_name) in names.items():
        user = getattr(office, who)
        user.username, user.display_name = username, display_name
    db.session.commit()
    admin = make.user("admin", username="admin01", display_name="管理员陈")
    return {
        "tokens": {who: token(make, getattr(office, who)) for who in names}
        | {"admin": token(make, admin)},
        "pending": file_complaint()["id"],
        "handed": handed_off(description="水压忽高忽低,热水器无法使用")["id"],
    }


@pytest.fixture
def world(make, client, storage_dir, office_world):
    """A small city: a team and zone, a technician with an order assigned, a customer who
    calls, an order waiting in the queue and one outside every zone, a signed meter-damage
    receipt, a satisfaction link and an ID check."""
    team = make.team(name="城区维修一班")
    make.zone(team, code="CQ01")
    tech = make.technician(team=team, name="李师傅", on_call=True)
    make.technician(team=team, name="王师傅", at=(121.17, 36.78), on_call=True)
    dispatcher = make.user("dispatcher", username="zhou01", display_name="调度员周")
    agent = make.user("hotline_agent", username="liu01", display_name="坐席刘")
    make.customer(
        account_no="HY20240009",
        name="孙大爷",
        phone="13905359999",
        address="海阳市方圆街道海港路9号",
    )
    mine = make.work_order(meter_number="M-0088", address="海阳市方圆街道海港路8号")
    dispatch.assign(db.session.merge(mine), tech, dispatcher, reason="就近派单")
    make.work_order(address="海阳市方圆街道海港路12号", description="水压低")
    make.work_order(at=(121.40, 36.95), address="城区以外的山里")
    db.session.commit()

    # A second visit taken to the end through the API: receipt, survey link, ID check.
    done, other = assigned_order(make)
    phone = Phone(client, make, other)
    phone.on_site(done)
    photo = phone.upload(done, jpeg()).json["id"]
    record = phone.post(
        done.id,
        "meter-damage",
        {
            "meter_number": "HY-M-0042",
            "damaged_parts": ["表玻璃"],
            "description": "",
            "cause": "用户装修时撞击,经双方确认",
            "charge_item": "水表更换费",
            "charge_amount": "120.00",
            "photo_ids": [photo],
        },
    ).json
    signature = client.post(
        "/api/signatures",
        headers=phone.headers,
        json={
            "document_kind": "meter_damage",
            "work_order_id": done.id,
            "damage_record_id": record["id"],
            "signer_name": "钱先生",
            "signer_relation": "owner",
            "strokes": STROKES,
            "png_base64": base64.b64encode(png()).decode(),
            "user_agent": "pytest",
        },
    ).json
    receipt = client.get(f"/api/signatures/{signature['id']}", headers=phone.headers).json
    verify = client.post(f"/api/workorders/{done.id}/id-check", headers=phone.headers).json
    phone.tick(done, "id_shown")
    assert phone.post(done.id, "complete", {"device_time": iso(now())}).status_code == 200
    survey = client.post(f"/api/workorders/{done.id}/satisfaction-link", headers=phone.headers)
    path = lambda url: "/" + url.split("/", 3)[3]  # noqa: E731

    # Issue 15: a tracking link, an announced outage, and a signature asked on the customer's
    # own phone (a third visit, on site with its damage record).
    tracking = links.tracking_link(mine.id).token
    start = utcnow() + timedelta(hours=30)
    outage = {
        "kind": "planned",
        "area_name": "东村街道幸福小区",
        "area": {
            "type": "Polygon",
            "coordinates": [[[121.15, 36.76], [121.17, 36.76], [121.17, 36.78], [121.15, 36.76]]],
        },
        "start_at": start.isoformat(),
        "expected_end_at": (start + timedelta(hours=6)).isoformat(),
        "reason": "更换供水主管阀门",
    }
    declared = client.post("/api/outages", headers=make.headers(dispatcher), json=outage)
    assert declared.status_code == 201, declared.json
    third, third_tech = assigned_order(make, caller_phone="13700002222")
    on_site = Phone(client, make, third_tech)
    on_site.on_site(third)
    damage = on_site.post(
        third.id,
        "meter-damage",
        {
            "meter_number": "HY-M-0043",
            "damaged_parts": ["铅封"],
            "description": "",
            "cause": "用户自行拆开铅封,经双方确认",
            "photo_ids": [],
        },
    ).json
    asked = client.post(
        "/api/signatures/remote-requests",
        headers=on_site.headers,
        json={
            "work_order_id": third.id,
            "damage_record_id": damage["id"],
            "phone": "13700002222",
            "signer_name": "钱先生",
            "signer_relation": "owner",
        },
    )
    assert asked.status_code == 201, asked.json
    sign_token = db.session.get(RemoteSignRequest, asked.json["id"]).token
    db.session.commit()
    return {
        "tech": tech,
        "dispatcher": dispatcher,
        "agent": agent,
        "mine": mine,
        "office": office_world,
        "public": {
            "verify": path(verify["url"]),
            "receipt": path(receipt["receipt"]["url"]),
            "survey": path(survey.json["url"]),
            "warning": "/verify/not-a-code",
            "tracking": f"/t/{tracking}",
            "outages": "/outages",
            "sign": f"/s/{sign_token}",
            "sign-refused": "/s/not-a-real-link",
        },
        "admin": make.user("admin", username="admin02", display_name="管理员赵"),
    }


def technician_phone(page, world, name, findings):
    page.goto("/m/")
    look(page, f"phone-login-{name}", findings)
    page.fill("input[name=username]", world["tech"].user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_selector(f"a[data-order-id='{world['mine'].id}']")
    look(page, f"phone-orders-{name}", findings)
    page.click(f"a[data-order-id='{world['mine'].id}']")
    page.wait_for_selector("#order-status:text-is('待接单')")
    look(page, f"phone-order-assigned-{name}", findings)
    page.click("button[data-step='accept']")
    page.wait_for_selector("#order-status:text-is('已接单')")
    page.click("button[data-step='appointment']")
    page.wait_for_selector("#sheet[open]")
    look(page, f"phone-appointment-{name}", findings)
    page.click("#sheet-close")
    page.click("button[data-step='depart']")
    page.click("button[data-step='arrive']")
    page.wait_for_selector("#fix:has-text('精度')")
    page.click("#sheet-submit")
    page.wait_for_selector("#door-checklist")
    look(page, f"phone-on-site-{name}", findings)
    page.click("button[data-step='work-record']")
    look(page, f"phone-work-record-{name}", findings)
    page.click("#sheet-close")


def hotline_desk(page, world, name, findings):
    page.goto("/desk/")
    page.wait_for_selector("body[data-ready]")
    look(page, f"desk-start-{name}", findings)
    page.fill("#search", "13905359999")
    page.keyboard.press("Enter")
    page.wait_for_selector("#preview-route")
    look(page, f"desk-caller-{name}", findings)
    page.fill("textarea[name=description]", "水表前阀门漏水")
    page.click("#save-order")
    page.wait_for_selector(".saved")
    look(page, f"desk-saved-{name}", findings)
    page.click("#save-order")  # no caller, no address: the refusal in words
    page.wait_for_selector("#order-error:has-text('「地址」')")
    look(page, f"desk-refused-{name}", findings)
    for tab, key in (("notice", "Alt+2"), ("deferral", "Alt+3"), ("complaint", "Alt+4")):
        page.keyboard.press(key)
        page.wait_for_selector(f"[data-panel='{tab}']:not([hidden])")
        page.wait_for_timeout(300)
        look(page, f"desk-{tab}-{name}", findings)


def dispatcher_console(page, world, name, findings):
    page.goto("/dispatch/")
    page.wait_for_selector("body[data-ready]")
    look(page, f"console-start-{name}", findings)
    page.locator(".queue-item").first.click()
    page.wait_for_selector(".candidate, #suggestions p")
    look(page, f"console-order-{name}", findings)
    page.keyboard.press("Alt+2")
    page.click("#plan-form button[type=submit]")
    page.wait_for_selector("#plan:not(:empty), #plan-error:not(:empty)")
    look(page, f"console-plan-{name}", findings)


def staff_sms_and_outages(page, world, name, findings):
    page.goto("/admin/sms/")
    page.wait_for_selector("#sms-rows tr")
    look(page, f"sms-outbox-{name}", findings)
    page.goto("/dispatch/outages/")
    page.wait_for_selector(".outage-item")
    look(page, f"outage-console-{name}", findings)


def customer_pages(page, world, name, findings):
    for kind, path in world["public"].items():
        page.goto(path)
        look(page, f"customer-{kind}-{name}", findings)
    page.goto(world["public"]["survey"])  # answered: the thanks page
    for question in ("overall", "timeliness", "attitude", "professionalism"):
        page.check(f"input[name={question}][value='5']")
    page.check("input[name=site_clean][value=yes]")
    page.click("button[type=submit]")
    page.wait_for_selector(".card.ok")
    look(page, f"customer-survey-done-{name}", findings)


def signed_in(page, token, path):
    page.goto(path)
    page.evaluate(
        "t => { sessionStorage.clear(); sessionStorage.setItem('tapline.token', t); }", token
    )
    page.goto(path)


def office_pages(page, world, name, findings):
    complaints = world["office"]
    tokens = complaints["tokens"]
    signed_in(page, tokens["agent"], "/office/complaints")
    page.wait_for_selector("#office-main tr[data-number]")
    look(page, f"office-complaints-{name}", findings)
    page.goto(f"/office/complaints/{complaints['pending']}")
    page.wait_for_selector("#handoff-form")
    look(page, f"office-complaint-pending-{name}", findings)

    signed_in(page, tokens["lead"], "/office/inbox")
    page.wait_for_selector("#office-main tr[data-number]")
    look(page, f"office-inbox-{name}", findings)
    page.goto(f"/office/complaints/{complaints['handed']}")
    page.click("#accept")
    page.wait_for_selector(".saved:has-text('已签收')")
    assert "部门领导 王主任" in page.inner_text("main")  # people by name, not user name
    page.fill("#draft-form textarea[name=body]", "好")  # too short: the refusal in words
    page.click("#draft-form button[type=submit]")
    page.wait_for_selector("#draft-form .error:has-text('「答复内容」')")
    look(page, f"office-complaint-refused-{name}", findings)
    for screen in ("bulletin", "figures"):
        page.goto(f"/office/{screen}")
        page.wait_for_selector("#office-nav a")
        page.wait_for_load_state("networkidle")
        look(page, f"office-{screen}-{name}", findings)

    signed_in(page, tokens["gm"], "/office/approvals")
    page.wait_for_selector("#office-nav a")
    page.wait_for_load_state("networkidle")
    look(page, f"office-approvals-{name}", findings)

    signed_in(page, tokens["admin"], "/office/")
    page.wait_for_selector("#home-links a")
    look(page, f"office-home-{name}", findings)
    page.goto("/ops/")
    page.wait_for_selector("#ops-overall:not(:has-text('加载中'))")
    page.wait_for_load_state("networkidle")
    look(page, f"ops-{name}", findings)


WALKS = {
    "technician": (technician_phone, "tech"),
    "hotline_agent": (hotline_desk, "agent"),
    "dispatcher": (dispatcher_console, "dispatcher"),
    "customer": (customer_pages, None),
    "office": (office_pages, None),  # signs in as each of its people in turn
    "admin": (staff_sms_and_outages, "admin"),
}


@pytest.mark.parametrize("size", list(SIZES))
def test_every_page_reads_cleanly_at_every_size(browser, live_server, make, world, size):
    width, height = SIZES[size]
    findings, errors = [], []
    for role, (walk, who) in WALKS.items():
        context = browser.new_context(
            base_url=live_server,
            viewport={"width": width, "height": height},
            locale="zh-CN",
            timezone_id="Asia/Shanghai",
            is_mobile=size == "phone",
            has_touch=size == "phone",
        )
        context.grant_permissions(["geolocation"], origin=live_server)
        context.set_geolocation({"longitude": 121.1603, "latitude": 36.7701, "accuracy": 10})
        if who in ("agent", "dispatcher", "admin"):
            token = make.headers(world[who])["Authorization"].split(" ", 1)[1]
            context.add_init_script(f"sessionStorage.setItem('tapline.token', {token!r});")
        context.set_default_timeout(20_000)
        page = context.new_page()
        page.on("pageerror", lambda exc, role=role: errors.append(f"{role}: {exc}"))
        try:
            walk(page, world, f"{role}-{size}", findings)
        finally:
            context.close()
    assert not errors, errors
    assert not findings, "\n".join(findings)
