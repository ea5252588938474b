"""Complaint fixtures: a department with its lead, an agent, a general manager; time travel."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.auth.models import User
from app.complaints.models import Complaint, ComplaintClock, ComplaintEvent, ComplaintFollowUp
from app.dispatch.models import Team
from app.extensions import db
from app.notifications.models import Notification


@pytest.fixture(autouse=True)
def _storage(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "STORAGE_DIR", str(tmp_path / "storage"))


class Office:
    """The people of one complaint's path; rows are re-read so a worker run cannot detach them."""

    ROLES = ("lead", "agent", "gm", "dispatcher", "supervisor")

    def __init__(self, make, department, **users):
        self.make, self._department_id = make, department.id
        self._ids = {name: user.id for name, user in users.items()}

    def __getattr__(self, name):
        if name in Office.ROLES:
            return db.session.get(User, self._ids[name])
        raise AttributeError(name)

    @property
    def department(self):
        return db.session.get(Team, self._department_id)

    def h(self, user):
        return self.make.headers(user)


@pytest.fixture
def office(make):
    lead = make.user("department_lead", display_name="王主任", phone="13900000001")
    department = make.team(code="WQ", name="水质管理部", kind="department", lead_user_id=lead.id)
    lead.team_id = department.id
    hotline = make.team(code="KF", name="客户服务中心", kind="department")
    supervisor = make.user("department_lead", display_name="客服主管", team_id=hotline.id)
    hotline.lead_user_id = supervisor.id
    db.session.commit()
    return Office(
        make,
        department,
        lead=lead,
        supervisor=supervisor,
        agent=make.user("hotline_agent", team_id=hotline.id),
        gm=make.user("general_manager", display_name="总经理"),
        dispatcher=make.user("dispatcher"),
    )


def complaint_body(office, **overrides):
    body = {
        "kind": "water_quality",
        "channel": "hotline",
        "caller_name": "李女士",
        "caller_phone": "13812345678",
        "address": "海阳市方圆街道海港路8号",
        "description": "自来水发黄,有异味,已持续两天",
        "customer_request": "尽快检测并给出说法",
        "justified": True,
        "explanation": "已告知将安排水质检测",
        "department_id": office.department.id,
    }
    body.update(overrides)
    return {name: value for name, value in body.items() if value is not None}


@pytest.fixture
def file_complaint(client, office):
    """POST a complaint as the agent; returns the JSON body."""

    def post(**overrides):
        resp = client.post(
            "/api/complaints",
            headers=office.h(office.agent),
            json=complaint_body(office, **overrides),
        )
        assert resp.status_code == 201, resp.json
        return resp.json

    return post


@pytest.fixture
def handed_off(client, office, file_complaint):
    def make_one(**overrides):
        body = file_complaint(**overrides)
        resp = client.post(
            f"/api/complaints/{body['id']}/handoff", headers=office.h(office.agent), json={}
        )
        assert resp.status_code == 200, resp.json
        return resp.json

    return make_one


def rewind(complaint_id, hours):
    """Move a complaint's history `hours` into the past, as if that much time had gone by."""
    shift = timedelta(hours=hours)
    columns = ("received_at", "handoff_due_at", "handed_off_at", "resolution_due_at", "resolved_at")
    db.session.execute(
        sa.update(Complaint)
        .where(Complaint.id == complaint_id)
        .values({name: getattr(Complaint, name) - shift for name in columns})
    )
    db.session.execute(
        sa.update(ComplaintClock)
        .where(ComplaintClock.complaint_id == complaint_id)
        .values(
            {
                name: getattr(ComplaintClock, name) - shift
                for name in (
                    "started_at",
                    "warn_at",
                    "due_at",
                    "warned_at",
                    "breached_at",
                    "stopped_at",
                )
            }
        )
    )
    db.session.execute(
        sa.update(ComplaintFollowUp)
        .where(ComplaintFollowUp.complaint_id == complaint_id)
        .values(
            {
                name: getattr(ComplaintFollowUp, name) - shift
                for name in ("opened_at", "due_at", "done_at")
            }
        )
    )
    db.session.commit()


def notifications(kind=None, user=None):
    stmt = sa.select(Notification).order_by(Notification.id)
    if kind:
        stmt = stmt.where(Notification.kind == kind)
    if user:
        stmt = stmt.where(Notification.recipient_id == user.id)
    return db.session.scalars(stmt).all()


def event_kinds(complaint_id):
    return db.session.scalars(
        sa.select(ComplaintEvent.kind)
        .where(ComplaintEvent.complaint_id == complaint_id)
        .order_by(ComplaintEvent.id)
    ).all()


def count(model):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))
