"""Before saving: the zone, team and deadline an order would get, and possible duplicates;
the maps as GeoJSON."""

from datetime import datetime, timedelta

import sqlalchemy as sa

from app.database import point_wkt, utcnow
from app.extensions import db
from app.workorders.models import WorkOrder, WorkOrderEvent

NEAR = (121.1610, 36.7700)  # about 90 m east of the centre
FAR = (121.1700, 36.7700)  # about 900 m east


def preview(client, headers, **args):
    return client.get("/api/desk/preview", query_string=args, headers=headers)


def count(model):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_preview_gives_zone_team_and_deadline_and_writes_nothing(client, make):
    team = make.team(name="城区维修一班")
    zone = make.zone(team)
    headers = make.headers(make.user("hotline_agent"))
    before = count(WorkOrder), count(WorkOrderEvent)
    resp = preview(client, headers, type="general_repair", lat=36.77, lon=121.16)
    assert resp.status_code == 200, resp.json
    body = resp.json
    assert body["zone"]["id"] == zone.id and body["team"]["name"] == "城区维修一班"
    assert body["unrouted"] is False and body["is_emergency"] is False
    assert body["deadline_rule"].startswith("受理日后第3个工作日")
    # the same answer the real order gets
    order = make.work_order(at=(121.16, 36.77))
    assert order.deadline_at == datetime.fromisoformat(body["deadline_at"])
    assert count(WorkOrder) == before[0] + 1


def test_preview_uses_the_customers_stored_point_and_flags_unrouted(client, make):
    make.zone()
    headers = make.headers(make.user("hotline_agent"))
    inside = make.customer(account_no="HY-IN")
    outside = make.customer(account_no="HY-OUT", at=(110.0, 30.0))
    assert preview(client, headers, type="general_repair", account_no="HY-IN").json["location"] == {
        "lon": 121.16,
        "lat": 36.77,
    }
    assert inside.id
    body = preview(client, headers, type="emergency_repair", account_no="HY-OUT").json
    assert body["unrouted"] is True and body["zone"] is None and body["team"] is None
    assert body["is_emergency"] is True and "30分钟" in body["deadline_rule"]
    assert outside.id


def test_possible_duplicates_same_customer_or_same_type_within_200_m(client, make):
    make.zone()
    headers = make.headers(make.user("hotline_agent"))
    make.customer(account_no="HY-DUP")
    mine = make.work_order(account_no="HY-DUP", type="meter_replacement", at=None)
    near = make.work_order(at=NEAR)
    make.work_order(at=FAR)  # same type, too far
    make.work_order(at=NEAR, type="water_quality_check")  # near, other type
    body = preview(
        client, headers, type="general_repair", account_no="HY-DUP", lat=36.77, lon=121.16
    ).json
    found = {d["order"]["id"]: d for d in body["duplicates"]}
    assert set(found) == {mine.id, near.id}
    assert found[mine.id]["reason"] == "same_customer"
    assert found[near.id]["reason"] == "nearby_same_type"
    assert 80 < found[near.id]["distance_m"] < 100


def test_closed_orders_are_not_duplicates(client, make):
    make.zone()
    headers = make.headers(make.user("hotline_agent"))
    order = make.work_order(at=NEAR)
    order.status = "cancelled"
    db.session.commit()
    body = preview(client, headers, type="general_repair", lat=36.77, lon=121.16).json
    assert body["duplicates"] == []


def test_preview_rejects_bad_input(client, make):
    headers = make.headers(make.user("hotline_agent"))
    cases = [
        ({"type": "teleport"}, "type"),
        ({"type": "general_repair", "lat": 36.7}, "lat"),
        ({"type": "general_repair", "lat": 95, "lon": 121}, "lat"),
        ({"type": "general_repair", "account_no": "NOPE"}, "account_no"),
    ]
    for args, field in cases:
        resp = preview(client, headers, **args)
        assert resp.status_code == 422 and field in resp.json["errors"], (args, resp.json)
    tech = make.technician()
    assert preview(client, make.headers(tech.user), type="general_repair").status_code == 403


def test_zone_map_is_geojson_with_the_team(client, make):
    team = make.team(name="城区维修一班")
    zone = make.zone(team, code="CQ01")
    headers = make.headers(make.user("hotline_agent"))
    body = client.get("/api/map/zones", headers=headers).json
    assert body["type"] == "FeatureCollection"
    (feature,) = body["features"]
    assert feature["id"] == zone.id and feature["geometry"]["type"] == "MultiPolygon"
    assert feature["properties"]["team_name"] == "城区维修一班"
    assert feature["geometry"]["coordinates"][0][0][0] == [121.1, 36.72]


def test_technician_map_shows_last_position_or_base_and_staleness(client, make):
    team = make.team()
    fresh = make.technician(team=team, name="张师傅")
    fresh.last_position, fresh.last_position_at = point_wkt(121.15, 36.75), utcnow()
    old = make.technician(team=team, name="李师傅", at=(121.2, 36.8))
    old.last_position_at = utcnow() - timedelta(hours=5)
    db.session.commit()
    dispatcher = make.headers(make.user("dispatcher"))
    features = client.get("/api/map/technicians", headers=dispatcher).json["features"]
    by_name = {f["properties"]["name"]: f for f in features}
    assert by_name["张师傅"]["geometry"]["coordinates"] == [121.15, 36.75]
    assert by_name["张师傅"]["properties"]["position_source"] == "gps"
    assert by_name["张师傅"]["properties"]["stale"] is False
    assert by_name["李师傅"]["geometry"]["coordinates"] == [121.2, 36.8]
    assert by_name["李师傅"]["properties"]["position_source"] == "base"
    assert by_name["李师傅"]["properties"]["stale"] is True
    agent = make.headers(make.user("hotline_agent"))
    assert client.get("/api/map/technicians", headers=agent).status_code == 403


def test_order_map_lists_open_orders_with_deadline_state(client, make):
    make.zone()
    order = make.work_order()
    make.work_order(type="emergency_repair", at=(110.0, 30.0))
    dispatcher = make.headers(make.user("dispatcher"))
    features = client.get("/api/map/orders", headers=dispatcher).json["features"]
    by_id = {f["id"]: f["properties"] for f in features}
    assert by_id[order.id]["sla_state"] == "on_track" and by_id[order.id]["unrouted"] is False
    emergency = [p for p in by_id.values() if p["is_emergency"]]
    assert emergency[0]["unrouted"] is True and emergency[0]["status_label"] == "待派单"


def test_order_types_for_the_form_put_emergencies_first(client, make):
    headers = make.headers(make.user("hotline_agent"))
    types = client.get("/api/desk/order-types", headers=headers).json
    assert types[0] == {
        "code": "emergency_repair",
        "name_zh": "抢修",
        "name_en": "Emergency repair",
        "is_emergency": True,
    }
    assert "general_repair" in [t["code"] for t in types]


def test_departments_for_the_complaint_form(client, make):
    make.team(code="SZ", name="水质管理部", kind="department")
    make.team(code="F1", name="维修一班")
    headers = make.headers(make.user("hotline_agent"))
    body = client.get("/api/desk/departments", headers=headers).json
    assert [d["name"] for d in body] == ["水质管理部"]
