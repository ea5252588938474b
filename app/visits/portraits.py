"""Technicians' photos for the customer's ID check (/verify/<token>, issue 13).

An admin uploads one; Pillow decodes it (a file that is not really a JPEG or PNG is refused),
and it must be usable for comparing a face at the door: at least MIN_SIZE, cropped as a
head-and-shoulders portrait (width/height within PORTRAIT_RATIO) and not blank. This checks
the crop, not that a face is in it: no face detector is installed. The stored copy is
re-encoded as JPEG at most MAX_SIDE pixels, which drops EXIF (location, device) from it.
"""

import io

from PIL import Image, ImageOps, ImageStat, UnidentifiedImageError

from app.common.storage import get_storage
from app.dispatch.models import Technician
from app.errors import Invalid, NotFound
from app.extensions import db

MIN_SIZE = (240, 300)
PORTRAIT_RATIO = (0.6, 1.0)
MAX_SIDE = 800
MAX_PIXELS = 40_000_000
MIN_CONTRAST = 8  # standard deviation of grey levels: below it the picture is a flat colour


def _refuse(message):
    raise Invalid(errors={"file": [message]})


def checked_portrait(data: bytes) -> bytes:
    """The photo as stored (JPEG bytes), or Invalid saying in words what is wrong with it."""
    try:
        image = Image.open(io.BytesIO(data))
        if image.format not in ("JPEG", "PNG"):
            _refuse("只接受 JPEG 或 PNG 照片 / only JPEG or PNG photos")
        if image.width * image.height > MAX_PIXELS:
            _refuse("照片像素过多 / the photo has too many pixels")
        image = ImageOps.exif_transpose(image).convert("RGB")
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
        _refuse("文件不是可读的照片 / not a readable image")
    width, height = image.size
    if width < MIN_SIZE[0] or height < MIN_SIZE[1]:
        w, h = MIN_SIZE
        _refuse(f"照片太小,至少 {w}×{h} 像素 / at least {w}x{h} px")
    if not PORTRAIT_RATIO[0] <= width / height <= PORTRAIT_RATIO[1]:
        _refuse(
            "请裁成竖幅半身照(宽:高 在 3:5 与 1:1 之间) / crop as a portrait, head and shoulders"
        )
    if max(ImageStat.Stat(image.convert("L")).stddev) < MIN_CONTRAST:
        _refuse("照片是空白的 / the photo is blank")
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


def set_photo(technician_id, data):
    """Check, store and attach a technician's photo; flushes, never commits."""
    technician = db.session.get(Technician, technician_id)
    if technician is None:
        raise NotFound()
    technician.photo_path = get_storage().put(checked_portrait(data))
    db.session.flush()
    return technician
