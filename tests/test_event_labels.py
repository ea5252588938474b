"""Every event kind reads as Chinese (issue 13): an order event, a complaint event and a live
message each have their label in one server-side table, and a kind without one is refused
where it is recorded, so no screen can meet a raw code.

The scan reads every call that records a kind in app/: a literal kind must be in its table; a
kind computed at the call site must be listed in DYNAMIC with the values it can take.
"""

import ast
import pathlib
import re
from types import SimpleNamespace

import pytest

from app.complaints import events as complaint_events
from app.complaints.clocks import STAGE_ZH
from app.complaints.models import EVENT_LABELS_ZH as COMPLAINT_EVENTS_ZH
from app.complaints.schemas import ComplaintApprovalCreateSchema
from app.extensions import db
from app.notifications.labels import NOTIFICATION_LABELS_ZH
from app.notifications.models import Notification
from app.notifications.services import notify
from app.workorders import states, timeline
from app.workorders.models import WorkOrderEvent
from app.workorders.services import record_event

ROOT = pathlib.Path(__file__).resolve().parents[1] / "app"
ORDER_EVENTS = set(timeline.EVENT_LABELS_ZH)
SLA_STATES = ("on_track", "at_risk", "breached")

# Which table a recording function's kind (its second argument) must be in.
RECORDERS = {
    "record_event": ORDER_EVENTS,
    "transition": ORDER_EVENTS,
    "_leave": ORDER_EVENTS,  # app/dispatch/routing.py: the router's decisions
    "notify": set(NOTIFICATION_LABELS_ZH),
    "_alert": set(NOTIFICATION_LABELS_ZH),
    "record": set(COMPLAINT_EVENTS_ZH),  # app/complaints/events.py
}
# Kinds computed at the call site: (file, function, the argument as written) -> the kinds it
# can be, or None where the function only passes on its caller's kind (the callers are checked).
TRANSITIONS = {action for (_, action) in states.TRANSITIONS}
DYNAMIC = {
    # transition(): the action, or the kind= its callers give (checked at those calls)
    ("workorders/services.py", "record_event", "kind or action"): TRANSITIONS,
    ("demo/orders.py", "transition", "action"): TRANSITIONS,
    ("dispatch/watch.py", "record_event", "f'sla_{state}'"): {f"sla_{s}" for s in SLA_STATES},
    ("dispatch/watch.py", "notify", "f'sla_{state}'"): {f"sla_{s}" for s in SLA_STATES},
    ("dispatch/routing.py", "record_event", "kind"): None,  # _leave(order, kind, ...)
    ("dispatch/routing.py", "notify", "kind"): None,  # _alert(order, kind, ...)
    ("dispatch/routing.py", "_leave", "'escalation_exhausted' if tried else 'no_candidate'"): {
        "escalation_exhausted",
        "no_candidate",
    },
    ("dispatch/services.py", "notify", "kind"): {"assignment", "emergency_assignment"},
    ("visits/services.py", "record_event", "f'checklist:{item}'"): {"checklist"},
    ("complaints/clocks.py", "record", "f'clock_{stage}'"): {f"clock_{s}" for s in STAGE_ZH},
    ("complaints/clocks.py", "_alert", "clock"): None,  # its own _alert(complaint, clock, ...)
    ("complaints/replies.py", "record", "f\"reply_{data['decision']}\""): {
        f"reply_{d}" for d in ComplaintApprovalCreateSchema().fields["decision"].validate.choices
    },
}
LATIN = re.compile(r"[A-Za-z]")
CJK = re.compile(r"[\u4e00-\u9fff]")


def _calls():
    for path in sorted(ROOT.rglob("*.py")):
        where = str(path.relative_to(ROOT))
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Call) or len(node.args) < 2:
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            if name in RECORDERS:
                yield where, node.lineno, name, node.args[1]
            for keyword in node.keywords if name == "transition" else ():
                if keyword.arg == "kind":  # the event names the move (transition(..., kind=))
                    yield where, node.lineno, name, keyword.value


def test_every_kind_recorded_anywhere_has_its_label():
    missing, unlisted = [], []
    for where, line, name, arg in _calls():
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
            kinds = {arg.value}
        else:
            key = (where, name, ast.unparse(arg))
            if key not in DYNAMIC:
                unlisted.append(f"app/{where}:{line} {name}({key[2]})")
                continue
            kinds = DYNAMIC[key] or set()
        for kind in kinds - RECORDERS[name]:
            missing.append(f"app/{where}:{line} {name}({kind!r})")
    assert not unlisted, (
        "kinds computed at these calls: list their values in DYNAMIC\n" + "\n".join(unlisted)
    )
    assert not missing, "kinds without a Chinese label:\n" + "\n".join(missing)


@pytest.mark.parametrize(
    "table",
    [timeline.EVENT_LABELS_ZH, NOTIFICATION_LABELS_ZH, COMPLAINT_EVENTS_ZH],
    ids=["order events", "live messages", "complaint events"],
)
def test_every_label_is_chinese(table):
    for kind, label in table.items():
        assert CJK.search(label) and not LATIN.search(label), (kind, label)


@pytest.mark.parametrize("kind", sorted(ORDER_EVENTS))
def test_every_order_event_reads_as_a_chinese_sentence(kind):
    said = timeline.sentence(
        kind,
        "dispatcher:zhou01",
        reason="按配置由调度员派单 / manual dispatch",
        payload={"outcome": "called", "distance_m": 12.0, "overall": 5, "label": "出示证件 / ID"},
        to_status="assigned",
    )
    assert said.endswith("。") and not LATIN.search(said), said


def test_an_order_event_without_a_label_is_refused(make):
    order = make.work_order()
    before = db.session.query(WorkOrderEvent).count()
    with pytest.raises(ValueError, match="no Chinese label"):
        record_event(order, "teleported", "system:test")
    assert db.session.query(WorkOrderEvent).count() == before
    record_event(order, "checklist:id_shown", "system:test")  # the checklist family is labelled


def test_a_live_message_without_a_label_is_refused(make):
    user = make.user("dispatcher")
    with pytest.raises(ValueError, match="no Chinese label"):
        notify([user.id], "order_teleported", {"number": "WO1"})
    assert db.session.query(Notification).filter_by(recipient_id=user.id).count() == 0


def test_a_complaint_event_without_a_label_is_refused():
    with pytest.raises(ValueError, match="no Chinese label"):
        complaint_events.record(SimpleNamespace(id=1), "teleported", "system:test")
