from datetime import UTC, timedelta

import sqlalchemy as sa

from app.common.geometry import to_lonlat
from app.database import utcnow
from app.dispatch.models import Technician, TechnicianPosition
from app.extensions import db


def ping(minutes_ago, lon=121.16, lat=36.77, **kw):
    return {
        "lon": lon,
        "lat": lat,
        "accuracy_m": 8.5,
        "device_time": (utcnow() - timedelta(minutes=minutes_ago)).isoformat(),
        **kw,
    }


def stored():
    return db.session.scalar(sa.select(sa.func.count()).select_from(TechnicianPosition))


def test_batch_keeps_sane_pings_rejects_absurd_ones_per_item(client, make):
    tech = make.technician()
    headers = make.headers(tech.user)
    batch = [
        ping(10),
        ping(2, lon=121.17),
        ping(-60),
        ping(5, lat=95),
        {**ping(3), "device_time": (utcnow() - timedelta(days=900)).isoformat()},
        ping(1, lon="east"),
    ]
    resp = client.post("/api/technicians/me/positions", headers=headers, json={"positions": batch})
    assert resp.status_code == 200, resp.json
    assert resp.json["accepted"] == 2
    assert {r["index"]: sorted(r["errors"]) for r in resp.json["rejected"]} == {
        2: ["device_time"],
        3: ["lat"],
        4: ["device_time"],
        5: ["lon"],
    }
    technician = db.session.get(Technician, tech.id)
    assert to_lonlat(technician.last_position) == (121.17, 36.77)
    # The phone resends the same batch after losing signal: nothing is stored twice.
    client.post("/api/technicians/me/positions", headers=headers, json={"positions": batch})
    assert stored() == 2
    # A late ping older than the last known position does not move it back.
    client.post(
        "/api/technicians/me/positions", headers=headers, json={"positions": [ping(30, lon=121.10)]}
    )
    db.session.expire_all()
    assert to_lonlat(db.session.get(Technician, tech.id).last_position) == (121.17, 36.77)


def test_batch_shape_is_checked_whole(client, make):
    tech = make.technician()
    headers = make.headers(tech.user)
    for body in ({"positions": []}, {"positions": [ping(1)] * 101}, {"positions": "x"}):
        resp = client.post("/api/technicians/me/positions", headers=headers, json=body)
        assert resp.status_code == 422 and "positions" in resp.json["errors"]
    assert stored() == 0
    resp = client.post(
        "/api/technicians/me/positions",
        headers=make.headers(make.user("dispatcher")),
        json={"positions": []},
    )
    assert resp.status_code == 403


def test_pings_too_often_too_fast_or_far_away_are_refused_with_reasons(client, make, app):
    """Audit item 12: one ping per few seconds, no impossible speed, nothing far outside."""
    make.zone()  # the Haiyang square: 121.10-121.22 E, 36.72-36.82 N
    tech = make.technician()
    headers = make.headers(tech.user)
    now = utcnow()

    def at(seconds_ago, lon=121.16, lat=36.77):
        return {
            "lon": lon,
            "lat": lat,
            "accuracy_m": 10,
            "device_time": (now - timedelta(seconds=seconds_ago)).isoformat(),
        }

    batch = [
        at(120),
        at(118, lon=121.1601),  # 2 s later: too frequent
        at(60, lon=121.165),  # 60 s, ~450 m: walking pace
        at(50, lon=121.70),  # 10 s, ~48 km: 17,000 km/h
        at(30, lon=116.40, lat=39.90),  # Beijing: far outside the service area
        at(20, lon=121.166),
    ]
    resp = client.post("/api/technicians/me/positions", headers=headers, json={"positions": batch})
    assert resp.status_code == 200, resp.json
    assert resp.json["accepted"] == 3
    reasons = {r["index"]: r["errors"] for r in resp.json["rejected"]}
    assert sorted(reasons) == [1, 3, 4]
    assert "频繁" in reasons[1]["device_time"][0]
    assert "impossible speed" in reasons[3]["position"][0]
    assert "outside the area" in reasons[4]["position"][0]
    assert stored() == 3
    # The next batch is judged against the last stored fix: 6 km in 10 s is refused.
    jump = client.post(
        "/api/technicians/me/positions",
        headers=headers,
        json={"positions": [at(10, lon=121.21, lat=36.73), at(5, lon=121.16, lat=36.77)]},
    ).json
    assert jump["accepted"] == 1 and [r["index"] for r in jump["rejected"]] == [0]


def test_speed_and_area_rules_as_plain_functions():
    from datetime import datetime

    from app.dispatch import rules

    t0 = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
    known = [(t0, (121.16, 36.77), 5)]
    step = {"lon": 121.17, "lat": 36.77, "device_time": t0 + timedelta(minutes=1)}
    assert rules.movement_errors(step, known, timedelta(seconds=5), 150) == {}  # ~54 km/h
    fast = {**step, "device_time": t0 + timedelta(seconds=10)}
    assert "position" in rules.movement_errors(fast, known, timedelta(seconds=5), 150)
    assert (
        rules.movement_errors({**step, "device_time": t0}, known, timedelta(seconds=5), 150) == {}
    )
    box = (121.10, 36.72, 121.22, 36.82)
    assert rules.area_errors((121.5, 36.77), box, 50_000) == {}  # ~25 km out: allowed
    assert "position" in rules.area_errors((116.4, 39.9), box, 50_000)
    assert round(rules.metres_between((121.16, 36.77), (121.17, 36.77))) in range(880, 900)
