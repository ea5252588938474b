"""Ranked candidates on PostGIS: the KNN query behind suggestions, and the team roster."""

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY

from app.dispatch import rules
from app.extensions import db
from app.workorders.models import Priority
from app.workorders.states import ACTIVE_STATUSES

ACTIVE = "('" + "','".join(ACTIVE_STATUSES) + "')"
EMERGENCY = int(Priority.EMERGENCY)

# The per-technician facts every ranking and exclusion needs: one index look-up each
# (LATERAL), so the cost follows the rows scanned, never the size of the tables.
FACTS_COLUMNS = """
    t.id AS technician_id, t.name, t.team_id, t.user_id, t.status, t.on_call,
    t.max_open_orders, t.last_position_at,
    COALESCE(f.load, 0) AS load, COALESCE(f.has_emergency, false) AS has_emergency,
    COALESCE(f.would_preempt, false) AS would_preempt, COALESCE(f.due_earlier, 0) AS due_earlier,
    (:office OR t.on_call OR r.rostered IS NOT NULL) AS on_shift,
    (t.on_call OR r.rostered IS NOT NULL) AS on_duty_roster,
    (CAST(:skill_id AS integer) IS NULL OR s.has_skill IS NOT NULL) AS has_skill,
    t.id = ANY(:exclude) AS already_offered"""
FACTS_JOINS = f"""
LEFT JOIN LATERAL (
  SELECT count(*) AS load, bool_or(w.priority = {EMERGENCY}) AS has_emergency,
         bool_or(w.priority < {EMERGENCY} AND (w.status = 'en_route' OR (w.status = 'scheduled'
                 AND w.appointment_start < :preempt_before))) AS would_preempt,
         count(*) FILTER (WHERE w.deadline_at < :deadline) AS due_earlier
  FROM work_orders w WHERE w.technician_id = t.id AND w.status IN {ACTIVE}) f ON true
LEFT JOIN LATERAL (
  SELECT true AS rostered FROM duty_shifts d
  WHERE d.technician_id = t.id AND d.starts_at <= :now AND d.ends_at > :now LIMIT 1) r ON true
LEFT JOIN LATERAL (
  SELECT true AS has_skill FROM technician_skills ts
  WHERE ts.technician_id = t.id AND ts.skill_id = :skill_id LIMIT 1) s ON true"""

# Two nearest-k scans ordered by `<->` (KNN on the GiST indexes, or the team index and a
# top-N sort when the planner finds the team small), fresh positions and base points for the
# rest, with only the cheap filters inside; the facts are looked up for those rows alone.
# `<->` orders by planar degrees; the k nearest of each are re-ranked by metres on the
# geography, and k is several times the answer's size so that the re-ranking is safe.
CANDIDATES = sa.text(f"""
WITH p AS (SELECT ST_SetSRID(ST_MakePoint(:lon, :lat), 4326) AS g),
near AS (
  (SELECT t.id, t.last_position AS pos, true AS fresh FROM technicians t, p
    WHERE t.last_position_at >= :fresh_since AND t.team_id = ANY(:teams)
      AND t.status <> 'off_duty'
    ORDER BY t.last_position <-> p.g LIMIT :k)
  UNION ALL
  (SELECT t.id, t.base_point AS pos, false AS fresh FROM technicians t, p
    WHERE (t.last_position_at IS NULL OR t.last_position_at < :fresh_since)
      AND t.team_id = ANY(:teams) AND t.status <> 'off_duty'
    ORDER BY t.base_point <-> p.g LIMIT :k)
)
SELECT {FACTS_COLUMNS}, near.fresh AS fresh_position,
       ST_Distance(near.pos::geography, p.g::geography) AS distance_m
FROM near JOIN technicians t ON t.id = near.id CROSS JOIN p {FACTS_JOINS}
""").bindparams(
    sa.bindparam("teams", type_=ARRAY(sa.Integer)),
    sa.bindparam("exclude", type_=ARRAY(sa.Integer)),
)

# Everyone in the teams, for "why were the others left out"; capped, teams are small.
ROSTER = sa.text(f"""
SELECT {FACTS_COLUMNS} FROM technicians t {FACTS_JOINS}
WHERE t.team_id = ANY(:teams) ORDER BY t.id LIMIT :cap
""").bindparams(
    sa.bindparam("teams", type_=ARRAY(sa.Integer)),
    sa.bindparam("exclude", type_=ARRAY(sa.Integer)),
)


def candidate_rows(params, want=10, k=40, cap=1_000_000):
    """Eligible technicians nearest the point, with their facts; `params` as in CANDIDATES.

    The KNN scans fetch k per kind of position; when fewer than `want` of them are eligible
    and a scan came back full, there may be more further out: widen k and look again.
    """
    # A generic plan (psycopg prepares repeated statements) cannot see which team or how
    # many rows k is, and picks a plan that is fine for none: plan each call afresh.
    db.session.execute(sa.text("SET LOCAL plan_cache_mode = force_custom_plan"))
    while True:
        rows = [dict(r._mapping) for r in db.session.execute(CANDIDATES, {**params, "k": k})]
        eligible = [r for r in rows if rules.eligible(r, params["emergency"])]
        full = (
            max(sum(r["fresh_position"] for r in rows), sum(not r["fresh_position"] for r in rows))
            >= k
        )
        if len(eligible) >= want or not full or k >= cap:
            return eligible
        k *= 4


def roster_rows(params, cap=200):
    return [dict(r._mapping) for r in db.session.execute(ROSTER, {**params, "cap": cap})]
