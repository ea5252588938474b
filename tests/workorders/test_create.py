import re

import sqlalchemy as sa

from app.extensions import db
from app.workorders.models import WorkOrder, WorkOrderEvent


def count(model):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_agent_opens_an_order_that_is_numbered_zoned_and_given_a_deadline(client, make):
    zone = make.zone()
    agent = make.user("hotline_agent")
    resp = client.post(
        "/api/workorders",
        headers=make.headers(agent),
        json={
            "type": "general_repair",
            "channel": "hotline",
            "caller_name": "李女士",
            "caller_phone": "13812345678",
            "address": "海阳市方圆街道海港路8号",
            "location": {"lat": 36.77, "lon": 121.16},
            "description": "厨房水管漏水",
        },
    )
    assert resp.status_code == 201, resp.json
    body = resp.json
    assert re.fullmatch(r"WO\d{8}0001", body["number"])
    assert body["zone"]["id"] == zone.id and body["unrouted"] is False
    assert body["status"] == "new" and body["first_contact_user_id"] == agent.id
    assert body["deadline_rule"].startswith("受理日后第3个工作日")
    assert [e["kind"] for e in body["timeline"]] == ["created"]


def test_point_outside_every_zone_is_unrouted_not_dropped(client, make):
    make.zone()
    agent = make.user("hotline_agent")
    resp = client.post(
        "/api/workorders",
        headers=make.headers(agent),
        json={
            "type": "general_repair",
            "channel": "walk_in",
            "caller_name": "王",
            "caller_phone": "13800000000",
            "address": "外地",
            "location": {"lat": 30.0, "lon": 110.0},
        },
    )
    assert resp.status_code == 201
    assert resp.json["unrouted"] is True and resp.json["zone"] is None
    assert "unrouted" in [e["kind"] for e in resp.json["timeline"]]


def test_bad_input_gets_one_error_shape_and_changes_nothing(client, make):
    agent = make.user("hotline_agent")
    headers = make.headers(agent)
    before = count(WorkOrder), count(WorkOrderEvent)
    cases = [
        (
            {
                "type": "general_repair",
                "channel": "fax",
                "address": "x",
                "caller_name": "a",
                "caller_phone": "13800000000",
            },
            "channel",
        ),
        (
            {
                "type": "general_repair",
                "channel": "hotline",
                "address": "x",
                "caller_name": "a",
                "caller_phone": "13800000000",
                "location": {"lat": 91, "lon": 121},
            },
            "location",
        ),
        (
            {
                "type": "teleport",
                "channel": "hotline",
                "address": "x",
                "caller_name": "a",
                "caller_phone": "13800000000",
            },
            "type",
        ),
        ({"type": "general_repair", "channel": "hotline", "account_no": "NOPE"}, "account_no"),
        (
            {
                "type": "general_repair",
                "channel": "hotline",
                "address": "x",
                "caller_name": "a",
                "caller_phone": "13800000000",
                "surprise": 1,
            },
            "surprise",
        ),
    ]
    for payload, field in cases:
        resp = client.post("/api/workorders", headers=headers, json=payload)
        assert resp.status_code == 422, (payload, resp.json)
        assert resp.json["code"] == "validation_error"
        assert field in resp.json["errors"], resp.json
    resp = client.post(
        "/api/workorders", headers={**headers, "Content-Type": "application/json"}, data="{not json"
    )
    assert resp.status_code == 400 and set(resp.json) >= {"code", "message", "errors"}
    resp = client.post("/api/workorders", headers=headers, json={"description": "x" * (2 << 20)})
    assert resp.status_code == 413 and resp.json["code"] == "payload_too_large"
    assert (count(WorkOrder), count(WorkOrderEvent)) == before


def test_roles_are_enforced(client, make):
    tech = make.technician()
    resp = client.post("/api/workorders", headers=make.headers(tech.user), json={})
    assert resp.status_code == 403 and resp.json["code"] == "forbidden"
    assert client.get("/api/workorders").status_code == 401


def test_technician_sees_only_own_orders(client, make):
    tech = make.technician()
    other = make.work_order()
    resp = client.get(f"/api/workorders/{other.id}", headers=make.headers(tech.user))
    assert resp.status_code == 404
    listing = client.get("/api/workorders", headers=make.headers(tech.user)).json
    assert listing["total"] == 0


def test_phone_masked_for_roles_that_do_not_need_it(client, make):
    order = make.work_order(caller_phone="13812345678")
    gm = make.user("general_manager")
    agent = make.user("hotline_agent")
    assert (
        client.get(f"/api/workorders/{order.id}", headers=make.headers(gm)).json["caller_phone"]
        == "138****5678"
    )
    assert (
        client.get(f"/api/workorders/{order.id}", headers=make.headers(agent)).json["caller_phone"]
        == "13812345678"
    )


def test_order_for_a_customer_not_yet_flushed_takes_the_customers_point(make):
    from app.customers.models import Customer
    from app.database import point_wkt
    from app.extensions import db
    from app.workorders.services import create_work_order

    zone = make.zone()
    customer = Customer(
        account_no="HY99",
        name="新用户",
        phone="13800009999",
        address="海阳市方圆街道",
        location=point_wkt(121.16, 36.77),
    )
    db.session.add(customer)
    order = create_work_order(
        {"type": "general_repair", "channel": "hotline", "account_no": "HY99"},
        make.user("hotline_agent"),
    )
    assert order.zone_id == zone.id and order.caller_phone == "13800009999"


def test_malformed_json_is_explained_in_our_words(client, make):
    headers = {**make.headers(make.user("hotline_agent")), "Content-Type": "application/json"}
    resp = client.post("/api/workorders", headers=headers, data="{not json")
    assert resp.status_code == 400 and resp.json["code"] == "bad_request"
    assert resp.json["message"].startswith("请求格式错误")
    assert resp.json["errors"] == {"json": ["Invalid JSON body."]}
