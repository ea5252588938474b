"""The emergency offer by SMS when the live stream did not deliver it (R2.4, issue 11)."""

import sqlalchemy as sa

from app.extensions import db
from app.jobs import queue, run
from app.notifications.models import Notification
from app.workorders.models import WorkOrderEvent
from tests.dispatch.kit import office_closed  # noqa: F401
from tests.messaging.kit import delivered, messages

CHECK = "app.messaging.jobs.emergency_offer_check"
TECH_PHONE = "13700000007"


def emergency_assigned(make, run_jobs, app):
    """An on-call technician with the app closed gets an emergency; the check is due later."""
    zone = make.zone()
    tech = make.technician(team=zone.team, skills=("emergency",), on_call=True, phone=TECH_PHONE)
    ids = (tech.id, tech.user_id)
    order_id = make.work_order(type="emergency_repair", description="主管爆裂").id
    run_jobs()
    return order_id, *ids


def check(run_jobs, order_id, tech_id):
    queue("default").enqueue(run, CHECK, order_id, tech_id)
    run_jobs()


def sms_events(order_id):
    return db.session.scalars(
        sa.select(WorkOrderEvent).where(
            WorkOrderEvent.work_order_id == order_id, WorkOrderEvent.kind == "emergency_offer_sms"
        )
    ).all()


def test_not_delivered_live_goes_by_sms_once_and_the_order_records_it(
    app,
    make,
    run_jobs,
    office_closed,  # noqa: F811
):
    order_id, tech_id, _ = emergency_assigned(make, run_jobs, app)
    check(run_jobs, order_id, tech_id)
    check(run_jobs, order_id, tech_id)  # a duplicate check sends nothing more
    [sms] = delivered(TECH_PHONE)
    assert sms.text.startswith("【海阳自来水】抢修派单:工单WO") and "/m/" in sms.text
    [message] = messages(kind="emergency_offer")
    assert message.work_order_id == order_id and message.attempt_rows[0].ok
    [event] = sms_events(order_id)
    assert event.payload["technician_id"] == tech_id


def test_delivered_live_or_answered_sends_nothing(app, make, run_jobs, office_closed):  # noqa: F811
    order_id, tech_id, user_id = emergency_assigned(make, run_jobs, app)
    note = db.session.scalar(
        sa.select(Notification).where(
            Notification.recipient_id == user_id, Notification.kind == "emergency_assignment"
        )
    )
    note.delivered_at = sa.func.now()
    db.session.commit()
    check(run_jobs, order_id, tech_id)
    assert delivered(TECH_PHONE) == [] and sms_events(order_id) == []


def test_the_check_is_asked_for_through_the_outbox_with_the_configured_delay(
    app,
    make,
    run_jobs,
    office_closed,  # noqa: F811
):
    from app.outbox import OutboxMessage

    app.config["EMERGENCY_SMS_AFTER_SECONDS"] = 45
    try:
        order_id, tech_id, _ = emergency_assigned(make, run_jobs, app)
    finally:
        app.config["EMERGENCY_SMS_AFTER_SECONDS"] = 60
    [row] = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.job == CHECK)).all()
    assert row.args == [order_id, tech_id] and row.delay_seconds == 45
