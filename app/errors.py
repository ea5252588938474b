"""Domain errors and the one JSON error shape: {"code", "message", "errors"}."""

import logging

from flask import jsonify
from sqlalchemy.exc import DataError, IntegrityError
from werkzeug.exceptions import HTTPException, InternalServerError

log = logging.getLogger(__name__)

CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    412: "precondition_failed",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    428: "precondition_required",
    429: "too_many_requests",
    500: "internal_error",
}

MESSAGES = {
    400: "请求格式错误 / Malformed request",
    401: "请先登录 / Authentication required",
    403: "无权执行此操作 / Not allowed for your role",
    404: "未找到 / Not found",
    405: "不支持的请求方法 / Method not allowed",
    409: "状态冲突 / Conflict with the current state",
    413: "请求体过大 / Request body too large",
    415: "不支持的内容类型 / Unsupported media type",
    422: "输入有误 / Invalid input",
    429: "请求过于频繁,请稍后再试 / Too many attempts, try again later",
    500: "服务器内部错误 / Internal server error",
}


class DomainError(Exception):
    status = 400
    code = None

    def __init__(self, message=None, errors=None, code=None, **extra):
        super().__init__(message or MESSAGES.get(self.status, ""))
        self.message = message or MESSAGES.get(self.status, "")
        self.errors = errors or {}
        self.code = code or self.code or CODES[self.status]
        self.extra = extra


class Unauthorized(DomainError):
    status = 401


class Forbidden(DomainError):
    status = 403


class NotFound(DomainError):
    status = 404


class Conflict(DomainError):
    status = 409


class Invalid(DomainError):
    status = 422


class TooManyRequests(DomainError):
    status = 429


INTEGRITY_CODE = "conflict"
INTEGRITY_MESSAGE = (
    "与已有记录冲突,请刷新后重试 / Conflicts with a concurrent change; reload and retry"
)


def error_body(http_status, message=None, errors=None, code=None, /, **extra):
    body = {
        "code": code or CODES.get(http_status, "error"),
        "message": message or MESSAGES.get(http_status, ""),
        "errors": errors or {},
    }
    body.update(extra)
    return body


def _flatten_webargs(messages):
    """webargs nests field errors by location ({"json": {...}}); keep the fields."""
    if not isinstance(messages, dict):
        return {"_schema": messages}
    flat = {}
    for location, fields in messages.items():
        if isinstance(fields, dict):
            flat.update(fields)
        else:
            flat[location] = fields
    return flat


def http_error_payload(error):
    data = getattr(error, "data", None) or {}
    errors = data.get("errors") or _flatten_webargs(data.get("messages") or {})
    message = data.get("message")
    if message is None and error.code == 400 and error.description != type(error).description:
        message = error.description  # a reason given where it was raised, not werkzeug's default
    status = error.code or 500
    return error_body(status, message, errors), status, data.get("headers", {})


def _rollback(db):
    """A refused request changes nothing, even if a service flushed before it failed."""
    try:
        db.session.rollback()
    except Exception:  # the connection itself may be gone; the session is discarded anyway
        log.exception("rollback after an error failed")


def register_error_handlers(app, db):
    """The one error envelope for every status; `db` (app.extensions) is rolled back first."""

    @app.errorhandler(DomainError)
    def domain_error(exc):
        _rollback(db)
        return jsonify(
            error_body(exc.status, exc.message, exc.errors, exc.code, **exc.extra)
        ), exc.status

    @app.errorhandler(HTTPException)
    def http_error(exc):
        _rollback(db)
        body, status, headers = http_error_payload(exc)
        return jsonify(body), status, headers

    @app.errorhandler(DataError)
    def unrepresentable(exc):
        _rollback(db)
        # A value PostgreSQL cannot hold (an integer out of range, say) is bad input, not a
        # server fault; the transaction is rolled back, so nothing changed.
        log.info("data error: %s", exc.orig)
        body = error_body(422, "数值超出范围或格式无效 / A value is out of range or malformed")
        return jsonify(body), 422

    @app.errorhandler(IntegrityError)
    def integrity(exc):
        _rollback(db)
        # Two requests raced past a check to the same unique row (or a row they refer to went
        # away meanwhile): the database refused the loser, which is a conflict, not a fault.
        log.info("integrity error: %s", exc.orig)
        return jsonify(error_body(409, INTEGRITY_MESSAGE, code=INTEGRITY_CODE)), 409

    @app.errorhandler(Exception)
    def unexpected(exc):
        _rollback(db)
        log.exception("unhandled error")
        body, status, _ = http_error_payload(InternalServerError())
        return jsonify(body), status
