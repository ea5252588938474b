"""The city as GeoJSON for the desk and console maps: zones, technicians, open orders."""

import json
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from app.database import utcnow
from app.dispatch.models import ServiceZone, Team, Technician
from app.extensions import db
from app.workorders.deadlines import sla_state_sql
from app.workorders.models import WorkOrder, WorkOrderType
from app.workorders.states import ACTIVE_STATUSES, LABELS_ZH, OPEN_STATUSES


def collection(features):
    return {"type": "FeatureCollection", "features": features}


def feature(fid, geojson, **properties):
    return {
        "type": "Feature",
        "id": fid,
        "geometry": json.loads(geojson),
        "properties": {"id": fid, **properties},
    }


def zones():
    rows = db.session.execute(
        sa.select(
            ServiceZone.id,
            ServiceZone.code,
            ServiceZone.name,
            Team.id,
            Team.name,
            sa.func.ST_AsGeoJSON(ServiceZone.geom, 6),
        )
        .join(Team, Team.id == ServiceZone.team_id)
        .order_by(ServiceZone.code)
    ).all()
    return collection(
        [
            feature(zid, geo, code=code, name=name, team_id=team_id, team_name=team_name)
            for zid, code, name, team_id, team_name, geo in rows
        ]
    )


def service_area():
    """The zones' union: what the maps draw as the boundary when no tile server is set."""
    geo = db.session.scalar(
        sa.select(sa.func.ST_AsGeoJSON(sa.func.ST_Boundary(sa.func.ST_Union(ServiceZone.geom)), 6))
    )
    return collection([feature(0, geo, name="供水服务范围")] if geo else [])


def technicians():
    """Last known position, or the base point when none is known (position_source says)."""
    open_load = (
        sa.select(sa.func.count(WorkOrder.id))
        .where(WorkOrder.technician_id == Technician.id, WorkOrder.status.in_(ACTIVE_STATUSES))
        .scalar_subquery()
    )
    where = sa.func.coalesce(Technician.last_position, Technician.base_point)
    rows = db.session.execute(
        sa.select(Technician, Team.name, open_load, sa.func.ST_AsGeoJSON(where, 6))
        .join(Team, Team.id == Technician.team_id)
        .order_by(Technician.id)
    ).all()
    return collection([_technician(t, team, load, geo) for t, team, load, geo in rows])


def _technician(tech, team_name, load, geo):
    fresh_after = utcnow() - timedelta(minutes=current_app.config["POSITION_FRESH_MINUTES"])
    known = tech.last_position is not None
    return feature(
        tech.id,
        geo,
        name=tech.name,
        employee_no=tech.employee_no,
        team_id=tech.team_id,
        team_name=team_name,
        status=tech.status,
        on_call=tech.on_call,
        open_orders=load,
        position_source="gps" if known else "base",
        position_at=tech.last_position_at.isoformat() if tech.last_position_at else None,
        stale=not known or tech.last_position_at is None or tech.last_position_at < fresh_after,
    )


def orders():
    rows = db.session.execute(
        sa.select(
            WorkOrder,
            WorkOrderType.name_zh,
            WorkOrderType.is_emergency,
            sla_state_sql(),
            sa.func.ST_AsGeoJSON(WorkOrder.location, 6),
        )
        .join(WorkOrderType, WorkOrderType.code == WorkOrder.type_code)
        .where(WorkOrder.status.in_(OPEN_STATUSES), WorkOrder.location.is_not(None))
        .order_by(WorkOrder.id)
    ).all()
    return collection(
        [
            feature(
                o.id,
                geo,
                number=o.number,
                type=o.type_code,
                type_name=type_name,
                status=o.status,
                status_label=LABELS_ZH[o.status],
                priority=o.priority,
                is_emergency=emergency,
                sla_state=sla,
                unrouted=o.zone_id is None,
                zone_id=o.zone_id,
                technician_id=o.technician_id,
                address=o.address,
            )
            for o, type_name, emergency, sla, geo in rows
        ]
    )
