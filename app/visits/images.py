"""Is this upload really a JPEG or PNG? Judged by its bytes, never by its name or header."""

import struct

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
