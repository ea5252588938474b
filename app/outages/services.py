"""Declaring, changing and ending a water outage (R8). These flush, never commit.

Affected customers are the customer points inside the area (PostGIS, ST_Covers on the GiST
index). Declaring writes one send job per CHUNK of them to the outbox, in one statement, in
the declaring transaction; each job writes its messages (one per number), commits them and
asks for one send job per message, so a city district is queued at once and a Redis outage
only delays the sending.
"""

import json

import sqlalchemy as sa
from flask import current_app
from shapely.geometry import MultiPolygon, shape

from app.customers.models import Customer
from app.database import utcnow
from app.errors import Conflict, Invalid, NotFound
from app.extensions import db
from app.messaging.models import SmsMessage
from app.messaging.rules import TZ
from app.messaging.services import public_base, queue_sms
from app.outages import rules
from app.outages.models import Outage, OutageCall
from app.workorders.models import WorkOrder
from app.zones.models import ServiceZone

CHUNK = 200  # messages per send job


def declare(data, user):
    now = utcnow()
    _check_times(data["start_at"], data["expected_end_at"])
    approval = None
    if data.get("approval_reason"):
        # A person may hold several roles: the approval is a lead's if they hold a lead's.
        role = next((r for r in rules.APPROVERS if user.holds(r)), None)
        approval = {"role": role, "reason": data["approval_reason"]}
    refusal = rules.short_notice_refusal(data["kind"], now, data["start_at"], approval)
    if refusal:
        raise Conflict(refusal, code="short_notice", errors={"start_at": [refusal]})
    outage = Outage(
        kind=data["kind"],
        status="announced",
        area_name=data["area_name"],
        area=_area(data),
        zone_ids=data.get("zone_ids") or [],
        start_at=data["start_at"],
        expected_end_at=data["expected_end_at"],
        reason=data["reason"],
        work_order_id=_repair_order(data),
        fire_supply_affected=data.get("fire_supply_affected", False),
        approved_by_id=user.id if approval else None,
        approval_reason=approval["reason"] if approval else None,
        declared_by_id=user.id,
        declared_at=now,
        history=[_entry("declared", user, now)],
    )
    db.session.add(outage)
    db.session.flush()
    outage.affected_count = find_customers(outage)
    notify_customers(outage, "outage_notice")
    return outage


def _check_times(start_at, end_at):
    refusal = rules.times_refusal(start_at, end_at)
    if refusal:
        raise Invalid(errors={"expected_end_at": [refusal]})


def _area(data):
    """The drawn polygon (GeoJSON), else the union of the chosen zones, as EWKT."""
    if data.get("area"):
        try:
            geom = shape(data["area"])
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise Invalid(errors={"area": ["不是有效的区域 / not a GeoJSON polygon"]}) from exc
        if geom.geom_type == "Polygon":
            geom = MultiPolygon([geom])
        if geom.geom_type != "MultiPolygon" or not geom.is_valid or geom.area <= 0:
            raise Invalid(errors={"area": ["区域不是有效的多边形 / not a valid polygon"]})
        return f"SRID=4326;{geom.wkt}"
    ids = data.get("zone_ids") or []
    zones = db.session.scalar(
        sa.select(sa.func.ST_AsEWKT(sa.func.ST_Multi(sa.func.ST_Union(ServiceZone.geom)))).where(
            ServiceZone.id.in_(ids)
        )
    )
    if not ids or zones is None:
        raise Invalid(
            errors={"area": ["请在地图上画出区域,或选择片区 / draw an area or pick zones"]}
        )
    return zones


def _repair_order(data):
    """An emergency outage belongs to its 抢修 order (R8: told while the repair goes on)."""
    order_id = data.get("work_order_id")
    if data["kind"] == "planned":
        return order_id
    order = db.session.get(WorkOrder, order_id) if order_id else None
    if order is None or not order.type.is_emergency:
        raise Invalid(errors={"work_order_id": ["抢修停水须关联抢修工单 / link the repair order"]})
    return order.id


def _entry(what, user, now, **extra):
    return {"what": what, "by": user.username, "at": now.isoformat(), **extra}


def find_customers(outage):
    """How many customer points lie inside the area (PostGIS, the GiST index)."""
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Customer)
        .where(sa.func.ST_Covers(_area_of(outage.id), Customer.location))
    )


def _area_of(outage_id):
    return sa.select(Outage.area).where(Outage.id == outage_id).scalar_subquery()


def notify_customers(outage, kind, revision=0):
    """Send jobs through the outbox, one per CHUNK customers of the area, in one statement;
    each job writes its own messages and asks for their sends (app.outages.jobs.notify_chunk)."""
    db.session.execute(
        sa.text(
            """
            INSERT INTO outbox_messages (job, args, queue, delay_seconds, created_at, attempts)
            SELECT 'app.outages.jobs.notify_chunk',
                   jsonb_build_array(CAST(:outage AS int), CAST(:kind AS text),
                                     CAST(:revision AS int), min(customer_id), max(customer_id)),
                   'emergency', 0, now(), 0
            FROM (SELECT c.id AS customer_id,
                         (row_number() OVER (ORDER BY c.id) - 1) / :chunk AS chunk
                  FROM outages o JOIN customers c ON ST_Covers(o.area, c.location)
                  WHERE o.id = :outage) c
            GROUP BY chunk
            """
        ),
        {"outage": outage.id, "kind": kind, "revision": revision, "chunk": CHUNK},
    )
    db.session.info["outbox_pending"] = True
    _fire_service(outage, kind, revision)


