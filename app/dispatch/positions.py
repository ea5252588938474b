"""Position pings from technicians' phones (batched, resent after lost signal)."""

from datetime import timedelta

import marshmallow as ma
import sqlalchemy as sa
from flask import current_app
from sqlalchemy.dialects.postgresql import insert

from app.common.geometry import to_lonlat
from app.database import point_wkt, utcnow
from app.dispatch import rules
from app.dispatch.models import TechnicianPosition
from app.extensions import db
from app.zones.models import ServiceZone


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


def _plausible(technician, checked, rejected):
    """The pings that are physically possible, in time order; the others join `rejected`."""
    config = current_app.config
    known = []
    if technician.last_position is not None and technician.last_position_at is not None:
        known.append((technician.last_position_at, to_lonlat(technician.last_position), None))
    extent = service_extent() if checked else None
    interval = timedelta(seconds=config["POSITION_MIN_INTERVAL_SECONDS"])
    accepted = []
    for index, ping in sorted(checked, key=lambda item: item[1]["device_time"]):
        point = (ping["lon"], ping["lat"])
        errors = rules.area_errors(point, extent, config["POSITION_AREA_MARGIN_KM"] * 1000)
        errors = errors or rules.movement_errors(
            ping, known, interval, config["POSITION_MAX_SPEED_KMH"]
        )
        if errors:
            rejected.append({"index": index, "errors": errors})
            continue
        accepted.append(ping)
        known.append((ping["device_time"], point, ping.get("accuracy_m")))
    return accepted


def service_extent():
    """(minx, miny, maxx, maxy) of every service zone, or None when there is none."""
    box = db.session.execute(
        sa.select(
            sa.func.ST_XMin(sa.func.ST_Extent(ServiceZone.geom)),
            sa.func.ST_YMin(sa.func.ST_Extent(ServiceZone.geom)),
            sa.func.ST_XMax(sa.func.ST_Extent(ServiceZone.geom)),
            sa.func.ST_YMax(sa.func.ST_Extent(ServiceZone.geom)),
        )
    ).one()
    return None if box[0] is None else tuple(box)


def record_positions(technician, items, now=None):
    """Store the sane pings (each once), reject the rest per item, move last_position on.

    Besides malformed and out-of-time pings (R2.2), audit item 12: at most one ping per
    POSITION_MIN_INTERVAL_SECONDS, no move faster than POSITION_MAX_SPEED_KMH from the
    nearest known fix, nothing more than POSITION_AREA_MARGIN_KM outside the service zones.
    """
    now = now or utcnow()
    checked, rejected = [], []
    for index, raw in enumerate(items):
        ping, errors = _check(raw if isinstance(raw, dict) else {}, now)
        if errors:
            rejected.append({"index": index, "errors": errors})
        else:
            checked.append((index, ping))
    accepted = _plausible(technician, checked, rejected)
    rejected.sort(key=lambda item: item["index"])
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
