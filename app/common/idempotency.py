"""Idempotency-Key for every mutating phone step, after the IETF Idempotency-Key draft.

A key is claimed in its own committed row (so a concurrent retry sees it "in progress" and
gets 409); the step's changes and the stored response are then committed together, so a key
is "done" exactly when its effects exist. A crash in between leaves an in-progress row with no
effects, which may be taken over once it is stale. Keys are per user; same key and same body
gives the stored response again, same key with another body is 422.

`@idempotent` is the owner of its request's transaction (app/common/transaction.py): it
commits once, the step's effects with the stored response; routes it wraps do not commit.
"""

import re
import threading
import time
from dataclasses import dataclass
from datetime import timedelta
from functools import wraps

import sqlalchemy as sa
from flask import current_app, jsonify, request
from sqlalchemy.dialects.postgresql import insert
from werkzeug.exceptions import HTTPException

from app.common import transaction
from app.common.canonical import canonical_json, sha256_hex
from app.common.models import IdempotencyKey
from app.common.requests import current_user
from app.database import utcnow
from app.errors import Conflict, DomainError, Invalid, error_body, http_error_payload
from app.extensions import db

HEADER = "Idempotency-Key"
KEY_FORMAT = re.compile(r"^[\x21-\x7e]{1,255}$")
HEADER_DOC = {
    "in": "header",
    "name": HEADER,
    "required": False,
    "schema": {"type": "string", "maxLength": 255},
    "description": "同一键同一请求体:返回首次的响应;请求体不同:422;首次仍在处理:409 / "
    "same key and body: the first response again; other body: 422; "
    "still running: 409",
}
TABLE = IdempotencyKey.__table__


@dataclass
class Claim:
    row_id: int | None = None
    replay: tuple[int, dict] | None = None


def body_sha256(doc):
    return sha256_hex(canonical_json(doc))


def request_body_sha256():
    """JSON bodies hash canonically (spacing and key order do not matter); uploads by content."""
    if request.mimetype == "multipart/form-data":
        files = {}
        for name, storage in request.files.items(multi=True):
            files[name] = sha256_hex(storage.read())
            storage.seek(0)
        return body_sha256({"form": request.form.to_dict(flat=False), "files": files})
    data = request.get_json(silent=True)
    if data is None:
        return sha256_hex(request.get_data())
    return body_sha256(data)


def check_key(key):
    if not KEY_FORMAT.match(key):
        raise Invalid(errors={HEADER: ["1-255 个可见 ASCII 字符 / 1-255 visible ASCII characters"]})


def claim(user_id, key, method, path, digest):
    """Own the key, or learn that it is done (replay), reused (422) or in progress (409)."""
    check_key(key)
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        row_id = conn.scalar(
            insert(TABLE)
            .values(
                user_id=user_id,
                key=key,
                method=method,
                path=path,
                body_sha256=digest,
                status="in_progress",
                created_at=utcnow(),
            )
            .on_conflict_do_nothing(constraint="uq_idempotency_keys_user_key")
            .returning(TABLE.c.id)
        )
        if row_id is not None:
            return Claim(row_id)
        row = conn.execute(
            sa.select(TABLE).where(TABLE.c.user_id == user_id, TABLE.c.key == key)
        ).one()
        return judge(conn, row, method, path, digest)


def judge(conn, row, method, path, digest):
    if (row.method, row.path, row.body_sha256) != (method, path, digest):
        raise Invalid(
            "此幂等键已用于另一个请求 / this Idempotency-Key was used for a different request",
            code="idempotency_key_reused",
            errors={HEADER: ["请求不同 / request differs"]},
        )
    if row.status == "done":
        return Claim(replay=(row.response_status, row.response_body))
    stale = utcnow() - timedelta(seconds=current_app.config["IDEMPOTENCY_STALE_SECONDS"])
    if row.created_at < stale and conn is not None:
        taken = conn.scalar(
            sa.update(TABLE)
            .where(
                TABLE.c.id == row.id,
                TABLE.c.status == "in_progress",
                TABLE.c.created_at == row.created_at,
            )
            .values(created_at=utcnow())
            .returning(TABLE.c.id)
        )
        if taken is not None:
            return Claim(taken)
    raise Conflict(
        "该请求仍在处理中 / a request with this Idempotency-Key is still in progress",
        code="idempotency_in_progress",
    )


def finish(row_id, status, body):
    """Store the response in the current transaction, so it commits with the step's effects."""
    db.session.execute(
        sa.update(TABLE)
        .where(TABLE.c.id == row_id)
        .values(status="done", response_status=status, response_body=body, completed_at=utcnow())
    )


