"""Ranked candidates on PostGIS: the KNN query behind suggestions, and the team roster."""

import re

import sqlalchemy as sa
from psycopg import ClientCursor
from psycopg.rows import dict_row
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

# The nearest technicians, planned the same way whatever the statistics say (issue 16).
# Per team and kind of position, an ordered scan of a (team_id, position) GiST index over the
# technicians not off duty (migration 0009; `<->` KNN): it reads about k index entries
# whatever the size of the team. The cheap eligibility filters (skill, shift, not tried) are
# applied inside the scan, so the k rows it returns are worth looking up. They are scalar
# subqueries, not EXISTS: an EXISTS may be planned as a hash of the whole skills table
# (300 ms at 100,000 technicians) when the statistics promise many rows to check. Fresh
# positions and base points for the rest are merged, the k nearest kept, and only those get
# their facts.
# `<->` orders by planar degrees; the k nearest are re-ranked by metres on the geography,
# and k is several times the answer's size so that the re-ranking is safe.
_NEAREST = """
  SELECT n.id, n.pos FROM unnest(CAST(:teams AS integer[])) AS tm(team_id)
  CROSS JOIN LATERAL (
    SELECT t.id, t.{column} AS pos FROM technicians t
    WHERE t.team_id = tm.team_id AND t.status <> 'off_duty' AND {fresh}
      AND t.id <> ALL(:exclude)
      AND (CAST(:skill_id AS integer) IS NULL OR (
            SELECT true FROM technician_skills ts
            WHERE ts.technician_id = t.id AND ts.skill_id = :skill_id) IS NOT NULL)
      AND (:office OR t.on_call OR (
            SELECT true FROM duty_shifts d
            WHERE d.technician_id = t.id AND d.starts_at <= :now AND d.ends_at > :now
            LIMIT 1) IS NOT NULL)
    ORDER BY t.{column} <-> (SELECT g FROM p) LIMIT :k) n
  ORDER BY n.pos <-> (SELECT g FROM p) LIMIT :k"""
CANDIDATES = sa.text(f"""
WITH p AS MATERIALIZED (SELECT ST_SetSRID(ST_MakePoint(:lon, :lat), 4326) AS g),
near AS (
  SELECT u.id, u.pos, u.fresh, ST_Distance(u.pos::geography, p.g::geography) AS distance_m
  FROM (
    SELECT f.id, f.pos, true AS fresh FROM ({
    _NEAREST.format(column="last_position", fresh="t.last_position_at >= :fresh_since")
}) f
    UNION ALL
    SELECT s.id, s.pos, false FROM ({
    _NEAREST.format(
        column="base_point",
        fresh="(t.last_position_at IS NULL OR t.last_position_at < :fresh_since)",
    )
}) s
  ) u CROSS JOIN p
  ORDER BY distance_m LIMIT :k
)
SELECT {FACTS_COLUMNS}, near.fresh AS fresh_position, near.distance_m
FROM near JOIN technicians t ON t.id = near.id {FACTS_JOINS}
""").bindparams(
    sa.bindparam("teams", type_=ARRAY(sa.Integer)),
    sa.bindparam("exclude", type_=ARRAY(sa.Integer)),
)

# Everyone in the teams, for "why were the others left out" (with how far each is, so the
# console can say why a nearer one was not chosen); capped, teams are small.
ROSTER = sa.text(f"""
SELECT {FACTS_COLUMNS},
       ST_Distance(CASE WHEN t.last_position_at >= :fresh_since THEN t.last_position
                        ELSE t.base_point END::geography,
                   ST_SetSRID(ST_MakePoint(:lon, :lat), 4326)::geography) AS distance_m
FROM technicians t {FACTS_JOINS}
WHERE t.team_id = ANY(:teams) ORDER BY t.id LIMIT :cap
""").bindparams(
    sa.bindparam("teams", type_=ARRAY(sa.Integer)),
    sa.bindparam("exclude", type_=ARRAY(sa.Integer)),
)