def chunk_messages(outage, kind, revision, first, last):
    """The messages of customers first..last: written once per number, returned pending."""
    prefix = f"{kind}:{outage.id}:{revision}:"
    params = json.dumps(_params(outage), ensure_ascii=False)
    phones = db.session.scalars(
        sa.text(
            """
            SELECT DISTINCT regexp_replace(regexp_replace(c.phone, '[\\s()-]', '', 'g'),
                                           '^(\\+86|0086)', '')
            FROM outages o JOIN customers c ON ST_Covers(o.area, c.location)
            WHERE o.id = :outage AND c.id BETWEEN :first AND :last AND c.phone IS NOT NULL
            """
        ),
        {"outage": outage.id, "first": first, "last": last},
    ).all()
    keys = [prefix + phone for phone in phones]
    now = utcnow()
    db.session.execute(
        sa.text(
            """
            INSERT INTO sms_messages (id, kind, phone, params, text, status, outage_id,
                dedupe_key, created_at, next_attempt_at, attempts)
            SELECT gen_random_uuid(), :kind, p, CAST(:params AS jsonb), '',
                   CASE WHEN p ~ '^1[3-9][0-9]{9}$' THEN 'pending' ELSE 'invalid' END
                     ::sms_status,
                   :outage, :prefix || p, :now, :now, 0
            FROM unnest(CAST(:phones AS text[])) AS p
            ON CONFLICT (dedupe_key) DO NOTHING
            """
        ),
        {
            "kind": kind,
            "params": params,
            "outage": outage.id,
            "prefix": prefix,
            "now": now,
            "phones": phones,
        },
    )
    return db.session.scalars(
        sa.select(SmsMessage.id).where(
            SmsMessage.dedupe_key.in_(keys), SmsMessage.status == "pending"
        )
    ).all()


def _params(outage):
    return {
        "reason": outage.reason,
        "area": outage.area_name,
        "start": _moment(outage.start_at),
        "end": _moment(outage.expected_end_at),
        "url": f"{public_base()}/outages",
    }


def _moment(moment):
    local = moment.astimezone(TZ)
    return f"{local.month}月{local.day}日{local:%H:%M}"


def _fire_service(outage, kind, revision):
    """Newer texts: tell the fire service when fire-fighting supply may be affected."""
    phone = current_app.config["FIRE_SERVICE_PHONE"]
    if outage.fire_supply_affected and phone:
        queue_sms(
            kind,
            phone,
            _params(outage),
            outage_id=outage.id,
            dedupe_key=f"{kind}:{outage.id}:{revision}:fire",
        )


def get(outage_id, lock=False):
    outage = db.session.get(Outage, outage_id, with_for_update=lock)
    if outage is None:
        raise NotFound(f"停水通告不存在 / outage {outage_id} not found")
    return outage


def change(outage, data, user):
    """New times or reason: everyone in the area is told again (R8)."""
    if outage.status != "announced":
        raise Conflict("停水已结束 / the outage is over", code="outage_over")
    start = data.get("start_at", outage.start_at)
    end = data.get("expected_end_at", outage.expected_end_at)
    _check_times(start, end)
    outage.start_at, outage.expected_end_at = start, end
    outage.reason = data.get("reason", outage.reason)
    now = utcnow()
    outage.history = [*outage.history, _entry("changed", user, now, note=data.get("note", ""))]
    db.session.flush()
    notify_customers(outage, "outage_changed", revision=len(outage.history))
    return outage


def restore(outage, user):
    if outage.status != "announced":
        raise Conflict("停水已结束 / the outage is over", code="outage_over")
    now = utcnow()
    outage.status, outage.restored_at = "restored", now
    outage.history = [*outage.history, _entry("restored", user, now)]
    db.session.flush()
    notify_customers(outage, "outage_restored")
    return outage


def at_point(lon, lat):
    """Announced outages whose area holds the point (the desk's banner)."""
    return _covering(sa.func.ST_SetSRID(sa.func.ST_MakePoint(lon, lat), 4326))


def at_customer(customer):
    if customer.location is None:
        return []
    return _covering(
        sa.select(Customer.location).where(Customer.id == customer.id).scalar_subquery()
    )


def _covering(point):
    return db.session.scalars(
        sa.select(Outage)
        .where(Outage.status == "announced", sa.func.ST_Covers(Outage.area, point))
        .order_by(Outage.start_at)
    ).all()


def link_call(outage, data, user):
    """A 'no water' call from inside the area: linked to the outage, no new order."""
    if outage.status != "announced":
        raise Conflict("停水已结束 / the outage is over", code="outage_over")
    call = OutageCall(outage_id=outage.id, taken_by_id=user.id, **data)
    db.session.add(call)
    db.session.flush()
    return call
