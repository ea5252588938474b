from flask import request
from flask.views import MethodView

from app.auth import tokens
from app.auth.models import User
from app.auth.permissions import current_user
from app.errors import Unauthorized
from app.extensions import Blueprint, db
from app.notifications import queries, stream
from app.notifications.schemas import (
    MarkReadResultSchema,
    MarkReadSchema,
    NotificationPageSchema,
    NotificationQueryArgsSchema,
    NotificationSchema,
)

blp = Blueprint(
    "notifications",
    __name__,
    url_prefix="/api",
    description="通知与实时事件 / Notifications and live events",
)


@blp.route("/notifications")
class NotificationViews(MethodView):
    @blp.auth()
    @blp.arguments(NotificationQueryArgsSchema, location="query")
    @blp.response(200, NotificationPageSchema)
    def get(self, args):
        """My notifications, newest first, with the unread count"""
        return queries.page(current_user().id, args)


@blp.route("/notifications/<int:notification_id>/read")
class NotificationReadViews(MethodView):
    @blp.auth()
    @blp.response(200, NotificationSchema)
    def post(self, notification_id):
        """Mark one of my notifications read"""
        note = queries.mark_one(current_user().id, notification_id)
        db.session.commit()
        return note


@blp.route("/notifications/read")
class NotificationBulkReadViews(MethodView):
    @blp.auth()
    @blp.arguments(MarkReadSchema)
    @blp.response(200, MarkReadResultSchema)
    def post(self, body):
        """Mark several of my notifications read (by ids, or all up to an id)"""
        user_id = current_user().id
        updated = queries.mark_many(user_id, body.get("ids"), body.get("up_to_id"))
        db.session.commit()
        return {"updated": updated, "unread": queries.unread_count(user_id)}


def _stream_user():
    """Bearer header, or ?access_token= (EventSource cannot send headers); this endpoint only."""
    header = request.headers.get("Authorization", "")
    token = header[len("Bearer ") :].strip() if header.startswith("Bearer ") else None
    token = token or request.args.get("access_token")
    if not token:
        raise Unauthorized()
    user = db.session.get(User, int(tokens.read(token, "access")["sub"]))
    if user is None or not user.active:
        raise Unauthorized()
    return user


def _last_event_id():
    raw = request.headers.get("Last-Event-ID") or request.args.get("last_event_id")
    return int(raw) if raw and raw.isdigit() else None


@blp.route("/events/stream")
class EventStreamViews(MethodView):
    @blp.doc(
        security=[{"bearerAuth": []}],
        description="Server-Sent Events (text/event-stream). Auth: bearer header, or "
        "`?access_token=` for EventSource. Replays unread notifications newer than "
        "Last-Event-ID, then live ones; `: heartbeat` comments every ~15 s.",
        parameters=[{"in": "query", "name": "access_token", "schema": {"type": "string"}}],
        responses={
            "200": {
                "description": "event stream",
                "content": {"text/event-stream": {"schema": {"type": "string"}}},
            }
        },
    )
    def get(self):
        """My live event stream (SSE): assignments, escalations, SLA alerts"""
        return stream.response(_stream_user().id, _last_event_id())