# The planner costs a GiST KNN scan above a scan of the team's btree index plus a top-N sort
# (cheap at 400 rows, 4 ms at 4,000), and which one it picks turns on the statistics of the
# moment. Sorting is therefore priced out for this one statement, so the ordered index scan
# is the only way left, and JIT is off so that the priced-out plan is not compiled (its cost
# crosses jit_above_cost). With the shape fixed, the statement is prepared and its generic
# plan forced: planning it again per call cost as much as running it (0.5 ms). The settings
# are made inside a savepoint (or a transaction) and undone by rolling back, and the
# statements go in one round trip (psycopg's pipeline mode): the pin costs no waiting.
_PLAN_SETTINGS = (
    "SELECT set_config('enable_sort', 'off', true), set_config('jit', 'off', true),"
    " set_config('plan_cache_mode', 'force_generic_plan', true)"
)
# Inside a caller's transaction (a routing job), a savepoint; in a read-only view (autocommit,
# app.extensions.run_read_only) a transaction of its own, ended as soon as the rows are in.
_PIN_PLAN = ("SAVEPOINT tapline_plan_pin", _PLAN_SETTINGS)
_UNPIN_PLAN = ("ROLLBACK TO SAVEPOINT tapline_plan_pin", "RELEASE SAVEPOINT tapline_plan_pin")
_PIN_ALONE = ("BEGIN", _PLAN_SETTINGS)
_UNPIN_ALONE = ("ROLLBACK",)
_COMPILED = {}


def _compiled(stmt, dialect):
    """`stmt` compiled once per process: compiling a text() of this size costs ~1 ms."""
    key = (stmt, dialect.name)
    if key not in _COMPILED:
        _COMPILED[key] = stmt.compile(dialect=dialect)
    return _COMPILED[key]


def _pinned(stmt, params, explain=False):
    """The rows of `stmt` run with the plan pinned: one round trip for the pin, the statement
    and the unpin. The engine's cursor events still see each statement (statement counts).
    `explain`: the same, but EXPLAIN (ANALYZE, BUFFERS) of the prepared statement's plan."""
    connection = db.session.connection()
    compiled = _compiled(stmt, connection.dialect)
    values = compiled.construct_params(params)
    raw = connection.connection.dbapi_connection
    steps = _explained(raw, compiled.string, values) if explain else None
    pin, unpin = (_PIN_ALONE, _UNPIN_ALONE) if raw.autocommit else (_PIN_PLAN, _UNPIN_PLAN)
    with raw.pipeline():
        for sql in pin:
            _announce(connection, raw.execute(sql), sql, None)
        cursor = raw.cursor(row_factory=dict_row)
        if explain:
            prepare, query, deallocate = steps
            raw.execute(prepare)
            cursor.execute(query)
            raw.execute(deallocate)
        else:
            cursor.execute(compiled.string, values, prepare=True)
            _announce(connection, cursor, compiled.string, values)
        for sql in unpin:
            _announce(connection, raw.execute(sql), sql, None)
    return cursor.fetchall()


def _explained(raw, query, values):
    """PREPARE, EXPLAIN EXECUTE (with the values as literals), DEALLOCATE: the plan shown is
    the prepared statement's generic plan, as the query runs, not one planned for the values."""
    names = list(dict.fromkeys(_PLACEHOLDER.findall(query)))
    numbered = _PLACEHOLDER.sub(lambda m: f"${names.index(m.group(1)) + 1}", query)
    literals = ClientCursor(raw).mogrify(
        ", ".join(["%s"] * len(names)), [values[name] for name in names]
    )
    return (
        f"PREPARE tapline_explain AS {numbered}",
        f"EXPLAIN (ANALYZE, BUFFERS) EXECUTE tapline_explain({literals})",
        "DEALLOCATE tapline_explain",
    )


_PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def _announce(connection, cursor, statement, parameters):
    connection.dispatch.before_cursor_execute(
        connection, cursor, statement, parameters, None, False
    )


def candidate_rows(params, want=10, k=40, cap=1_000_000):
    """Eligible technicians nearest the point, with their facts; `params` as in CANDIDATES.

    The scans return the k nearest who pass the cheap filters; when fewer than `want` of
    them are free enough and k came back full, there may be more further out: widen k.
    """
    while True:
        rows = _pinned(CANDIDATES, {**params, "k": k})
        eligible = [r for r in rows if rules.eligible(r, params["emergency"])]
        if len(eligible) >= want or len(rows) < k or k >= cap:
            return eligible
        k *= 4


def explain(params, k=40):
    """EXPLAIN (ANALYZE, BUFFERS) of the candidate query's plan as it runs, for the benchmark."""
    return [row["QUERY PLAN"] for row in _pinned(CANDIDATES, {**params, "k": k}, explain=True)]


def roster_rows(params, cap=200):
    return [dict(r._mapping) for r in db.session.execute(ROSTER, {**params, "cap": cap})]
