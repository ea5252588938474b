import hashlib
import os

import sqlalchemy as sa

from app.dispatch.models import Team
from app.extensions import db
from app.notifications.models import Notification
from app.visits import images
from app.visits.models import Photo, ViolationReport
from tests.visits.kit import Phone, assigned_order, jpeg, png


def files_in(root):
    return [name for _, _, names in os.walk(root) for name in names]


def test_photos_are_checked_by_content_and_stored_by_sha256(phone, storage_dir):
    ph, order = phone
    ph.on_site(order)
    content = jpeg(640, 480)
    resp = ph.upload(order, content, purpose="work", caption="漏点")
    assert resp.status_code == 201, resp.json
    assert (resp.json["content_type"], resp.json["width"], resp.json["height"]) == (
        "image/jpeg",
        640,
        480,
    )
    assert resp.json["sha256"] == hashlib.sha256(content).hexdigest()
    got = ph.client.get(resp.json["url"], headers=ph.headers)
    assert got.status_code == 200 and got.data == content and got.mimetype == "image/jpeg"
    assert ph.upload(order, png(3, 2), name="x.png").json["content_type"] == "image/png"


def test_not_an_image_or_too_large_is_refused_and_nothing_is_kept(phone, storage_dir):
    ph, order = phone
    ph.on_site(order)
    resp = ph.upload(order, b"<html>not a photo</html>", name="evil.jpg")
    assert resp.status_code == 422 and "file" in resp.json["errors"]
    resp = ph.upload(order, b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, name="broken.png")
    assert resp.status_code == 422
    resp = ph.upload(order, jpeg(padding=10 * 1024 * 1024), name="big.jpg")
    assert resp.status_code == 413 and resp.json["code"] == "payload_too_large"
    assert db.session.scalar(sa.select(sa.func.count(Photo.id))) == 0
    assert files_in(storage_dir) == []


def test_photo_upload_honours_idempotency_keys(phone):
    ph, order = phone
    ph.on_site(order)
    first = ph.upload(order, jpeg(), key="p-1")
    again = ph.upload(order, jpeg(), key="p-1")
    assert again.status_code == 201 and again.json == first.json
    other = ph.upload(order, jpeg(32, 32), key="p-1")
    assert other.status_code == 422
    assert db.session.scalar(sa.select(sa.func.count(Photo.id))) == 1


def test_image_sniffing_as_plain_function():
    assert images.inspect(png(7, 9)) == ("image/png", 7, 9)
    assert images.inspect(jpeg(10, 20)) == ("image/jpeg", 10, 20)
    for junk in (b"", b"GIF89a....", b"\xff\xd8\xff\xd9", png(0, 5)):
        try:
            images.inspect(junk)
        except images.NotAnImage:
            continue
        raise AssertionError(junk)


def test_violation_is_reported_with_photos_and_referred_to_inspection(phone, make):
    ph, order = phone
    inspection = make.team(code="inspection", name="用水稽查科", kind="department")
    lead = make.user("department_lead", team_id=inspection.id)
    db.session.get(Team, inspection.id).lead_user_id = lead.id
    db.session.commit()
    ph.on_site(order)
    photo_id = ph.upload(order, jpeg()).json["id"]
    resp = ph.post(
        order.id,
        "violations",
        {
            "kind": "theft",
            "notes": "表前私接管道,已礼貌告知",
            "photo_ids": [photo_id],
            "customer_aggressive": True,
            "position": {"lat": 36.77, "lon": 121.16},
        },
    )
    assert resp.status_code == 201, resp.json
    assert resp.json["referred_team_id"] == inspection.id and resp.json["photo_ids"] == [photo_id]
    note = db.session.scalar(sa.select(Notification).where(Notification.recipient_id == lead.id))
    assert note.kind == "violation_referred" and note.payload["customer_aggressive"] is True


def test_violation_cannot_cite_another_orders_photo(client, make, storage_dir):
    order, tech = assigned_order(make)
    other, other_tech = assigned_order(make)
    mine, theirs = Phone(client, make, tech), Phone(client, make, other_tech)
    mine.on_site(order)
    theirs.on_site(other)
    foreign_photo = theirs.upload(other, jpeg()).json["id"]
    resp = mine.post(
        order.id,
        "violations",
        {"kind": "violation", "notes": "违约用水", "photo_ids": [foreign_photo]},
    )
    assert resp.status_code == 422 and "photo_ids" in resp.json["errors"]
    assert db.session.scalar(sa.select(sa.func.count(ViolationReport.id))) == 0
