"""POST /api/sync: a phone's queued steps, delivered in order, each with its own result.

Every item names a step by path (/api/workorders/12/arrive) or by action and work_order_id,
carries its Idempotency-Key and the phone's time, and is dispatched to the same service code
as the single endpoint. A batch whose steps are all accepted runs in one SAVEPOINT; once any
is refused, the batch is run again item by item, each in its own SAVEPOINT: one refused item
changes nothing of its own and does not stop the others. A key already used by a single
request (or an earlier batch) gives that stored result again, so a step is never applied twice.
"""

import logging
import re
from dataclasses import dataclass, field
from functools import cache

import marshmallow as ma
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert

from app.common import idempotency
from app.common.models import IdempotencyKey
from app.database import utcnow
from app.errors import Conflict, Invalid, NotFound, error_body
from app.extensions import db
from app.notifications import services as live
from app.visits import batch, services
from app.visits.steps import STEPS

log = logging.getLogger(__name__)
ORDER_PATH = re.compile(r"^/api/workorders/(\d+)/([a-z-]+)$")
PATHS = {"/api/signatures": "sign"}
TABLE = IdempotencyKey.__table__
# Sent as one executemany: SQLAlchemy batches it into multi-row INSERTs (insertmanyvalues)
# from one cached compilation, where .values([...]) compiled 500 rows' SQL on every batch.
CLAIM = (
    insert(TABLE)
    .on_conflict_do_nothing(constraint="uq_idempotency_keys_user_key")
    .returning(TABLE.c.key, TABLE.c.id)
)


@dataclass
class Item:
    key: str
    method: str
    path: str = ""
    action: str = ""
    order_id: int | None = None
    body: dict = field(default_factory=dict)
    device_time: object = None
    digest: str = ""
    result: dict | None = None
    row_id: int | None = None


def deliver(user, raw_items):
    """Results in the order given; the caller commits once."""
    received_at = utcnow()
    items = [_resolve(raw) for raw in raw_items]
    _claim_all(user.id, [item for item in items if item.result is None])
    pending = [item for item in items if item.result is None]
    with batch.begin():
        services.lock_batch(
            user, {item.order_id for item in pending if STEPS[item.action].order_scoped}
        )
        outcomes = _all_at_once(user, pending)
        if outcomes is None:  # something was refused: each item on its own
            outcomes = _one_by_one(user, pending, _run)
    _finish_all([item for item in outcomes if item.result["status"] < 500])
    return [
        {
            "idempotency_key": item.key,
            "device_time": item.device_time,
            "received_at": received_at,
            "_row_id": item.row_id,
            **item.result,
        }
        for item in items
    ]


def _one_by_one(user, items, run):
    """Run each item with `run`; a step queued twice in one batch runs once."""
    finished, outcomes = {}, []
    for item in items:
        if item.key in finished:
            item.result = {**finished[item.key], "replayed": True}
            continue
        item.result = finished[item.key] = run(user, item)
        outcomes.append(item)
    return outcomes


def _all_at_once(user, items):
    """The usual batch, where every step is accepted, in one SAVEPOINT instead of one each.

    On the first refusal everything it did is undone (rows, queued live events, the batch's
    cache) and None tells the caller to run the items one by one, each in its own SAVEPOINT:
    the results are the same either way, only cheaper when nothing is refused.
    """
    mark = live.mark()
    savepoint = db.session.begin_nested()
    try:
        outcomes = _one_by_one(user, items, _apply)
    except Exception:
        savepoint.rollback()
        live.drop_since(mark)
        batch.current().forget()
        for item in items:
            item.result = None
        return None
    savepoint.commit()
    return outcomes


def _apply(user, item):
    """One item, raising on refusal (for _all_at_once)."""
    step = STEPS[item.action]
    loader, dumper = _schemas(item.action)
    data = loader.load(item.body)
    obj = step.handler(user, item.order_id, data) if step.order_scoped else step.handler(user, data)
    db.session.flush()
    return {"status": step.status, "body": dumper.dump(obj), "replayed": False}


def release_claims(results):
    """The batch's commit failed: its claims had no effect, so let the phone retry them."""
    idempotency.release([r["_row_id"] for r in results if r.get("_row_id")])


