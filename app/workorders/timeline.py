"""How an order's events read to a person: one Chinese label per event kind and one plain
sentence per event, served with every timeline so the phone, desk and console show the same
words and never a raw event code (issue 13; SPEC R1 "the timeline a user sees is these events").

Pure: no Flask, no database. Reasons are stored as "中文 / English"; only the Chinese half is
shown to people.
"""

from app.auth.roles import NAMES_ZH as ROLE_NAMES_ZH
from app.workorders.states import LABELS_ZH as STATUS_LABELS_ZH

EVENT_LABELS_ZH = {
    "created": "受理建单",
    "assign": "派单",
    "reassign": "改派",
    "unassign": "退回待派",
    "accept": "接单",
    "decline": "拒单",
    "schedule": "预约上门时间",
    "reschedule": "改约",
    "depart": "出发",
    "arrive": "到场",
    "complete": "完工",
    "close": "关闭",
    "cancel": "取消",
    "contact_attempt": "联系客户",
    "work_record": "维修记录",
    "photo_added": "上传照片",
    "violation_reported": "违约用水/窃水报告",
    "meter_damage_recorded": "表具损坏记录",
    "customer_signed": "客户签字确认",
    "customer_verified_id": "客户核验工作人员身份",
    "satisfaction_submitted": "征求意见书已提交",
    "escalated": "升级提醒",
    "planned": "排入日计划",
    "unrouted": "未能定位片区",
    "complaint_linked": "关联投诉",
    "customer_notice_required": "需告知客户",
    "awaiting_dispatcher": "等待调度员派单",
    "order_waiting": "等待调度员派单",
    "no_candidate": "无可派人员",
    "escalation_exhausted": "无人接单,已告警调度员",
    "sla_on_track": "时限恢复正常",
    "sla_at_risk": "临近超时",
    "sla_breached": "已超时",
    "checklist": "上门服务规范",
    "emergency_offer_sms": "抢修派单实时推送未送达,已改发短信给维修师傅",
    "customer_reschedule_request": "在进度页申请改约",
}
# Kinds that say what happened to the order rather than what someone did: no actor in front.
HAPPENINGS = {
    "unrouted",
    "no_candidate",
    "escalation_exhausted",
    "awaiting_dispatcher",
    "order_waiting",
    "sla_on_track",
    "sla_at_risk",
    "sla_breached",
    "customer_notice_required",
    "emergency_offer_sms",
}
CUSTOMER_ACTORS_ZH = {"qr": "客户(扫码)", "link": "客户(链接)", "own_phone": "客户(本人手机)"}
CONTACT_OUTCOMES_ZH = {"called": "已致电", "no_answer": "未接通", "agreed": "已约定时间"}


def chinese(text):
    """The Chinese half of a stored "中文 / English" text, or the text itself."""
    if not text:
        return ""
    return text.split(" / ", 1)[0].strip()


def labelled(kind):
    """Whether `kind` has its words here (record_event refuses one that has not)."""
    return kind in EVENT_LABELS_ZH or kind.startswith("checklist:")


def event_label(kind):
    if kind.startswith("checklist:"):
        return EVENT_LABELS_ZH["checklist"]
    return EVENT_LABELS_ZH.get(kind, "工单记录")


def actor_name(actor_label):
    """Who did it, in words: 调度员, 系统自动派单, 客户(扫码)..."""
    role, _, name = (actor_label or "").partition(":")
    if role == "system":
        return "系统"
    if role == "customer":
        return CUSTOMER_ACTORS_ZH.get(name, "客户")
    return ROLE_NAMES_ZH.get(role, "工作人员")


def _detail(kind, payload):
    if kind.startswith("checklist:"):
        return chinese(payload.get("label")) or ""
    if kind == "contact_attempt":
        return CONTACT_OUTCOMES_ZH.get(payload.get("outcome"), "")
    if kind == "arrive" and payload.get("distance_m") is not None:
        text = f"距工单位置约 {round(payload['distance_m'])} 米"
        if payload.get("flagged"):
            text += f",超出 {payload.get('flag_limit_m', 200)} 米,已提示调度员"
        return text
    if kind == "satisfaction_submitted" and payload.get("overall"):
        return f"总体评价 {payload['overall']} 分"
    return ""


def sentence(kind, actor_label, *, reason=None, payload=None, to_status=None):
    """One plain Chinese sentence for an event: who did what, the detail, why, and where it
    left the order, e.g. 系统派单,原因:距驻点1855米。工单现为「已派单」。"""
    label = event_label(kind)
    text = label if kind in HAPPENINGS else f"{actor_name(actor_label)}{label}"
    detail = _detail(kind, payload or {})
    if detail:
        text += f":{detail}"
    why = chinese(reason)
    if why:
        text += f",原因:{why}"
    text += "。"
    if to_status in STATUS_LABELS_ZH:
        text += f"工单现为「{STATUS_LABELS_ZH[to_status]}」。"
    return text


def describe(event):
    """sentence() for a stored WorkOrderEvent."""
    return sentence(
        event.kind,
        event.actor_label,
        reason=event.reason,
        payload=event.payload,
        to_status=event.to_status,
    )
