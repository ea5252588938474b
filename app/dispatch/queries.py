"""Spatial look-ups on PostGIS: zones, neighbouring teams, ranked candidates."""

import shapely.wkt
import sqlalchemy as sa
from geoalchemy2.shape import to_shape
from sqlalchemy.dialects.postgresql import ARRAY

from app.database import point_wkt
from app.dispatch.models import ServiceZone, Team
from app.extensions import db
from app.workorders.states import ACTIVE_STATUSES


def zone_for_point(lon, lat):
    """The service zone containing the point (GiST index), or None: the order is unrouted."""
    point = sa.func.ST_GeomFromEWKT(point_wkt(lon, lat))
    return db.session.scalar(
        sa.select(ServiceZone).where(sa.func.ST_Contains(ServiceZone.geom, point)).limit(1)
    )


def to_lonlat(geometry):
    if geometry is None:
        return None
    if isinstance(geometry, str):  # assigned but not yet flushed: still our EWKT text
        point = shapely.wkt.loads(geometry.split(";", 1)[-1])
    else:
        point = to_shape(geometry)
    return point.x, point.y


def neighbour_team_ids(zone_id, team_id, metres):
    """Teams owning a zone that touches (or lies within `metres` of) the order's zone."""
    other = sa.orm.aliased(ServiceZone)
    stmt = (
        sa.select(other.team_id)
        .distinct()
        .join(ServiceZone, ServiceZone.id == zone_id)
        .where(other.team_id != team_id)
        .where(
            sa.func.ST_DWithin(
                sa.cast(other.geom, _Geography), sa.cast(ServiceZone.geom, _Geography), metres
            )
        )
    )
    return list(db.session.scalars(stmt))


def field_team_ids():
    return list(db.session.scalars(sa.select(Team.id).where(Team.kind == "field")))


class _Geography(sa.types.UserDefinedType):
    cache_ok = True

    def get_col_spec(self):
        return "geography"


ACTIVE = "('" + "','".join(ACTIVE_STATUSES) + "')"

# The per-technician facts every ranking and every exclusion needs.
FACTS = f"""
    (SELECT count(*) FROM work_orders w
      WHERE w.technician_id = t.id AND w.status IN {ACTIVE}) AS load,
    EXISTS (SELECT 1 FROM work_orders w
      WHERE w.technician_id = t.id AND w.status IN {ACTIVE} AND w.priority = 2) AS has_emergency,
    EXISTS (SELECT 1 FROM work_orders w
      WHERE w.technician_id = t.id AND w.priority < 2 AND (w.status = 'en_route'
         OR (w.status = 'scheduled' AND w.appointment_start < :preempt_before))) AS would_preempt,
    (SELECT count(*) FROM work_orders w
      WHERE w.technician_id = t.id AND w.status IN {ACTIVE}
        AND w.deadline_at < :deadline) AS due_earlier,
    (:office OR t.on_call OR EXISTS (SELECT 1 FROM duty_shifts d
      WHERE d.technician_id = t.id AND d.starts_at <= :now AND d.ends_at > :now)) AS on_shift,
    t.on_call OR EXISTS (SELECT 1 FROM duty_shifts d
      WHERE d.technician_id = t.id AND d.starts_at <= :now AND d.ends_at > :now) AS on_duty_roster,
    (CAST(:skill_id AS integer) IS NULL OR EXISTS (SELECT 1 FROM technician_skills ts
      WHERE ts.technician_id = t.id AND ts.skill_id = :skill_id)) AS has_skill,
    t.id = ANY(:exclude) AS already_offered
"""

ELIGIBLE = f"""
    t.team_id = ANY(:teams) AND t.status <> 'off_duty' AND NOT (t.id = ANY(:exclude))
    AND (CAST(:skill_id AS integer) IS NULL OR EXISTS (SELECT 1 FROM technician_skills ts
                 WHERE ts.technician_id = t.id AND ts.skill_id = :skill_id))
    AND (:office OR t.on_call OR EXISTS (SELECT 1 FROM duty_shifts d
          WHERE d.technician_id = t.id AND d.starts_at <= :now AND d.ends_at > :now))
    AND (CASE WHEN :emergency THEN NOT EXISTS (SELECT 1 FROM work_orders w
          WHERE w.technician_id = t.id AND w.status IN {ACTIVE} AND w.priority = 2)
         ELSE (SELECT count(*) FROM work_orders w
          WHERE w.technician_id = t.id AND w.status IN {ACTIVE}) < t.max_open_orders END)
"""

# Two KNN scans (<-> on the GiST indexes): fresh positions, and base points for the rest.
# `<->` orders by planar degrees; the k nearest of each are re-ranked by metres on the
# geography, and k is several times the answer's size so that the re-ranking is safe.
CANDIDATES = sa.text(f"""
WITH p AS (SELECT ST_SetSRID(ST_MakePoint(:lon, :lat), 4326) AS g),
near AS (
  (SELECT t.id, t.last_position AS pos, true AS fresh FROM technicians t, p
    WHERE t.last_position_at >= :fresh_since AND {ELIGIBLE}
    ORDER BY t.last_position <-> p.g LIMIT :k)
  UNION ALL
  (SELECT t.id, t.base_point AS pos, false AS fresh FROM technicians t, p
    WHERE (t.last_position_at IS NULL OR t.last_position_at < :fresh_since) AND {ELIGIBLE}
    ORDER BY t.base_point <-> p.g LIMIT :k)
)
SELECT t.id AS technician_id, t.name, t.team_id, t.user_id, t.on_call, t.max_open_orders,
       near.fresh AS fresh_position, t.last_position_at,
       ST_Distance(near.pos::geography, p.g::geography) AS distance_m, {FACTS}
FROM near JOIN technicians t ON t.id = near.id, p
""").bindparams(
    sa.bindparam("teams", type_=ARRAY(sa.Integer)),
    sa.bindparam("exclude", type_=ARRAY(sa.Integer)),
)

# Everyone in the teams, for "why were the others left out"; capped, teams are small.
ROSTER = sa.text(f"""
SELECT t.id AS technician_id, t.name, t.team_id, t.status, t.max_open_orders, {FACTS}
FROM technicians t WHERE t.team_id = ANY(:teams) ORDER BY t.id LIMIT :cap
""").bindparams(
    sa.bindparam("teams", type_=ARRAY(sa.Integer)),
    sa.bindparam("exclude", type_=ARRAY(sa.Integer)),
)


def candidate_rows(params, k=40):
    """Eligible technicians near the point, with their facts; `params` as in CANDIDATES."""
    return [dict(r._mapping) for r in db.session.execute(CANDIDATES, {**params, "k": k})]


def roster_rows(params, cap=200):
    return [dict(r._mapping) for r in db.session.execute(ROSTER, {**params, "cap": cap})]