def _resolve(raw):
    item = Item(
        key=raw["idempotency_key"],
        method=raw["method"],
        body=dict(raw["body"]),
        device_time=raw.get("device_time"),
        order_id=raw.get("work_order_id"),
    )
    try:
        idempotency.check_key(item.key)
        item.action, item.order_id, item.path = _target(raw)
    except (Invalid, NotFound) as exc:
        item.result = _refused(exc)
    item.digest = idempotency.body_sha256(item.body)
    return item


def _target(raw):
    """(action, order id, canonical path) of an item, from its path or its action."""
    path = raw.get("path")
    if path:
        match = ORDER_PATH.match(path)
        if match:
            action, order_id = match.group(2), int(match.group(1))
        else:
            action, order_id = PATHS.get(path), None
    else:
        action, order_id = raw["action"], raw.get("work_order_id")
    step = STEPS.get(action)
    if step is None or step.method != raw["method"]:
        raise NotFound(f"不支持离线同步的步骤 / no such step: {raw['method']} {path or action}")
    if step.order_scoped and order_id is None:
        raise Invalid(errors={"work_order_id": ["需要工单号 / required for this action"]})
    return action, order_id, step.path(order_id)


def _claim_all(user_id, items):
    """Claim every new key in one statement; judge the keys that already exist."""
    if not items:
        return
    now = utcnow()
    rows = {item.key: item for item in items}
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        claimed = dict(
            conn.execute(
                CLAIM,
                [
                    {
                        "user_id": user_id,
                        "key": item.key,
                        "method": item.method,
                        "path": item.path,
                        "body_sha256": item.digest,
                        "status": "in_progress",
                        "created_at": now,
                    }
                    for item in rows.values()
                ],
            ).all()
        )
        existing = conn.execute(
            sa.select(TABLE).where(
                TABLE.c.user_id == user_id, TABLE.c.key.in_(set(rows) - set(claimed))
            )
        ).all()
        judged = {row.key: _judge(conn, row, rows[row.key]) for row in existing}
    for item in items:
        if item.key in claimed:
            item.row_id = claimed[item.key]
        elif item.key in judged:
            item.row_id, item.result = judged[item.key]


def _judge(conn, row, item):
    try:
        claim = idempotency.judge(conn, row, item.method, item.path, item.digest)
    except (Invalid, Conflict) as exc:
        return None, _refused(exc)
    if claim.replay:
        status, body = claim.replay
        return None, {"status": status, "body": body, "replayed": True}
    return claim.row_id, None


@cache
def _schemas(action):
    """One loading and one dumping schema per step, reused across items (they hold no state)."""
    return STEPS[action].schema(), STEPS[action].result()


def _run(user, item):
    """One item in its own SAVEPOINT: a refusal becomes its result and undoes only itself."""
    mark = live.mark()
    try:
        with db.session.begin_nested():
            return _apply(user, item)
    except ma.ValidationError as exc:
        status, body = 422, error_body(422, errors=exc.messages)
    except Exception as exc:
        live.drop_since(mark)
        batch.current().forget()  # a rolled-back savepoint may drop its locks
        refused = idempotency.error_response(exc)
        if refused is None:
            log.exception("sync item %s failed", item.key)
            idempotency.release([item.row_id])
            return {"status": 500, "body": error_body(500), "replayed": False}
        status, body = refused
    return {"status": status, "body": body, "replayed": False}


def _finish_all(items):
    """Store every response in one round trip; it commits with the batch's effects."""
    if items:
        db.session.connection().execute(
            sa.update(TABLE)
            .where(TABLE.c.id == sa.bindparam("row_id"))
            .values(
                status="done",
                response_status=sa.bindparam("r_status"),
                response_body=sa.bindparam("r_body", type_=TABLE.c.response_body.type),
                completed_at=utcnow(),
            ),
            [
                {"row_id": i.row_id, "r_status": i.result["status"], "r_body": i.result["body"]}
                for i in items
            ],
        )


def _refused(exc):
    return {
        "status": exc.status,
        "body": error_body(exc.status, exc.message, exc.errors, exc.code, **exc.extra),
        "replayed": False,
    }
