from datetime import timedelta

from app.database import utcnow


def test_filters_paging_and_total(client, make):
    zone = make.zone()
    agent = make.user("hotline_agent")
    for i in range(7):
        make.work_order(by=agent, address=f"海阳市方圆街道{i}号", caller_phone=f"1391111000{i}")
    make.work_order(by=agent, type="meter_replacement", at=(110.0, 30.0), address="外地")
    headers = make.headers(agent)

    page = client.get("/api/workorders?per_page=3&page=2", headers=headers).json
    assert page["total"] == 8 and len(page["items"]) == 3 and page["page"] == 2

    assert client.get("/api/workorders?type=meter_replacement", headers=headers).json["total"] == 1
    assert client.get(f"/api/workorders?zone_id={zone.id}", headers=headers).json["total"] == 7
    assert client.get("/api/workorders?unrouted=true", headers=headers).json["total"] == 1
    assert client.get("/api/workorders?q=方圆街道3", headers=headers).json["total"] == 1
    assert client.get("/api/workorders?q=13911110005", headers=headers).json["total"] == 1
    assert (
        client.get("/api/workorders?status=new&status=assigned", headers=headers).json["total"] == 8
    )
    assert client.get("/api/workorders?sla_state=breached", headers=headers).json["total"] == 0
    assert client.get("/api/workorders?sla_state=on_track", headers=headers).json["total"] == 8
    since = (utcnow() + timedelta(minutes=1)).isoformat().replace("+00:00", "Z")
    assert client.get(f"/api/workorders?created_from={since}", headers=headers).json["total"] == 0


def test_bad_filters_are_422(client, make):
    headers = make.headers(make.user("dispatcher"))
    for query in ("status=flying", "per_page=0", "page=-1", "sla_state=late", "zone_id=x"):
        resp = client.get(f"/api/workorders?{query}", headers=headers)
        assert resp.status_code == 422, query
        assert resp.json["code"] == "validation_error"


def test_like_wildcards_in_search_are_literal(client, make):
    agent = make.user("hotline_agent")
    make.work_order(by=agent, address="普通地址")
    resp = client.get("/api/workorders?q=%25", headers=make.headers(agent))
    assert resp.json["total"] == 0
