import re
from datetime import timedelta

import sqlalchemy as sa

from app.auth import tokens
from app.common.storage import get_storage
from app.extensions import db
from app.visits.models import SatisfactionForm, Visit
from app.workorders.models import WorkOrder, WorkOrderEvent
from tests.visits.kit import Phone, assigned_order, jpeg


def verified_events(order_id):
    return db.session.scalar(
        sa.select(sa.func.count()).where(
            WorkOrderEvent.work_order_id == order_id, WorkOrderEvent.kind == "customer_verified_id"
        )
    )


def test_qr_opens_a_chinese_page_with_the_technician_and_no_customer_data(
    client, make, storage_dir
):
    zone = make.zone()
    order, tech = assigned_order(
        make, caller_name="赵女士", caller_phone="13912345678", address="海阳市某小区5号楼"
    )
    ph = Phone(client, make, tech)
    resp = ph.client.post(f"/api/workorders/{order.id}/id-check", headers=ph.headers)
    assert resp.status_code == 200
    link = resp.json
    assert link["url"].endswith(f"/verify/{link['token']}") and "<svg" in link["qr_svg"]
    page = client.get(f"/verify/{link['token']}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "是本公司的工作人员" in html
    for shown in (tech.name, tech.employee_no, order.number, zone.name, tech.team.name):
        assert shown in html
    # The company's name, hotline and window address come from the configuration.
    for shown in ("海阳市自来水有限公司", 'href="tel:0535-3222000"', "海阳市海政路1号 营业厅"):
        assert shown in html
    assert not re.search(r"[A-Za-z]{4,}", re.sub(r"<[^>]*>|\{[^}]*\}", "", html.split("<body>")[1]))
    assert "照片还没有登记" in html  # no photo: the customer checks the name and number
    for hidden in ("赵女士", "13912345678", "5号楼"):
        assert hidden not in html
    client.get(f"/verify/{link['token']}")  # opened twice: recorded once per token
    assert verified_events(order.id) == 1
    assert db.session.get(Visit, order.id).customer_verified_at is not None
    second = ph.client.post(f"/api/workorders/{order.id}/id-check", headers=ph.headers).json
    client.get(f"/verify/{second['token']}")
    assert verified_events(order.id) == 2


def test_expired_forged_or_foreign_tokens_show_a_warning(client, make, storage_dir):
    order, tech = assigned_order(make)
    expired = tokens.issue(order.id, "verify_technician", timedelta(seconds=-5), tech=tech.id)
    page = client.get(f"/verify/{expired}")
    assert page.status_code == 410 and "二维码已过期" in page.get_data(as_text=True)
    forged = expired[:-4] + ("AAAA" if not expired.endswith("AAAA") else "BBBB")
    page = client.get(f"/verify/{forged}")
    assert page.status_code == 403 and "二维码无效" in page.get_data(as_text=True)
    survey = tokens.issue(order.id, "satisfaction_form", timedelta(days=1))
    assert client.get(f"/verify/{survey}").status_code == 403  # another purpose
    other = make.technician()
    wrong = tokens.issue(order.id, "verify_technician", timedelta(minutes=5), tech=other.id)
    page = client.get(f"/verify/{wrong}")
    assert page.status_code == 409 and "不在上门服务中" in page.get_data(as_text=True)
    assert verified_events(order.id) == 0


def test_photo_is_the_technicians_or_their_name_never_a_silhouette(client, make, storage_dir):
    order, tech = assigned_order(make)
    token = tokens.issue(order.id, "verify_technician", timedelta(minutes=5), tech=tech.id)
    resp = client.get(f"/verify/{token}/photo")
    assert resp.status_code == 200 and resp.mimetype == "image/svg+xml"
    # a stored file: its type, never sniffed, shown inline; an SVG opened alone runs no script
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert resp.headers["Content-Disposition"] == 'inline; filename="technician.svg"'
    assert "script-src 'self'" in resp.headers["Content-Security-Policy"]
    avatar = resp.get_data(as_text=True)
    assert tech.name[-3:] in avatar and tech.employee_no in avatar and "<circle" not in avatar
    other_order, other = assigned_order(make)
    other_token = tokens.issue(
        other_order.id, "verify_technician", timedelta(minutes=5), tech=other.id
    )
    assert client.get(f"/verify/{other_token}/photo").get_data(as_text=True) != avatar
    content = jpeg(90, 120)
    tech.photo_path = get_storage().put(content)
    db.session.commit()
    resp = client.get(f"/verify/{token}/photo")
    assert resp.mimetype == "image/jpeg" and resp.data == content
    assert resp.headers["Content-Disposition"] == 'inline; filename="technician.jpeg"'
    html = client.get(f"/verify/{token}").get_data(as_text=True)
    assert "上面的照片和门口的人是不是同一个人" in html


def completed(client, make):
    order, tech = assigned_order(make)
    ph = Phone(client, make, tech)
    ph.on_site(order)
    ph.tick(order, "id_shown")
    assert ph.post(order.id, "complete", {}).status_code == 200
    return ph, order


ANSWERS = {
    "overall": 5,
    "timeliness": 4,
    "attitude": 5,
    "professionalism": 4,
    "site_clean": True,
    "comments": "师傅很耐心",
    "suggestions": "希望短信提醒",
}


def test_satisfaction_on_the_technicians_phone_once_per_order(client, make, storage_dir):
    order, tech = assigned_order(make)
    ph = Phone(client, make, tech)
    resp = ph.post(order.id, "satisfaction", ANSWERS)
    assert resp.status_code == 409 and resp.json["code"] == "not_completed"
    ph, order = completed(client, make)
    resp = ph.post(order.id, "satisfaction", ANSWERS)
    assert resp.status_code == 201 and resp.json["channel"] == "technician_phone"
    again = ph.post(order.id, "satisfaction", ANSWERS)
    assert again.status_code == 409 and again.json["code"] == "already_submitted"
    bad = ph.post(order.id, "satisfaction", {**ANSWERS, "overall": 6})
    assert bad.status_code == 422


def test_customer_link_form_single_submission_no_login(client, make, storage_dir):
    ph, order = completed(client, make)
    link = ph.client.post(f"/api/workorders/{order.id}/satisfaction-link", headers=ph.headers).json
    assert "/survey/" in link["url"]
    page = client.get(f"/survey/{link['token']}")
    assert page.status_code == 200 and "征求意见书" in page.get_data(as_text=True)
    assert "5 分最满意" in page.get_data(as_text=True) and "Please" not in page.get_data(
        as_text=True
    )
    incomplete = client.post(f"/survey/{link['token']}", data={"overall": "5"})
    assert incomplete.status_code == 422
    form = {
        "overall": "4",
        "timeliness": "3",
        "attitude": "5",
        "professionalism": "4",
        "site_clean": "yes",
        "comments": "满意",
        "suggestions": "",
    }
    done = client.post(f"/survey/{link['token']}", data=form)
    assert done.status_code == 200 and "提交成功" in done.get_data(as_text=True)
    saved = db.session.scalar(sa.select(SatisfactionForm))
    assert (saved.overall, saved.site_clean, saved.channel) == (4, True, "customer_link")
    twice = client.post(f"/survey/{link['token']}", data=form)
    assert twice.status_code == 409
    assert db.session.scalar(sa.select(sa.func.count(SatisfactionForm.id))) == 1
    assert client.get(f"/survey/{link['token']}").status_code == 409
    old = tokens.issue(order.id, "satisfaction_form", timedelta(seconds=-1))
    assert client.get(f"/survey/{old}").status_code == 410


def test_link_lives_seven_days(client, make, storage_dir):
    ph, order = completed(client, make)
    link = ph.client.post(f"/api/workorders/{order.id}/satisfaction-link", headers=ph.headers).json
    payload = tokens.read(link["token"], "satisfaction_form")
    assert payload["exp"] - payload["iat"] == 7 * 24 * 3600


def test_answers_are_queryable_for_reports(client, make, storage_dir):
    for overall, clean in ((5, True), (3, False)):
        ph, order = completed(client, make)
        ph.post(order.id, "satisfaction", {**ANSWERS, "overall": overall, "site_clean": clean})
    manager = make.user("general_manager")
    resp = client.get("/api/satisfaction", headers=make.headers(manager))
    assert resp.status_code == 200
    assert resp.json["total"] == 2 and resp.json["summary"]["overall"] == 4.0
    assert resp.json["summary"]["site_clean_rate"] == 0.5
    tech_id = db.session.scalar(sa.select(WorkOrder.technician_id).order_by(WorkOrder.id))
    one = client.get(f"/api/satisfaction?technician_id={tech_id}", headers=make.headers(manager))
    assert one.json["total"] == 1
    assert client.get("/api/satisfaction", headers=ph.headers).status_code == 403
