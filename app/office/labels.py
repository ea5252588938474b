"""Chinese words for the complaint codes the office screens show; the pages read them here."""

from app.auth.roles import NAMES_ZH
from app.complaints.models import (
    CLOCK_LABELS_ZH,
    EVENT_LABELS_ZH,
    KIND_LABELS_ZH,
    STATUS_LABELS_ZH,
)
from app.complaints.renderers import CHANNEL_LABELS_ZH, CONTACT_LABELS_ZH

REPLY_STATUS_LABELS_ZH = {
    "draft": "草稿",
    "submitted": "待总经理批示",
    "approved": "已批准",
    "rejected": "已退回",
    "sent": "已发出",
}
DEADLINE_LABELS_ZH = {
    "running": "正常",
    "warning": "临近时限",
    "breached": "已超时",
    "none": "无计时",
}
SENT_VIA_LABELS_ZH = {
    "phone": "电话",
    "sms": "短信",
    "letter": "信函",
    "visit": "上门",
    "email": "电子邮件",
}


def all_labels():
    return {
        "kinds": KIND_LABELS_ZH,
        "statuses": STATUS_LABELS_ZH,
        "clocks": CLOCK_LABELS_ZH,
        "channels": CHANNEL_LABELS_ZH,
        "contacts": CONTACT_LABELS_ZH,
        "events": EVENT_LABELS_ZH,
        "replies": REPLY_STATUS_LABELS_ZH,
        "deadlines": DEADLINE_LABELS_ZH,
        "sent_via": SENT_VIA_LABELS_ZH,
        "roles": {str(role): name for role, name in NAMES_ZH.items()},
    }
