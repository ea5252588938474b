from datetime import timedelta

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
