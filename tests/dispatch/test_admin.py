from datetime import timedelta

import sqlalchemy as sa

from app.database import utcnow
from app.dispatch.models import DutyShift
from app.extensions import db
from app.jobs import queue, run
from app.workorders.models import WorkOrder, WorkOrderType


def iso(hours):
    return (utcnow() + timedelta(hours=hours)).isoformat()


def test_duty_roster_puts_a_technician_on_call_for_the_evening(
    client, make, office_closed, run_jobs
):
    zone = make.zone()
    tech = make.technician(team=zone.team, skills=("emergency",))
    tech_id = tech.id
    admin = make.headers(make.user("admin"))
    bad = client.post(
        "/api/admin/duty-shifts",
        headers=admin,
        json={"technician_id": tech_id, "starts_at": iso(2), "ends_at": iso(1)},
    )
    assert bad.status_code == 422 and "ends_at" in bad.json["errors"]
    bad = client.post(
        "/api/admin/duty-shifts",
        headers=admin,
        json={"technician_id": 999, "starts_at": iso(-1), "ends_at": iso(1)},
    )
    assert bad.status_code == 422 and "technician_id" in bad.json["errors"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(DutyShift)) == 0
    resp = client.post(
        "/api/admin/duty-shifts",
        headers=admin,
        json={
            "technician_id": tech_id,
            "starts_at": iso(-1),
            "ends_at": iso(8),
            "note": "夜班值班",
        },
    )
    assert resp.status_code == 201, resp.json
    shift_id = resp.json["id"]
    assert resp.json["kind"] == "on_call" and resp.json["technician_name"] == tech.name
    listed = client.get(
        "/api/admin/duty-shifts",
        headers=make.headers(make.user("dispatcher")),
        query_string={"at": utcnow().isoformat()},
    )
    assert [s["id"] for s in listed.json] == [shift_id]
    order_id = make.work_order(type="emergency_repair").id
    run_jobs()
    assert db.session.get(WorkOrder, order_id).technician_id == tech_id
    tech_headers = make.headers(make.user("technician"))
    assert (
        client.delete(f"/api/admin/duty-shifts/{shift_id}", headers=tech_headers).status_code == 403
    )
    assert client.delete(f"/api/admin/duty-shifts/{shift_id}", headers=admin).status_code == 204
    assert client.delete(f"/api/admin/duty-shifts/{shift_id}", headers=admin).status_code == 404


def test_type_to_skill_is_configuration(client, make, office_open):
    zone = make.zone()
    plumber = make.technician(team=zone.team, skills=("plumbing",))
    inspector = make.technician(team=zone.team, skills=("inspection",))
    admin = make.headers(make.user("admin"))
    resp = client.put(
        "/api/admin/workorder-types/general_repair", headers=admin, json={"skill": "nonsense"}
    )
    assert resp.status_code == 422 and "skill" in resp.json["errors"]
    resp = client.put(
        "/api/admin/workorder-types/general_repair", headers=admin, json={"skill": "inspection"}
    )
    assert resp.status_code == 200 and resp.json["skill"] == "inspection"
    order = make.work_order()
    body = client.get(
        f"/api/workorders/{order.id}/suggestions", headers=make.headers(make.user("dispatcher"))
    ).json
    assert [c["technician_id"] for c in body["candidates"]] == [inspector.id]
    assert body["excluded"][0]["technician_id"] == plumber.id
    resp = client.put(
        "/api/admin/workorder-types/hydrant_check", headers=admin, json={"skill": "plumbing"}
    )
    assert resp.status_code == 422 and "name_zh" in resp.json["errors"]
    resp = client.put(
        "/api/admin/workorder-types/hydrant_check",
        headers=admin,
        json={
            "name_zh": "消火栓检查",
            "name_en": "Hydrant check",
            "skill": "plumbing",
            "deadline_working_days": 5,
            "auto_assign": True,
        },
    )
    assert resp.status_code == 200 and db.session.get(WorkOrderType, "hydrant_check").auto_assign
    resp = client.put(
        "/api/admin/workorder-types/hydrant_check",
        headers=make.headers(make.user("dispatcher")),
        json={"active": False},
    )
    assert resp.status_code == 403


def test_failed_jobs_are_visible_to_an_admin(client, make, run_jobs):
    job = queue("low").enqueue(run, "app.dispatch.jobs.no_such_job", 7)
    run_jobs()
    resp = client.get("/api/admin/jobs/failed", headers=make.headers(make.user("admin")))
    assert resp.status_code == 200
    low = next(q for q in resp.json if q["queue"] == "low")
    assert low["count"] == 1
    [failed] = low["jobs"]
    assert failed["id"] == job.id and failed["job"] == "app.dispatch.jobs.no_such_job"
    assert failed["args"] == [7] and "no_such_job" in failed["error"]
    resp = client.get("/api/admin/jobs/failed", headers=make.headers(make.user("dispatcher")))
    assert resp.status_code == 403
