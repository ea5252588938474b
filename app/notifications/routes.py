from flask.views import MethodView

from app.auth.permissions import current_user
from app.common.transaction import commits
from app.extensions import Blueprint
from app.notifications import queries, tickets
from app.notifications.schemas import (
    MarkReadResultSchema,
    MarkReadSchema,
    NotificationPageSchema,
    NotificationQueryArgsSchema,
    NotificationSchema,
    StreamTicketSchema,
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
    @commits
    def post(self, notification_id):
        """Mark one of my notifications read"""
        note = queries.mark_one(current_user().id, notification_id)
        return note


@blp.route("/notifications/read")
class NotificationBulkReadViews(MethodView):
    @blp.auth()
    @blp.arguments(MarkReadSchema)
    @blp.response(200, MarkReadResultSchema)
    @commits
    def post(self, body):
        """Mark several of my notifications read (by ids, or all up to an id)"""
        user_id = current_user().id
        updated = queries.mark_many(user_id, body.get("ids"), body.get("up_to_id"))
        return {"updated": updated, "unread": queries.unread_count(user_id)}


@blp.route("/events/ticket")
class EventTicketViews(MethodView):
    @blp.auth()
    @blp.response(201, StreamTicketSchema)
    @blp.alt_response(503, description="Redis is down: poll /api/notifications meanwhile")
    @commits
    def post(self):
        """A 60-second, single-use ticket that opens my live stream (and nothing else)"""
        return tickets.issue(current_user().id)


@blp.route("/events/stream")
class EventStreamViews(MethodView):
    @blp.doc(
        description="Server-Sent Events (text/event-stream), served by the live server "
        "(`python -m app.live`), not by a request thread. Open it with `?ticket=` from "
        "`POST /api/events/ticket` (EventSource cannot send headers); programs may send a "
        "bearer header instead. An access token in the URL is refused (401 token_in_url). "
        "After `Last-Event-ID` (header, or `?last_event_id=`) it replays what was missed, "
        "oldest first; past LIVE_REPLAY_MAX an `event: gap` says to refetch. The stream ends "
        "with `event: bye` and a reason: `lifetime` (reconnect), `replaced` (a newer stream "
        "of the same user took its place), `unavailable` (Redis is down: poll "
        "/api/notifications). 401 bad ticket, 429 too many streams from one address, 503 "
        "live channel unavailable. `: heartbeat` comments every SSE_HEARTBEAT_SECONDS.",
        parameters=[
            {"in": "query", "name": "ticket", "schema": {"type": "string"}},
            {"in": "query", "name": "last_event_id", "schema": {"type": "integer"}},
        ],
        responses={
            "200": {
                "description": "event stream",
                "content": {"text/event-stream": {"schema": {"type": "string"}}},
            }
        },
    )
    def get(self):
        """My live event stream (SSE): assignments, escalations, SLA alerts"""
        # Reached only when the Flask app runs without the live server in front of it.
        raise tickets.LiveUnavailable()
