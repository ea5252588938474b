"""Helpers shared by the phone tests: orders in a given state, images, steps through the API."""

import base64
import io
import struct
import zlib
from datetime import UTC, datetime, timedelta

import pytest
from PIL import Image

from app.extensions import db
from app.workorders.services import transition
from tests.factories import CENTRE


def png(width=40, height=20, gradient=False):
    """A real, decodable PNG: grey pixels, or a gradient as a camera would give."""

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    row = bytes((x * 3) % 256 for x in range(width)) if gradient else b"\x80" * width
    raw = b"".join(b"\x00" + row for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def jpeg(width=64, height=48, padding=0):
    """A real, decodable JPEG (Pillow), then `padding` bytes of trailing filler."""
    out = io.BytesIO()
    Image.new("RGB", (width, height), (90, 140, 200)).save(out, "JPEG")
    return out.getvalue() + b"\x00" * padding


def png_b64(**kw):
    return base64.b64encode(png(**kw)).decode()


def now():
    return datetime.now(UTC)


def iso(moment):
    return moment.isoformat()


def assigned_order(make, tech=None, accept=True, **kw):
    """An order assigned (and accepted) directly, as the brief says to do without dispatch."""
    tech = tech or make.technician()
    order = make.work_order(**kw)
    order.technician_id = tech.id
    transition(order, "assign", "system:test")
    if accept:
        transition(order, "accept", tech.user)
    db.session.commit()
    return order, tech


class Phone:
    """The technician's phone talking to the API."""

    def __init__(self, client, make, tech):
        self.client, self.tech = client, tech
        self.headers = make.headers(tech.user)

    def post(self, order_id, step, body=None, key=None, method="post"):
        headers = dict(self.headers, **({"Idempotency-Key": key} if key else {}))
        call = getattr(self.client, method)
        return call(f"/api/workorders/{order_id}/{step}", json=body or {}, headers=headers)

    def on_site(self, order, at=CENTRE):
        assert self.post(order.id, "depart", {"device_time": iso(now())}).status_code == 200
        resp = self.post(
            order.id,
            "arrive",
            {"position": {"lon": at[0], "lat": at[1]}, "accuracy_m": 8, "device_time": iso(now())},
        )
        assert resp.status_code == 200, resp.json
        return resp

    def tick(self, order, *items):
        for item in items:
            resp = self.post(order.id, "checklist", {"item": item, "device_time": iso(now())})
            assert resp.status_code == 201, resp.json

    def upload(self, order, content, name="a.jpg", key=None, **form):
        headers = dict(self.headers, **({"Idempotency-Key": key} if key else {}))
        import io

        data = {"file": (io.BytesIO(content), name), **form}
        return self.client.post(
            f"/api/workorders/{order.id}/photos",
            data=data,
            headers=headers,
            content_type="multipart/form-data",
        )


@pytest.fixture
def storage_dir(app, tmp_path):
    previous = app.config["STORAGE_DIR"]
    app.config["STORAGE_DIR"] = str(tmp_path / "storage")
    yield app.config["STORAGE_DIR"]
    app.config["STORAGE_DIR"] = previous


@pytest.fixture
def phone(client, make, storage_dir):
    """A technician with an accepted order, and their phone."""
    order, tech = assigned_order(make)
    return Phone(client, make, tech), order


def later(**kw):
    return now() + timedelta(**kw)
