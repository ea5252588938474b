"""A person may hold several roles: each role's endpoints open to them, a third role's stay
shut, what a role sees is that role's (a lead's steps only on their department's complaints),
and every event names the role the person acted in."""

import sqlalchemy as sa

from app.auth import tokens
from app.auth.models import User
from app.complaints.models import Complaint, ComplaintEvent
from app.extensions import db
from tests.complaints.kit import complaint_body, count


def _two_role_lead(make, office):
    """A department lead of 水质管理部 who also takes hotline calls."""
    return make.user(
        "department_lead",
        roles=["hotline_agent", "department_lead"],
        display_name="兼职主任",
        team_id=office.department.id,
    )


def _labels(complaint_id):
    return db.session.scalars(
        sa.select(ComplaintEvent.actor_label)
        .where(ComplaintEvent.complaint_id == complaint_id)
        .order_by(ComplaintEvent.id)
    ).all()


def test_a_two_role_person_may_use_each_role_s_endpoints_and_no_third(client, make, office):
    person = _two_role_lead(make, office)
    headers = make.headers(person)
    # as the hotline agent: take a complaint and hand it off
    taken = client.post("/api/complaints", headers=headers, json=complaint_body(office))
    assert taken.status_code == 201, taken.json
    cid = taken.json["id"]
    assert (
        client.post(f"/api/complaints/{cid}/handoff", headers=headers, json={}).status_code == 200
    )
    # as the department lead: sign for it, extend it, draft and submit the reply
    assert client.post(f"/api/complaints/{cid}/accept", headers=headers).status_code == 200
    draft = client.post(
        f"/api/complaints/{cid}/replies", headers=headers, json={"body": "您好,已安排检测。"}
    )
    assert draft.status_code == 201, draft.json
    assert client.get("/api/office/figure-filters", headers=headers).status_code == 200
    # a third role's endpoints: the general manager's approval, the admin's, the dispatcher's
    reply_id = draft.json["id"]
    before = count(ComplaintEvent)
    approve = client.post(
        f"/api/complaints/{cid}/replies/{reply_id}/approval",
        headers=headers,
        json={"decision": "approved"},
    )
    assert approve.status_code == 403 and set(approve.json) >= {"code", "message", "errors"}
    assert client.get("/api/admin/users", headers=headers).status_code == 403
    assert client.get("/api/dispatch/queue", headers=headers).status_code == 403
    assert count(ComplaintEvent) == before
    username = person.username
    assert _labels(cid)[:3] == [
        f"hotline_agent:{username}",  # taken
        f"hotline_agent:{username}",  # handed off
        f"department_lead:{username}",  # signed for
    ]


def test_lead_steps_stay_within_their_department_though_the_agent_sees_every_complaint(
    client, make, office, handed_off
):
    person = _two_role_lead(make, office)
    headers = make.headers(person)
    other_lead = make.user("department_lead")
    other = make.team(code="GW", name="管网部", kind="department", lead_user_id=other_lead.id)
    theirs = handed_off(department_id=other.id)["id"]
    ours = handed_off()["id"]
    listed = client.get("/api/complaints", headers=headers).json
    assert {c["id"] for c in listed["items"]} == {theirs, ours}  # the agent lists all
    inbox = client.get("/api/complaints?my_departments=true", headers=headers).json
    assert [c["id"] for c in inbox["items"]] == [ours]  # the lead's inbox: their department
    assert client.post(f"/api/complaints/{theirs}/accept", headers=headers).status_code == 404
    refused = client.post(
        f"/api/complaints/{theirs}/contacts",
        headers=headers,
        json={"kind": "call_out", "summary": "联系用户"},
    )
    assert refused.status_code == 403  # neither took it nor leads its department
    assert db.session.get(Complaint, theirs).status == "in_progress"
    called = client.post(
        f"/api/complaints/{ours}/contacts",
        headers=headers,
        json={"kind": "progress_call", "summary": "告知处理进度"},
    )
    assert called.status_code == 201
    assert called.json["contacts"][0]["by"] == f"department_lead:{person.username}"


def test_the_token_and_the_me_endpoint_carry_every_role(client, make, office):
    person = _two_role_lead(make, office)
    token = make.headers(person)["Authorization"].split()[1]
    assert tokens.read(token, "access")["roles"] == ["hotline_agent", "department_lead"]
    me = client.get("/api/auth/me", headers=make.headers(person)).json
    assert me["roles"] == ["hotline_agent", "department_lead"] and "role" not in me


def test_the_admin_gives_a_person_several_roles_and_their_old_tokens_stop(client, make):
    admin = make.user("admin")
    person = make.user("hotline_agent")
    old = make.headers(person)
    resp = client.patch(
        f"/api/admin/users/{person.id}",
        headers=make.headers(admin),
        json={"roles": ["department_lead", "hotline_agent"]},
    )
    assert resp.status_code == 200, resp.json
    assert resp.json["roles"] == ["hotline_agent", "department_lead"]  # one order, always
    assert client.get("/api/auth/me", headers=old).status_code == 401
    db.session.expire_all()
    assert db.session.get(User, person.id).roles == ["hotline_agent", "department_lead"]


def test_bad_role_sets_get_the_error_format_and_change_nothing(client, make):
    admin = make.user("admin")
    person = make.user("dispatcher")
    for roles in ([], ["dispatcher", "dispatcher"], ["dispatcher", "king"], "dispatcher"):
        resp = client.patch(
            f"/api/admin/users/{person.id}", headers=make.headers(admin), json={"roles": roles}
        )
        assert resp.status_code == 422, (roles, resp.json)
        assert resp.json["code"] == "validation_error" and "roles" in resp.json["errors"]
    own = client.patch(
        f"/api/admin/users/{admin.id}",
        headers=make.headers(admin),
        json={"roles": ["general_manager"]},
    )
    assert own.status_code == 409 and own.json["code"] == "own_admin_role"
    db.session.expire_all()
    assert db.session.get(User, person.id).roles == ["dispatcher"]
    assert db.session.get(User, admin.id).roles == ["admin"]
    assert client.get("/api/auth/me", headers=make.headers(person)).status_code == 200


def test_people_holding_a_role_among_others_are_found_by_it(make):
    make.user("general_manager", roles=["general_manager", "admin"])
    make.user("general_manager")
    make.user("admin")
    holders = db.session.scalars(
        sa.select(User.username).where(User.holding("general_manager")).order_by(User.id)
    ).all()
    assert len(holders) == 2


def test_the_navigation_names_the_departments_a_person_leads(client, make, office):
    person = _two_role_lead(make, office)
    body = client.get("/api/office/screens", headers=make.headers(person)).json
    assert body["departments"] == [office.department.id]
    assert body["roles"] == ["hotline_agent", "department_lead"]
    assert [s["key"] for s in body["screens"]][:3] == ["desk", "complaints", "inbox"]
