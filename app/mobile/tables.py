"""The server's tables, as the phone, desk and console read them (issue 9 item 5).

The state machine (app/workorders/states.py), status and event labels, the visit steps and
their paths (app/visits/steps.py, sync.PATHS), the door checklist and the other label sets are
written once in Python; this module hands them to the browsers as one JSON document, embedded
in each page shell (so the phone's service worker caches it with the shell, versioned by the
shell's hash). The browsers keep no copies.
"""

import hashlib
import json

from flask import current_app

from app.dispatch import queue
from app.dispatch.models import TECHNICIAN_STATUS_LABELS_ZH
from app.notifications.labels import NOTIFICATION_LABELS_ZH, UNKNOWN_ZH
from app.signatures.models import RELATIONS_ZH
from app.visits import rules as visit_rules
from app.visits import sync
from app.visits.steps import STEPS
from app.workorders import states, timeline

# Where the phone means something else, it is named here: to the technician an assigned order
# waits for them (待接单), and one back in the queue is no longer theirs.
PHONE_STATUS_LABELS_ZH = {**states.LABELS_ZH, "assigned": "待接单", "new": "已退回调度"}
SLA_LABELS_ZH = {"on_track": "时限正常", "at_risk": "临近超时", "breached": "已超时"}
CONTACT_METHODS_ZH = {"phone": "电话", "sms": "短信", "wechat": "微信", "in_person": "当面"}
PHOTO_PURPOSES_ZH = {"work": "维修", "damage": "表具损坏", "violation": "违约/窃水"}
# Steps the phone queues that are not JSON steps of the table: photos are multipart uploads.
PHONE_ONLY_STEPS = {"photo": {"label": "照片", "path": "/api/workorders/{id}/photos"}}


def _zh(labels):
    return {key: timeline.chinese(label) for key, label in labels.items()}


def _steps():
    table = {
        action: {
            "label": step.label,
            "method": step.method,
            "path": step.fixed_path or "/api/workorders/{id}/" + action,
            "moves": step.moves,
        }
        for action, step in STEPS.items()
    }
    for action, extra in PHONE_ONLY_STEPS.items():
        table[action] = {"method": "POST", "moves": None, **extra}
    return table


def tables():
    """Everything the browsers need to speak the server's language, as plain JSON values."""
    config = current_app.config
    return {
        "statuses": states.LABELS_ZH,
        "phone_statuses": PHONE_STATUS_LABELS_ZH,
        "transitions": [[s, a, to] for (s, a), to in sorted(states.TRANSITIONS.items())],
        "steps": _steps(),
        "sync_paths": sync.PATHS,
        "events": timeline.EVENT_LABELS_ZH,
        "notifications": {**NOTIFICATION_LABELS_ZH, "": UNKNOWN_ZH},
        "queue_reasons": queue.REASONS_ZH,
        "technician_states": TECHNICIAN_STATUS_LABELS_ZH,
        "checklist": _zh(visit_rules.CHECKLIST),
        "contact_outcomes": _zh(visit_rules.CONTACT_OUTCOMES),
        "contact_methods": CONTACT_METHODS_ZH,
        "relations": RELATIONS_ZH,
        "photo_purposes": PHOTO_PURPOSES_ZH,
        "sla": SLA_LABELS_ZH,
        "missing": _zh(visit_rules.MISSING_ZH),
        "navigation": {"app": config["NAV_MAP_APP"], "name": config["COMPANY_NAME"]},
    }


def tables_json():
    return json.dumps(tables(), ensure_ascii=False, sort_keys=True)


def tables_version():
    return hashlib.sha256(tables_json().encode()).hexdigest()[:12]
