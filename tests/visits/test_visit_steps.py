import sqlalchemy as sa

from app.extensions import db
from app.visits.models import Visit
from app.workorders.models import WorkOrder, WorkOrderEvent
from tests.visits.kit import Phone, assigned_order, iso, later, now


def events(order_id):
    return db.session.scalars(
        sa.select(WorkOrderEvent)
        .where(WorkOrderEvent.work_order_id == order_id)
        .order_by(WorkOrderEvent.id)
    ).all()


def test_whole_visit_records_every_step_with_device_and_server_times(phone):
    ph, order = phone
    device = now().replace(microsecond=0)
    resp = ph.post(
        order.id, "contact-attempts", {"outcome": "no_answer", "device_time": iso(device)}
    )
    assert resp.status_code == 201 and resp.json["kind"] == "contact_attempt"
    start, end = later(hours=2), later(hours=3)
    resp = ph.post(order.id, "appointment", {"start": iso(start), "end": iso(end)})
    assert resp.status_code == 200 and resp.json["status"] == "scheduled", resp.json
    ph.on_site(order)
    ph.tick(order, "uniform", "id_shown", "shoe_covers")
    resp = ph.post(
        order.id,
        "work-record",
        {"notes": "更换阀门", "parts": [{"name": "DN20 阀门", "quantity": 1}]},
        method="put",
    )
    assert resp.status_code == 200 and resp.json["parts"][0]["unit"] == "个", resp.json
    resp = ph.post(order.id, "complete", {"device_time": iso(device)})
    assert resp.status_code == 200 and resp.json["status"] == "completed", resp.json
    kinds = [e.kind for e in events(order.id)]
    assert kinds[-9:] == [
        "contact_attempt",
        "schedule",
        "depart",
        "arrive",
        "checklist:uniform",
        "checklist:id_shown",
        "checklist:shoe_covers",
        "work_record",
        "complete",
    ]
    first = events(order.id)[-9]
    assert first.device_time == device and first.server_time > device
    db.session.expire_all()
    assert db.session.get(WorkOrder, order.id).appointment_start == start


def test_completion_needs_id_shown_and_names_what_is_missing(phone):
    ph, order = phone
    ph.on_site(order)
    resp = ph.post(order.id, "complete", {})
    assert resp.status_code == 409 and resp.json["code"] == "completion_requirements"
    assert resp.json["errors"]["missing"] == ["id_shown"]
    assert "出示工作证件" in resp.json["message"]
    assert db.session.get(WorkOrder, order.id).status == "on_site"
    ph.tick(order, "id_shown")
    assert ph.post(order.id, "complete", {}).status_code == 200


def test_completion_without_arrival_is_refused_by_the_state_machine(phone):
    ph, order = phone
    resp = ph.post(order.id, "complete", {})
    assert resp.status_code == 409 and resp.json["code"] == "illegal_transition"


def test_meter_replacement_needs_old_and_new_meter_before_completion(client, make, storage_dir):
    order, tech = assigned_order(make, type="meter_replacement")
    ph = Phone(client, make, tech)
    ph.on_site(order)
    ph.tick(order, "id_shown")
    resp = ph.post(order.id, "complete", {})
    assert resp.status_code == 409 and resp.json["errors"]["missing"] == ["meter_replacement"]
    meters = {
        "old_meter_number": "HY-OLD-1",
        "old_meter_final_reading": 1234.5,
        "new_meter_number": "HY-NEW-9",
        "new_meter_initial_reading": 0,
    }
    resp = ph.post(order.id, "work-record", {"meter_replacement": meters}, method="put")
    assert resp.status_code == 200 and resp.json["meter_replacement"] == meters
    assert ph.post(order.id, "complete", {}).status_code == 200


def test_arrival_keeps_distance_and_flags_far_arrivals(client, make, storage_dir, app):
    order, tech = assigned_order(make, at=(121.16, 36.77))
    ph = Phone(client, make, tech)
    resp = ph.on_site(order, at=(121.16, 36.773))  # about 333 m north
    payload = resp.json["payload"]
    assert 320 < payload["distance_m"] < 345 and payload["flagged"] is True
    assert payload["flag_limit_m"] == app.config["ARRIVAL_FLAG_METRES"] == 200
    visit = db.session.get(Visit, order.id)
    assert visit.arrival_flagged and visit.arrival_accuracy_m == 8
    near, tech2 = assigned_order(make, at=(121.16, 36.77))
    resp = Phone(client, make, tech2).on_site(near, at=(121.1605, 36.7702))
    assert resp.json["payload"]["flagged"] is False and resp.json["payload"]["distance_m"] < 60


def test_checklist_item_is_recorded_once_with_time_and_position(phone):
    ph, order = phone
    ph.on_site(order)
    body = {
        "item": "id_shown",
        "position": {"lat": 36.77, "lon": 121.16},
        "device_time": iso(now()),
    }
    first = ph.post(order.id, "checklist", body)
    assert first.status_code == 201 and first.json["position"] == {"lat": 36.77, "lon": 121.16}
    again = ph.post(order.id, "checklist", body)
    assert again.status_code == 409 and again.json["code"] == "checklist_item_recorded"
    detail = ph.client.get(f"/api/workorders/{order.id}/visit", headers=ph.headers).json
    shown = {c["item"]: c["done_at"] for c in detail["checklist"]}
    assert shown["id_shown"] and shown["uniform"] is None
    assert ph.post(order.id, "checklist", {"item": "dance"}).status_code == 422


def test_checklist_before_arrival_is_409(phone):
    ph, order = phone
    resp = ph.post(order.id, "checklist", {"item": "uniform"})
    assert resp.status_code == 409 and resp.json["code"] == "wrong_status"


def test_device_time_far_in_the_future_is_refused_and_changes_nothing(phone):
    ph, order = phone
    before = len(events(order.id))
    resp = ph.post(order.id, "depart", {"device_time": iso(later(hours=2))})
    assert resp.status_code == 422 and "device_time" in resp.json["errors"]
    resp = ph.post(order.id, "depart", {"device_time": "2026-01-01T10:00:00"})  # no offset
    assert resp.status_code == 422
    assert len(events(order.id)) == before
    assert db.session.get(WorkOrder, order.id).status == "accepted"


def test_my_orders_put_emergencies_first_then_appointments(client, make, storage_dir):
    tech = make.technician(skills=("plumbing", "emergency"))
    plain, _ = assigned_order(make, tech=tech)
    booked, _ = assigned_order(make, tech=tech)
    urgent, _ = assigned_order(make, tech=tech, type="emergency_repair")
    other, _ = assigned_order(make)
    ph = Phone(client, make, tech)
    ph.post(booked.id, "appointment", {"start": iso(later(hours=1)), "end": iso(later(hours=2))})
    resp = client.get("/api/visits/mine", headers=ph.headers)
    assert resp.status_code == 200
    assert [o["id"] for o in resp.json["items"]] == [urgent.id, booked.id, plain.id]
    assert other.id not in [o["id"] for o in resp.json["items"]]
