"""Position pings from technicians' phones (batched, resent after lost signal)."""

from datetime import timedelta

import marshmallow as ma
from flask import current_app
from sqlalchemy.dialects.postgresql import insert

from app.database import point_wkt, utcnow
from app.dispatch import rules
from app.dispatch.models import TechnicianPosition
from app.extensions import db


class PositionPingSchema(ma.Schema):
    lat = ma.fields.Float(required=True, validate=ma.validate.Range(-90, 90))
    lon = ma.fields.Float(required=True, validate=ma.validate.Range(-180, 180))
    device_time = ma.fields.AwareDateTime(required=True)
    accuracy_m = ma.fields.Float(validate=ma.validate.Range(0, 100000), allow_none=True)


def _check(raw, now):
    try:
        ping = PositionPingSchema().load(raw)
    except ma.ValidationError as exc:
        return None, exc.messages if isinstance(exc.messages, dict) else {"_schema": exc.messages}
    config = current_app.config
    errors = rules.ping_errors(
        ping,
        now,
        timedelta(days=config["POSITION_MAX_AGE_DAYS"]),
        timedelta(seconds=config["POSITION_MAX_AHEAD_SECONDS"]),
    )
    return (None, errors) if errors else (ping, {})


def record_positions(technician, items, now=None):
    """Store the sane pings (each once), reject the rest per item, move last_position on."""
    now = now or utcnow()
    accepted, rejected = [], []
    for index, raw in enumerate(items):
        ping, errors = _check(raw if isinstance(raw, dict) else {}, now)
        if errors:
            rejected.append({"index": index, "errors": errors})
        else:
            accepted.append(ping)
    for ping in accepted:
        db.session.execute(
            insert(TechnicianPosition)
            .values(
                technician_id=technician.id,
                device_time=ping["device_time"],
                received_at=now,
                position=point_wkt(ping["lon"], ping["lat"]),
                accuracy_m=ping.get("accuracy_m"),
            )
            .on_conflict_do_nothing(constraint="uq_technician_positions_ping")
        )
    newest = max(accepted, key=lambda p: p["device_time"], default=None)
    if newest and (
        technician.last_position_at is None or newest["device_time"] > technician.last_position_at
    ):
        technician.last_position = point_wkt(newest["lon"], newest["lat"])
        technician.last_position_at = newest["device_time"]
    db.session.flush()
    return {
        "accepted": len(accepted),
        "rejected": rejected,
        "last_position_at": technician.last_position_at,
    }
