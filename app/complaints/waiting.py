"""What a complaint waits for, in words a screen shows: its next clock, its worst deadline
state, and for a sensitive one where its reply stands (分管领导, 总经理; R4.5)."""

from app.auth.models import User
from app.complaints import rules
from app.extensions import db


def running_clocks(complaint):
    return [clock for clock in complaint.clocks if clock.stopped_at is None]


def next_clock(complaint):
    clocks = running_clocks(complaint)
    return min(clocks, key=lambda clock: clock.due_at) if clocks else None


def deadline_state(complaint, now):
    """The worst stage among the running clocks (breached > warning > running), or none."""
    stages = {rules.clock_stage(now, c.warn_at, c.due_at) for c in running_clocks(complaint)}
    for stage in ("breached", "warning", "running"):
        if stage in stages:
            return stage
    return "none"


def _leader_name(user_id):
    user = db.session.get(User, user_id) if user_id else None
    return user.display_name if user else None


def waiting_for(complaint):
    """None for an ordinary complaint; for a sensitive one, who holds its reply now."""
    if not complaint.sensitive or complaint.status in ("closed", "pending_handoff"):
        return None
    latest = complaint.replies[-1] if complaint.replies else None
    if latest is None or complaint.status == "resolved" and latest.status == "sent":
        return None if complaint.status == "resolved" else "待部门起草答复"
    if latest.status == "draft":
        return "答复草稿待提交分管领导"
    if latest.status == "submitted":
        leader = _leader_name(latest.leader_in_charge_id)
        return f"待分管领导{leader}阅、总经理批示" if leader else "待总经理批示"
    if latest.status == "approved":
        return "总经理已批准,待发出答复"
    if latest.status == "rejected":
        return "总经理退回,待重新起草"
    return "答复已发出,待部门办结"


def accepted_event(complaint):
    """The department lead's sign-for (签收) event, or None."""
    return next((e for e in reversed(complaint.events) if e.kind == "accepted"), None)
