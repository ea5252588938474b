"""The state machine as a plain table, and its 409 over HTTP."""

import pytest

from app.errors import Conflict
from app.workorders import states


def test_the_happy_path_walks_every_status_in_order():
    status = "new"
    for action in ("assign", "accept", "schedule", "depart", "arrive", "complete", "close"):
        status = states.next_status(status, action)
    assert status == "closed"


@pytest.mark.parametrize("status", states.OPEN_STATUSES)
def test_every_open_order_can_be_cancelled(status):
    assert states.next_status(status, "cancel") == "cancelled"


def test_illegal_transition_names_the_allowed_ones():
    with pytest.raises(Conflict) as err:
        states.next_status("new", "complete")
    assert err.value.extra["allowed"] == ["assign", "cancel"]
    assert err.value.code == "illegal_transition"


def test_closed_and_cancelled_orders_are_final():
    assert states.allowed_actions("closed") == []
    assert states.allowed_actions("cancelled") == []


def test_cancel_twice_is_409_with_allowed_actions(client, make):
    order = make.work_order()
    agent = make.user("hotline_agent")
    url = f"/api/workorders/{order.id}/cancel"
    first = client.post(url, headers=make.headers(agent), json={"reason": "用户已自行修好"})
    assert first.status_code == 200 and first.json["status"] == "cancelled"
    assert first.json["cancel_reason"] == "用户已自行修好"
    second = client.post(url, headers=make.headers(agent), json={"reason": "再次取消"})
    assert second.status_code == 409
    assert second.json["code"] == "illegal_transition" and second.json["allowed"] == []
    kinds = [e["kind"] for e in first.json["timeline"]]
    assert kinds[0] == "created" and kinds[-1] == "cancel" and kinds.count("cancel") == 1


def test_cancel_needs_a_reason(client, make):
    order = make.work_order()
    agent = make.user("hotline_agent")
    resp = client.post(f"/api/workorders/{order.id}/cancel", headers=make.headers(agent), json={})
    assert resp.status_code == 422 and "reason" in resp.json["errors"]
