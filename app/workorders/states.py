"""The work-order state machine: one table, asked by routes, services and jobs alike."""

from app.errors import Conflict

STATUSES = (
    "new",
    "assigned",
    "accepted",
    "scheduled",
    "en_route",
    "on_site",
    "completed",
    "closed",
    "cancelled",
)
OPEN_STATUSES = STATUSES[:6]
ACTIVE_STATUSES = ("assigned", "accepted", "scheduled", "en_route", "on_site")

# (status, action) -> new status
TRANSITIONS = {
    ("new", "assign"): "assigned",
    ("assigned", "accept"): "accepted",
    ("assigned", "decline"): "new",
    ("accepted", "schedule"): "scheduled",
    ("scheduled", "schedule"): "scheduled",  # a rescheduled appointment
    ("accepted", "depart"): "en_route",
    ("scheduled", "depart"): "en_route",
    ("en_route", "arrive"): "on_site",
    ("on_site", "complete"): "completed",
    ("completed", "close"): "closed",
}
for _status in ("assigned", "accepted", "scheduled", "en_route"):
    TRANSITIONS[(_status, "reassign")] = "assigned"
    TRANSITIONS[(_status, "unassign")] = "new"  # back to the queue (pre-emption, decline)
for _status in OPEN_STATUSES:
    TRANSITIONS[(_status, "cancel")] = "cancelled"

LABELS_ZH = {
    "new": "待派单",
    "assigned": "已派单",
    "accepted": "已接单",
    "scheduled": "已预约",
    "en_route": "在途",
    "on_site": "已到场",
    "completed": "已完工",
    "closed": "已关闭",
    "cancelled": "已取消",
}


def allowed_actions(status):
    return sorted(action for (state, action) in TRANSITIONS if state == status)


def next_status(status, action):
    """The status after `action`, or 409 naming what is allowed from here."""
    try:
        return TRANSITIONS[(status, action)]
    except KeyError:
        allowed = allowed_actions(status)
        raise Conflict(
            f"工单状态为「{LABELS_ZH.get(status, status)}」,不能执行 {action} / "
            f"'{action}' is not allowed from status '{status}'",
            code="illegal_transition",
            status=status,
            allowed=allowed,
        ) from None
