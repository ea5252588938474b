"""Is this upload really a JPEG or PNG? Judged by its bytes, never by its name or header;
what is stored is what Pillow decoded and encoded again (`normalise`)."""

import io
import struct

from PIL import Image, ImageOps

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
JPEG_MAGIC = b"\xff\xd8\xff"
# Start-of-frame markers carry the dimensions; C4 (DHT), C8 (JPG) and CC (DAC) do not.
JPEG_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}
MAX_SIDE = 20000


class NotAnImage(ValueError):
    pass


def inspect(data: bytes):
    """(content_type, width, height) of a JPEG or PNG, or NotAnImage."""
    if data.startswith(PNG_MAGIC):
        return ("image/png", *_png_size(data))
    if data.startswith(JPEG_MAGIC):
        return ("image/jpeg", *_jpeg_size(data))
    raise NotAnImage("只接受 JPEG 或 PNG 图片 / only JPEG or PNG images are accepted")


def _checked(width, height):
    if not (0 < width <= MAX_SIDE and 0 < height <= MAX_SIDE):
        raise NotAnImage("图片尺寸无法识别 / image dimensions are not readable")
    return width, height


def _png_size(data):
    # The first chunk must be IHDR: length(4) type(4) width(4) height(4).
    if len(data) < 24 or data[12:16] != b"IHDR":
        raise NotAnImage("PNG 文件已损坏 / damaged PNG")
    return _checked(*struct.unpack(">II", data[16:24]))


def _jpeg_size(data):
    i = 2
    while i + 4 <= len(data):
        if data[i] != 0xFF:
            break
        marker = data[i + 1]
        if marker == 0xFF:  # fill byte
            i += 1
            continue
        if marker == 0x01 or 0xD0 <= marker <= 0xD8:  # markers without a length
            i += 2
            continue
        (length,) = struct.unpack(">H", data[i + 2 : i + 4])
        if marker in JPEG_SOF and i + 9 <= len(data):
            height, width = struct.unpack(">HH", data[i + 5 : i + 9])
            return _checked(width, height)
        if marker == 0xDA or length < 2:  # image data began before any frame header
            break
        i += 2 + length
    raise NotAnImage("JPEG 文件已损坏 / damaged JPEG")


def normalise(data: bytes, max_pixels: int, max_side: int, only=("image/jpeg", "image/png")):
    """(content_type, width, height, bytes): the upload decoded by Pillow and encoded anew.

    Audit item 4. The header is checked first (JPEG/PNG only, at most `max_pixels`) so a
    decompression bomb is refused before a pixel is decoded; then the whole image is decoded
    (anything that does not decode is refused), turned upright by its EXIF orientation, shrunk
    to `max_side` on its longer side, and written out again: trailing bytes (HTML appended to
    an image), EXIF (GPS, device) and other metadata are gone.
    """
    try:
        with Image.open(io.BytesIO(data)) as img:
            content_type = FORMATS.get(img.format)
            if content_type not in only:
                raise NotAnImage("只接受 JPEG 或 PNG 图片 / only JPEG or PNG images are accepted")
            if img.width * img.height > max_pixels:
                raise NotAnImage(
                    f"图片像素过多 / over {max_pixels} pixels ({img.width}x{img.height})"
                )
            img.load()
            upright = ImageOps.exif_transpose(img)
    except Image.DecompressionBombError as exc:  # Pillow's own limit, hit while opening
        raise NotAnImage(f"图片像素过多 / over {max_pixels} pixels") from exc
    except NotAnImage:
        raise
    except (OSError, SyntaxError, ValueError) as exc:
        raise NotAnImage("图片已损坏,无法打开 / the image does not decode") from exc
    upright.thumbnail((max_side, max_side))
    return (content_type, upright.width, upright.height, _encode(upright, content_type))


FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png"}


def _encode(img, content_type):
    out = io.BytesIO()
    if content_type == "image/jpeg":
        if img.mode not in ("RGB", "L"):
            img = img.convert("RGB")
        img.save(out, "JPEG", quality=88)
    else:
        img.save(out, "PNG")
    return out.getvalue()
