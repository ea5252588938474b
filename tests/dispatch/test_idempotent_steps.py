"""Accept, decline and position pings honour Idempotency-Key like every phone step."""

import sqlalchemy as sa

from app.dispatch import services as dispatch
from app.extensions import db
from app.workorders.models import WorkOrderEvent


def assigned(make):
    zone = make.zone()
    tech = make.technician(team=zone.team)
    order = make.work_order()
    dispatch.assign(order, tech, make.user("dispatcher"), reason="派单")
    db.session.commit()
    return tech, order


def count(order_id, kind):
    return db.session.scalar(
        sa.select(sa.func.count(WorkOrderEvent.id)).where(
            WorkOrderEvent.work_order_id == order_id, WorkOrderEvent.kind == kind
        )
    )


def test_a_retried_accept_is_applied_once_and_answered_the_same(client, make):
    tech, order = assigned(make)
    headers = {**make.headers(tech.user), "Idempotency-Key": "accept-1"}
    first = client.post(f"/api/workorders/{order.id}/accept", headers=headers)
    again = client.post(f"/api/workorders/{order.id}/accept", headers=headers)
    assert first.status_code == again.status_code == 200
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert again.json == first.json
    assert count(order.id, "accept") == 1


def test_the_same_key_with_another_body_is_422(client, make):
    tech, order = assigned(make)
    headers = {**make.headers(tech.user), "Idempotency-Key": "decline-1"}
    first = client.post(
        f"/api/workorders/{order.id}/decline", headers=headers, json={"reason": "车辆故障"}
    )
    other = client.post(
        f"/api/workorders/{order.id}/decline", headers=headers, json={"reason": "另一个理由"}
    )
    assert first.status_code == 200 and other.status_code == 422
    assert count(order.id, "decline") == 1
