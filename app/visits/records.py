"""Evidence from the site: photos (checked by content) and violation reports (R3.3, R3.6)."""

import sqlalchemy as sa
from flask import current_app

from app.auth.models import User
from app.auth.roles import Role
from app.common.storage import get_storage
from app.database import point_wkt
from app.dispatch.models import Team
from app.errors import DomainError, Invalid, NotFound
from app.extensions import db
from app.notifications.services import notify
from app.visits import images
from app.visits.models import Photo, ViolationReport
from app.visits.services import check_device_time, event_fields, lonlat, order_for_step
from app.workorders.services import get_for, record_event

PHOTO_MAX_BYTES = 10 * 1024 * 1024


class TooLarge(DomainError):
    status = 413


def add_photo(user, order_id, upload, data):
    """A JPEG or PNG of at most 10 MB, decoded and re-encoded; stored by its SHA-256."""
    check_device_time(data)
    order = order_for_step(user, order_id, "on_site")
    content = upload.read(PHOTO_MAX_BYTES + 1)
    if len(content) > PHOTO_MAX_BYTES:
        raise TooLarge(
            "照片不能超过 10 MB / a photo may be at most 10 MB", errors={"file": ["> 10 MB"]}
        )
    config = current_app.config
    try:
        content_type, width, height, content = images.normalise(
            content, config["IMAGE_MAX_PIXELS"], config["IMAGE_MAX_SIDE"]
        )
    except images.NotAnImage as exc:
        raise Invalid(errors={"file": [str(exc)]}) from exc
    photo = Photo(
        work_order_id=order.id,
        sha256=get_storage().put(content),
        content_type=content_type,
        size_bytes=len(content),
        width=width,
        height=height,
        purpose=data["purpose"],
        caption=data["caption"],
        uploaded_by_id=user.id,
        device_time=data.get("device_time"),
    )
    db.session.add(photo)
    db.session.flush()
    record_event(
        order,
        "photo_added",
        user,
        device_time=data.get("device_time"),
        payload={"photo_id": photo.id, "purpose": photo.purpose, "sha256": photo.sha256},
    )
    return photo


def photo_bytes(user, order_id, photo_id):
    order = get_for(user, order_id)
    photo = db.session.get(Photo, photo_id)
    if photo is None or photo.work_order_id != order.id:
        raise NotFound("照片不存在 / photo not found")
    return photo, get_storage().get(photo.sha256)


def photos_of(order_id, ids, field="photo_ids"):
    """Check that every photo id belongs to this order (and so to this technician)."""
    if not ids:
        return []
    found = set(
        db.session.scalars(
            sa.select(Photo.id).where(Photo.id.in_(ids), Photo.work_order_id == order_id)
        )
    )
    unknown = [i for i in ids if i not in found]
    if unknown:
        raise Invalid(errors={field: [f"不属于此工单的照片 / not photos of this order: {unknown}"]})
    return list(ids)


def report_violation(user, order_id, data):
    """R3.6: record it politely with evidence and refer it to the inspection team."""
    check_device_time(data)
    order = order_for_step(user, order_id, "violation")
    team = db.session.scalar(
        sa.select(Team).where(Team.code == current_app.config["INSPECTION_TEAM_CODE"])
    )
    report = ViolationReport(
        work_order_id=order.id,
        kind=data["kind"],
        notes=data["notes"],
        photo_ids=photos_of(order.id, data["photo_ids"]),
        customer_aggressive=data["customer_aggressive"],
        referred_team_id=team.id if team else None,
        position=point_wkt(*lonlat(data)) if data.get("position") else None,
        accuracy_m=data.get("accuracy_m"),
        device_time=data.get("device_time"),
        created_by_id=user.id,
    )
    db.session.add(report)
    db.session.flush()
    record_event(
        order,
        "violation_reported",
        user,
        payload={
            "report_id": report.id,
            "kind": report.kind,
            "referred_team_id": report.referred_team_id,
            "customer_aggressive": report.customer_aggressive,
        },
        **event_fields(data),
    )
    notify(
        _inspectors(team),
        "violation_referred",
        {
            "report_id": report.id,
            "work_order_id": order.id,
            "number": order.number,
            "kind": report.kind,
            "customer_aggressive": report.customer_aggressive,
        },
        dedupe_key=f"violation:{report.id}",
    )
    return report


def _inspectors(team):
    """The inspection team's lead and members; without such a team, the dispatchers."""
    if team is None:
        return list(
            db.session.scalars(sa.select(User.id).where(User.holding(Role.DISPATCHER), User.active))
        )
    members = set(
        db.session.scalars(sa.select(User.id).where(User.team_id == team.id, User.active))
    )
    if team.lead_user_id:
        members.add(team.lead_user_id)
    return list(members)