def release(row_ids):
    """Forget claims whose requests failed unexpectedly, so a retry runs them again.

    When the database itself is what failed (a restart), the claim is released from a
    background thread as soon as it answers, instead of blocking retries for
    IDEMPOTENCY_STALE_SECONDS.
    """
    if not row_ids:
        return
    engine = db.engine
    try:
        _delete_claims(engine, row_ids)
    except sa.exc.OperationalError:
        threading.Thread(target=_release_later, args=(engine, row_ids), daemon=True).start()


def _delete_claims(engine, row_ids):
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(
            sa.delete(TABLE).where(TABLE.c.id.in_(row_ids), TABLE.c.status == "in_progress")
        )


def _release_later(engine, row_ids, tries=300):
    for attempt in range(tries):
        time.sleep(min(0.5 * (attempt + 1), 2.0))
        try:
            _delete_claims(engine, row_ids)
            return
        except sa.exc.OperationalError:
            continue


def error_response(exc):
    """(status, body) for a refused step, or None when the failure is unexpected (5xx)."""
    if isinstance(exc, DomainError):
        return exc.status, error_body(exc.status, exc.message, exc.errors, exc.code, **exc.extra)
    if isinstance(exc, HTTPException) and (exc.code or 500) < 500:
        body, status, _ = http_error_payload(exc)
        return status, body
    return None


def replayed(status, body):
    response = jsonify(body)
    response.status_code = status
    response.headers["Idempotent-Replayed"] = "true"
    return response


def idempotent(view=None, *, serialised=False):
    """Honour Idempotency-Key on a mutating endpoint; commits the request's work once.

    serialised=True (creating orders and complaints) holds the key's advisory lock for the
    request (`hold_key`): a retry waits for a request still running instead of a 409, and
    takes over at once a claim whose request died with its process or its database.
    """
    if view is None:
        return lambda func: idempotent(func, serialised=serialised)
    without_key = transaction.commits(view)

    @wraps(view)
    def wrapper(*args, **kwargs):
        key = request.headers.get(HEADER)
        if key is None:
            return without_key(*args, **kwargs)
        user_id = current_user().id
        if serialised:
            check_key(key)
            hold_key(user_id, key)
        try:
            result = claim(user_id, key, request.method, request.path, request_body_sha256())
        except Conflict as exc:
            if not serialised or exc.code != "idempotency_in_progress":
                raise
            result = take_over(user_id, key)  # we hold its lock: the request that claimed it died
        if result.replay:
            return replayed(*result.replay)
        return _run_claimed(view, args, kwargs, result.row_id)

    manual = wrapper.__dict__.setdefault("_apidoc", {}).setdefault("manual_doc", {})
    manual.setdefault("parameters", []).append(HEADER_DOC)
    return transaction.owns(wrapper)


def reloaded(row):
    """The row as stored, read back inside the transaction: the response is built before the
    commit yet says exactly what a later GET will (times in the database's UTC, defaults)."""
    db.session.flush()
    db.session.expire_all()
    return row


def hold_key(user_id, key):
    """Serialise requests with one key: a transaction-scoped advisory lock in the request's
    own transaction, released by its commit or rollback, or by PostgreSQL when the process
    holding it dies (a killed web worker) or the server restarts. A retry therefore waits for
    a request still running and replays its answer, and takes over a claim whose request is
    gone at once instead of after IDEMPOTENCY_STALE_SECONDS."""
    db.session.execute(
        sa.text("SELECT pg_advisory_xact_lock(hashtextextended(:k, 0))"),
        {"k": f"idempotency:{user_id}:{key}"},
    )


def take_over(user_id, key):
    row_id = db.session.scalar(
        sa.update(TABLE)
        .where(TABLE.c.user_id == user_id, TABLE.c.key == key, TABLE.c.status == "in_progress")
        .values(created_at=utcnow())
        .returning(TABLE.c.id)
    )
    if row_id is None:  # finished meanwhile: cannot be, we hold the lock; be safe anyway
        raise Conflict(
            "该请求仍在处理中 / a request with this Idempotency-Key is still in progress",
            code="idempotency_in_progress",
        )
    return Claim(row_id)


def _run_claimed(view, args, kwargs, row_id):
    try:
        response = view(*args, **kwargs)
        finish(row_id, response.status_code, response.get_json())
        transaction.commit()
        return response
    except Exception as exc:
        transaction.rollback()
        refused = error_response(exc)
        if refused is None:
            release([row_id])
            raise
        finish(row_id, *refused)  # the refusal is the key's answer: stored, nothing else
        transaction.commit()
        return jsonify(refused[1]), refused[0]
