import hashlib
import io
import os

import sqlalchemy as sa
from PIL import Image

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
    got = ph.client.get(resp.json["url"], headers=ph.headers)
    assert got.status_code == 200 and got.mimetype == "image/jpeg"
    assert resp.json["sha256"] == hashlib.sha256(got.data).hexdigest()  # what was re-encoded
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


def exif_jpeg(width, height, orientation):
    exif = Image.Exif()
    exif[0x0112] = orientation  # Orientation
    exif[0x8825] = {2: (36.0, 46.0, 12.0)}  # GPSInfo: where the phone was
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(out, "JPEG", exif=exif)
    return out.getvalue()


def test_uploads_are_decoded_and_re_encoded_never_stored_as_sent(phone, storage_dir):
    """Audit item 4: bombs, fakes and images with HTML appended; metadata stripped."""
    ph, order = phone
    ph.on_site(order)
    bomb = io.BytesIO()
    Image.new("1", (20000, 20000)).save(bomb, "PNG")  # 48 kB, 400 megapixels
    fake = jpeg()[:20] + b"<html><script>alert(1)</script></html>"
    for content, reason in ((bomb.getvalue(), "像素"), (fake, "损坏")):
        resp = ph.upload(order, content, name="x.png")
        assert resp.status_code == 422, resp.json
        assert reason in resp.json["errors"]["file"][0]
    assert files_in(storage_dir) == []
    polyglot = jpeg(64, 48) + b"<html><script>alert(document.cookie)</script></html>"
    resp = ph.upload(order, polyglot, name="x.jpg")
    assert resp.status_code == 201, resp.json
    got = ph.client.get(resp.json["url"], headers=ph.headers)
    assert b"<script" not in got.data and got.data.endswith(b"\xff\xd9")
    assert got.headers["X-Content-Type-Options"] == "nosniff"
    assert got.headers["Content-Disposition"].startswith("inline; filename=")
    turned = ph.upload(order, exif_jpeg(60, 40, orientation=6), name="phone.jpg").json
    assert (turned["width"], turned["height"]) == (40, 60)  # upright, as the phone showed it
    stored = ph.client.get(turned["url"], headers=ph.headers).data
    assert not Image.open(io.BytesIO(stored)).getexif()  # no GPS, no device left


def test_huge_sides_are_shrunk(phone, app):
    ph, order = phone
    ph.on_site(order)
    wide = io.BytesIO()
    Image.new("RGB", (app.config["IMAGE_MAX_SIDE"] * 2, 100)).save(wide, "PNG")
    body = ph.upload(order, wide.getvalue(), name="wide.png").json
    assert (body["width"], body["height"]) == (app.config["IMAGE_MAX_SIDE"], 50)
