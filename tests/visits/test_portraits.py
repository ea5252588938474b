"""An admin uploads the photo a customer compares at the door: checked by Pillow for a real
image, a usable size and a portrait crop; stored re-encoded, without its EXIF."""

import io

from PIL import Image, ImageDraw

from app.common.storage import get_storage
from app.extensions import db


def picture(width, height, *, fmt="JPEG", blank=False, exif=False):
    image = Image.new("RGB", (width, height), (200, 180, 160))
    if not blank:
        draw = ImageDraw.Draw(image)
        draw.ellipse((width * 0.25, height * 0.15, width * 0.75, height * 0.6), fill=(120, 90, 70))
        draw.rectangle((0, height * 0.7, width, height), fill=(20, 40, 90))
    out = io.BytesIO()
    extra = {}
    if exif:
        data = Image.Exif()
        data[0x010F] = "PhoneMaker"  # Make
        extra["exif"] = data.tobytes()
    image.save(out, fmt, **extra)
    return out.getvalue()


def upload(client, make, tech, data, name="me.jpg", user=None):
    return client.put(
        f"/api/admin/technicians/{tech.id}/photo",
        data={"file": (io.BytesIO(data), name)},
        headers=make.headers(user or make.user("admin")),
        content_type="multipart/form-data",
    )


def test_a_portrait_is_stored_re_encoded_without_its_exif(client, make, storage_dir):
    tech = make.technician()
    resp = upload(client, make, tech, picture(600, 800, exif=True))
    assert resp.status_code == 200, resp.get_data(as_text=True)
    assert resp.json == {"technician_id": tech.id, "photo_set": True}
    db.session.refresh(tech)
    stored = Image.open(io.BytesIO(get_storage().get(tech.photo_path)))
    assert stored.format == "JPEG" and stored.size == (600, 800)
    assert not stored.getexif()


def test_photos_that_cannot_be_compared_at_the_door_are_refused_and_nothing_changes(
    client, make, storage_dir
):
    tech = make.technician()
    cases = {
        "太小": picture(120, 160),
        "竖幅": picture(800, 600),  # landscape: not a head-and-shoulders crop
        "空白": picture(300, 400, blank=True),
        "不是可读的照片": b"GIF89a not really",
        "JPEG 或 PNG": picture(300, 400, fmt="GIF"),
    }
    for words, data in cases.items():
        resp = upload(client, make, tech, data)
        assert resp.status_code == 422, words
        assert resp.json["code"] == "validation_error"
        assert words in resp.json["errors"]["file"][0], resp.json
    db.session.refresh(tech)
    assert tech.photo_path is None


def test_only_an_admin_sets_photos(client, make, storage_dir):
    tech = make.technician()
    resp = upload(client, make, tech, picture(300, 400), user=make.user("dispatcher"))
    assert resp.status_code == 403
    assert upload(client, make, tech, picture(300, 400)).status_code == 200
