"""Promises coming due (容缺受理): remind the agent who accepted, once per due date."""

from app.desk import deferrals
from app.notifications.services import notify

REMIND_DAYS = 3
PERIODIC = [("app.desk.jobs.remind_due_deferrals", "low", "DEFERRAL_REMINDER_SECONDS")]


def remind_due_deferrals():
    """Idempotent: the dedupe key is the deferral and its due date."""
    due = deferrals.listing(due_within_days=REMIND_DAYS)
    for acceptance in due:
        missing = [item.name for item in acceptance.items if item.supplied_at is None]
        notify(
            [acceptance.created_by_id],
            "deferral_due",
            {
                "deferral_id": acceptance.id,
                "number": acceptance.number,
                "applicant_name": acceptance.applicant_name,
                "due_on": acceptance.due_on.isoformat(),
                "overdue": acceptance.overdue,
                "missing": missing,
                "message": f"容缺受理{acceptance.number}的补齐期限为{acceptance.due_on:%Y-%m-%d},"
                f"尚缺{len(missing)}项材料",
            },
            dedupe_key=f"deferral-due:{acceptance.id}:{acceptance.due_on.isoformat()}",
        )
    return len(due)
