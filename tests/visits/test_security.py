"""A technician can act only on their own orders: every endpoint answers 404 for another's."""

import sqlalchemy as sa

from app.extensions import db
from app.workorders.models import WorkOrderEvent
from tests.signatures.test_signatures import damage, sign
from tests.visits.kit import Phone, assigned_order, iso, jpeg, later, now

ANSWERS = {"overall": 5, "timeliness": 5, "attitude": 5, "professionalism": 5, "site_clean": True}
STEP_BODIES = {
    "contact-attempts": {"outcome": "called"},
    "appointment": {"start": iso(later(hours=2)), "end": iso(later(hours=3))},
    "reschedule": {
        "start": iso(later(days=1)),
        "end": iso(later(days=1, hours=1)),
        "reason": "改期",
        "customer_informed_via": "phone",
        "customer_informed_at": iso(now()),
    },
    "depart": {},
    "arrive": {"position": {"lat": 36.77, "lon": 121.16}},
    "checklist": {"item": "id_shown"},
    "work-record": {"notes": "x"},
    "violations": {"kind": "theft", "notes": "私接"},
    "meter-damage": {"meter_number": "M1", "damaged_parts": ["表"], "cause": "撞击"},
    "complete": {},
    "satisfaction": ANSWERS,
}


def test_every_phone_endpoint_is_404_on_someone_elses_order(client, make, storage_dir):
    theirs, their_tech = assigned_order(make)
    owner = Phone(client, make, their_tech)
    owner.on_site(theirs)
    photo = owner.upload(theirs, jpeg()).json
    signature = sign(owner, theirs, damage(owner, theirs)["id"]).json
    me = Phone(client, make, make.technician())
    before = db.session.scalar(sa.select(sa.func.count(WorkOrderEvent.id)))
    refused = []
    for step, body in STEP_BODIES.items():
        method = "put" if step == "work-record" else "post"
        refused.append((step, me.post(theirs.id, step, body, method=method)))
    refused.append(("photo upload", me.upload(theirs, jpeg())))
    for path, method in [
        (f"/api/workorders/{theirs.id}/visit", "get"),
        (photo["url"], "get"),
        (f"/api/workorders/{theirs.id}/id-check", "post"),
        (f"/api/workorders/{theirs.id}/satisfaction-link", "post"),
        (f"/api/workorders/{theirs.id}/meter-damage", "get"),
        (f"/api/signatures/{signature['id']}", "get"),
        (f"/api/signatures/{signature['id']}/verify", "get"),
        (f"/api/signatures/{signature['id']}/png", "get"),
    ]:
        refused.append((path, getattr(client, method)(path, headers=me.headers)))
    refused.append(("sign", sign(me, theirs, signature["damage_record_id"])))
    synced = client.post(
        "/api/sync",
        headers=me.headers,
        json={
            "items": [
                {
                    "idempotency_key": f"s-{step}",
                    "action": step,
                    "work_order_id": theirs.id,
                    "body": body,
                    "method": "PUT" if step == "work-record" else "POST",
                }
                for step, body in STEP_BODIES.items()
            ]
        },
    ).json["results"]
    wrong = [(name, r.status_code) for name, r in refused if r.status_code != 404]
    wrong += [(r["idempotency_key"], r["status"]) for r in synced if r["status"] != 404]
    assert wrong == []
    assert db.session.scalar(sa.select(sa.func.count(WorkOrderEvent.id))) == before


def test_other_roles_cannot_take_phone_steps(client, make, storage_dir):
    order, _ = assigned_order(make)
    for role in ("hotline_agent", "dispatcher", "general_manager"):
        headers = make.headers(make.user(role))
        resp = client.post(
            f"/api/workorders/{order.id}/arrive",
            headers=headers,
            json={"position": {"lat": 36.77, "lon": 121.16}},
        )
        assert resp.status_code == 403
    assert client.post("/api/sync", json={"items": []}).status_code == 401
