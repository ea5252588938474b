"""Water outage rules with no database (SPEC R8; 城市供水条例 art. 22 and provincial texts).

Planned works are announced at least 24 hours ahead; a shorter notice needs a lead's
recorded approval and reason. An interruption beyond 24 hours needs emergency water.
"""

from datetime import timedelta

from app.auth.roles import MANAGEMENT

APPROVERS = MANAGEMENT  # who may approve a planned outage on short notice

KINDS = ("planned", "emergency")
STATUSES = ("announced", "restored", "cancelled")
NOTICE = timedelta(hours=24)
EMERGENCY_WATER_AFTER = timedelta(hours=24)
KIND_LABELS_ZH = {"planned": "计划停水", "emergency": "抢修停水"}
STATUS_LABELS_ZH = {"announced": "已通告", "restored": "已恢复供水", "cancelled": "已取消"}


def short_notice_refusal(kind, declared_at, start_at, approval):
    """Why a planned outage may not be declared like this, or None (art. 22: 24 h ahead)."""
    if kind != "planned" or start_at - declared_at >= NOTICE:
        return None
    if approval and approval.get("reason", "").strip() and approval.get("role") in APPROVERS:
        return None
    return (
        "计划停水须提前24小时通知;不足24小时须由主管领导批准并写明原因 / "
        "planned outages need 24 h notice unless a lead records approval and reason"
    )


def times_refusal(start_at, expected_end_at):
    if expected_end_at <= start_at:
        return "预计恢复时间须晚于停水开始时间 / expected restoration must follow the start"
    return None


def needs_emergency_water(start_at, restored_at, now):
    """Still dry more than 24 hours after the start."""
    return restored_at is None and now - start_at > EMERGENCY_WATER_AFTER
