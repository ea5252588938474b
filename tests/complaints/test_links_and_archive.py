"""A complaint opens a work order and each shows the other; attachments kept in the archive."""

import hashlib
import io

import sqlalchemy as sa
from PIL import Image

from app.complaints.models import Complaint, ComplaintDocument
from app.extensions import db
from app.workorders.models import WorkOrder, WorkOrderEvent
from tests.complaints.kit import count


def _pillow_png():
    out = io.BytesIO()
    Image.new("RGB", (8, 6), (10, 120, 200)).save(out, "PNG")
    return out.getvalue()


# Real and decodable, written by Pillow: re-encoding it on the way in gives the same bytes.
PNG = _pillow_png()
PDF = b"%PDF-1.7\n" + b"0" * 64


def test_a_water_quality_complaint_opens_a_field_check(client, office, make, handed_off):
    make.zone()
    customer = make.customer()
    complaint = handed_off(account_no=customer.account_no)
    resp = client.post(
        f"/api/complaints/{complaint['id']}/work-order",
        headers=office.h(office.lead),
        json={"type": "water_quality_check"},
    )
    assert resp.status_code == 201, resp.json
    link = resp.json["work_order"]
    assert link["type"] == "water_quality_check" and link["status"] == "new"
    order = db.session.get(WorkOrder, link["id"])
    assert order.customer_id == customer.id and order.flags == {}
    assert db.session.get(Complaint, complaint["id"]).work_order_id == order.id
    assert complaint["number"] in order.description
    # The work order's side: its timeline names the complaint, and the complaint API finds it.
    wo = client.get(f"/api/workorders/{order.id}", headers=office.h(office.dispatcher)).json
    [linked] = [e for e in wo["timeline"] if e["kind"] == "complaint_linked"]
    assert linked["payload"]["complaint_number"] == complaint["number"]
    found = client.get(
        f"/api/complaints?work_order_id={order.id}", headers=office.h(office.dispatcher)
    ).json
    assert [c["id"] for c in found["items"]] == [complaint["id"]]
    assert found["items"][0]["work_order"]["number"] == order.number
    again = client.post(
        f"/api/complaints/{complaint['id']}/work-order",
        headers=office.h(office.lead),
        json={"type": "general_repair"},
    )
    assert again.status_code == 409 and again.json["work_order_id"] == order.id
    assert count(WorkOrder) == 1


def test_a_bad_work_order_request_changes_nothing(client, office, file_complaint):
    complaint = file_complaint()
    before = count(WorkOrder), count(WorkOrderEvent)
    for payload, field in (
        ({"type": "teleport"}, "type"),
        ({}, "type"),
        ({"type": "general_repair", "location": {"lat": 91, "lon": 0}}, "location"),
    ):
        resp = client.post(
            f"/api/complaints/{complaint['id']}/work-order",
            headers=office.h(office.agent),
            json=payload,
        )
        assert resp.status_code == 422 and field in resp.json["errors"], resp.json
    assert (count(WorkOrder), count(WorkOrderEvent)) == before
    assert db.session.get(Complaint, complaint["id"]).work_order_id is None
    resp = client.post(
        f"/api/complaints/{complaint['id']}/work-order",
        headers=office.h(office.dispatcher),
        json={"type": "general_repair"},
    )
    assert resp.status_code == 403


def upload(client, office, complaint_id, data, name, user=None, title=None):
    form = {"file": (io.BytesIO(data), name)}
    if title:
        form["title"] = title
    return client.post(
        f"/api/complaints/{complaint_id}/documents",
        headers=office.h(user or office.agent),
        data=form,
        content_type="multipart/form-data",
    )


def test_attachments_are_checked_stored_and_returned_intact(client, office, file_complaint):
    complaint = file_complaint()
    resp = upload(client, office, complaint["id"], PNG, "水样照片.png", title="浑浊水样")
    assert resp.status_code == 201, resp.json
    doc = resp.json
    assert doc["content_type"] == "image/png" and doc["sha256"] == hashlib.sha256(PNG).hexdigest()
    assert doc["title"] == "浑浊水样" and doc["size"] == len(PNG)
    got = client.get(
        f"/api/complaints/{complaint['id']}/documents/{doc['id']}",
        headers=office.h(office.dispatcher),
    )
    assert got.status_code == 200 and got.data == PNG and got.mimetype == "image/png"
    assert got.headers["X-Content-SHA256"] == doc["sha256"]
    # The client's name does not decide the type: a PDF named .png is a PDF.
    pdf = upload(client, office, complaint["id"], PDF, "报告.png", user=office.gm).json
    assert pdf["content_type"] == "application/pdf"
    listed = client.get(
        f"/api/complaints/{complaint['id']}/documents", headers=office.h(office.lead)
    ).json
    assert [d["id"] for d in listed] == [doc["id"], pdf["id"]]


def test_bad_attachments_change_nothing(app, client, office, file_complaint, monkeypatch):
    complaint = file_complaint()
    monkeypatch.setitem(app.config, "COMPLAINT_ATTACHMENT_MAX_BYTES", 100)
    before = count(ComplaintDocument)
    for data, name in (
        (b"MZ\x90\x00 not an image", "photo.jpg"),
        (b"", "empty.png"),
        (PNG + b"\x00" * 100, "big.png"),
    ):
        resp = upload(client, office, complaint["id"], data, name)
        assert resp.status_code == 422 and "file" in resp.json["errors"], resp.json
    resp = client.post(
        f"/api/complaints/{complaint['id']}/documents",
        headers=office.h(office.agent),
        data={},
        content_type="multipart/form-data",
    )
    assert resp.status_code == 422 and "file" in resp.json["errors"]
    assert (
        upload(client, office, complaint["id"], PNG, "a.png", user=office.dispatcher).status_code
        == 403
    )
    assert count(ComplaintDocument) == before


def test_the_written_record_is_printable(client, office, handed_off):
    complaint = handed_off()
    resp = client.get(f"/api/complaints/{complaint['id']}/record", headers=office.h(office.gm))
    page = resp.get_data(as_text=True)
    assert resp.status_code == 200 and resp.mimetype == "text/html"
    assert "用户投诉记录表" in page and complaint["number"] in page and "水质管理部" in page
    assert "自来水发黄" in page
    assert "138****5678" in page and "13812345678" not in page  # the GM needs no phone
    archived = db.session.scalar(
        sa.select(ComplaintDocument).where(ComplaintDocument.kind == "record")
    )
    assert archived.title == "移交用户投诉记录表"
