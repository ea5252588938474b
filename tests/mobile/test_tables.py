"""The phone reads the server's tables (issue 9 item 5): the state machine, labels, steps and
their paths come from Python, embedded in the shell; the phone's modules hold no copies."""

import json
import re

from app.mobile.pages import STATIC, shell_version
from app.visits import rules as visit_rules
from app.visits import sync
from app.visits.steps import STEPS
from app.workorders import states


def shell_tables(client):
    html = client.get("/m/").get_data(as_text=True)
    found = re.search(r'<script type="application/json" id="tables">(.*?)</script>', html, re.S)
    return json.loads(found.group(1))


def test_the_shell_carries_the_state_machine_and_labels_of_the_server(client):
    tables = shell_tables(client)
    assert tables["statuses"] == states.LABELS_ZH
    assert {(s, a): to for s, a, to in tables["transitions"]} == states.TRANSITIONS
    assert set(tables["checklist"]) == set(visit_rules.CHECKLIST)
    assert all(" / " not in label for label in tables["checklist"].values())
    # Where the phone means something else, the server names it.
    assert tables["phone_statuses"]["assigned"] == "待接单"


def test_every_step_path_is_the_one_the_sync_endpoint_parses(client):
    tables = shell_tables(client)
    assert set(STEPS) <= set(tables["steps"])
    for action, step in tables["steps"].items():
        if action in STEPS:
            assert step["label"] and step["method"] == STEPS[action].method
            path = step["path"].replace("{id}", "7")
            assert path == STEPS[action].path(7)
            if not STEPS[action].order_scoped:
                assert sync.PATHS[path] == action
    assert tables["sync_paths"] == sync.PATHS


def test_each_step_that_moves_an_order_names_a_state_machine_action():
    actions = {action for (_, action) in states.TRANSITIONS}
    moving = {a: s.moves for a, s in STEPS.items() if s.moves}
    assert moving == {
        "accept": "accept",
        "decline": "decline",
        "appointment": "schedule",
        "reschedule": "schedule",
        "depart": "depart",
        "arrive": "arrive",
        "complete": "complete",
    }
    assert set(moving.values()) <= actions


def test_the_phone_modules_hold_no_copy_of_a_server_table():
    copied = [
        "待派单",
        "已派单",
        "已到场",
        "统一着装",
        "按门铃",
        "${orderId}/${action}",
        "on_track:",
        '"/api/signatures"',
    ]
    for path in STATIC.glob("*.js"):
        text = path.read_text()
        for marker in copied:
            assert marker not in text, f"{path.name} copies {marker!r}"


def test_a_changed_label_gives_the_phone_a_new_service_worker(client, monkeypatch):
    before = shell_version()
    monkeypatch.setitem(states.LABELS_ZH, "new", "新工单")
    assert shell_version() != before
