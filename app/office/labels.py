"""Chinese words for the complaint codes the office screens show; the pages read them here."""

from app.auth.roles import NAMES_ZH
from app.complaints.models import CLOCK_LABELS_ZH, KIND_LABELS_ZH, STATUS_LABELS_ZH
from app.complaints.renderers import CHANNEL_LABELS_ZH, CONTACT_LABELS_ZH

EVENT_LABELS_ZH = {
    "received": "受理登记",
    "closed_at_intake": "受理即办结(用户满意)",
    "flagged_sensitive": "标为敏感投诉",
    "handed_off": "移交责任部门",
    "duty_alerted": "提醒值班人员电话告知",
    "accepted": "部门签收",
    "contact_logged": "联系用户",
    "extended": "延长至48小时",
    "reply_drafted": "起草答复",
    "reply_submitted": "答复送审",
    "reply_approved": "总经理批准签发",
    "reply_rejected": "总经理退回",
    "reply_sent": "答复已发出",
    "resolved": "处理完毕",
    "followed_up": "回访",
    "reopened": "重新处理",
    "closed": "办结归档",
    "work_order_opened": "开立工单",
    "document_added": "归档文件",
    "clock_warning": "时限预警",
    "clock_breached": "超出时限",
}
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
