"""Dispatch fixtures: office hours pinned open or closed, and small helpers."""

import pytest
import sqlalchemy as sa

from app.dispatch import suggestions
from app.extensions import db
from app.notifications.models import Notification
from app.workorders.models import WorkOrderEvent


@pytest.fixture
def office_open(monkeypatch):
    """Day staff on shift, whatever the clock says while the suite runs."""
    monkeypatch.setattr(suggestions, "office_now", lambda now: True)


@pytest.fixture
def office_closed(monkeypatch):
    """Evening, weekend or holiday: only on-call staff are candidates."""
    monkeypatch.setattr(suggestions, "office_now", lambda now: False)


def events_of(order_id, kind=None):
    stmt = sa.select(WorkOrderEvent).where(WorkOrderEvent.work_order_id == order_id)
    if kind:
        stmt = stmt.where(WorkOrderEvent.kind == kind)
    return db.session.scalars(stmt.order_by(WorkOrderEvent.id)).all()


def notes_for(user_id, kind=None):
    stmt = sa.select(Notification).where(Notification.recipient_id == user_id)
    if kind:
        stmt = stmt.where(Notification.kind == kind)
    return db.session.scalars(stmt.order_by(Notification.id)).all()


# Points east of the centre (121.16, 36.77), inside the factories' square zone.
NEAR = (121.161, 36.77)
MID = (121.17, 36.77)
FAR = (121.19, 36.77)
