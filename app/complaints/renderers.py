"""Documents people read, rendered: the 用户投诉记录表 (HTML) and the weekly bulletin as CSV
and printable HTML. Storing them is app/complaints/documents.py's."""

from datetime import datetime

from flask import render_template

from app.auth.roles import NAMES_ZH
from app.calendar.rules import TZ
from app.common.exports import csv_bytes, workbook
from app.complaints.bulletin import SECTIONS, WEEK_KEYS
from app.complaints.models import (
    CLOCK_LABELS_ZH,
    KIND_LABELS_ZH,
    STATUS_LABELS_ZH,
)

CHANNEL_LABELS_ZH = {
    "hotline": "客服热线",
    "walk_in": "来访",
    "letter": "信函",
    "web": "网站",
    "gov_hotline": "12345政务热线",
    "media": "媒体",
}
CONTACT_LABELS_ZH = {
    "call_out": "致电用户",
    "call_in": "用户来电",
    "visit": "上门",
    "sms": "短信",
    "progress_call": "进度告知电话",
    "other": "其他",
}


def local_text(moment):
    """'2026-10-14 10:59' in Shanghai time, from a datetime or an ISO string."""
    if moment is None:
        return ""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment.astimezone(TZ).strftime("%Y-%m-%d %H:%M")


def person(label, display_name):
    """'department_lead:wang01' and 王主任 -> '部门领导 王主任' (the office's `actor`)."""
    role = label.partition(":")[0]
    return f"{NAMES_ZH.get(role, '工作人员')} {display_name}"


def record_context(complaint):
    return {
        "c": complaint,
        "local": local_text,
        "kinds": KIND_LABELS_ZH,
        "statuses": STATUS_LABELS_ZH,
        "channels": CHANNEL_LABELS_ZH,
        "contacts": CONTACT_LABELS_ZH,
        "clocks": CLOCK_LABELS_ZH,
        "person": person,
        "printed_at": datetime.now(TZ),
    }


def render_record(complaint, phone=None):
    """The record page; `phone` replaces the caller's number (masked for some readers)."""
    context = record_context(complaint)
    context["phone"] = phone or complaint.caller_phone
    return render_template("complaints/record.html", **context)


def bulletin_title(data):
    return f"{data['year']}年第{data['week']}周客户投诉通报"


def bulletin_html(data):
    return render_template(
        "complaints/bulletin.html",
        data=data,
        sections=SECTIONS,
        local=local_text,
        title=bulletin_title(data),
    )


def bulletin_csv(data):
    """UTF-8 with a BOM for Excel; free text neutralised so no cell runs as a formula."""
    return csv_bytes(BULLETIN_HEADERS, bulletin_rows(data))


def as_sections(stored_data):
    """A stored bulletin holds one department; shape it like a computed one."""
    section = {k: v for k, v in stored_data.items() if k not in WEEK_KEYS}
    return {k: stored_data[k] for k in WEEK_KEYS} | {"departments": [section]}


BULLETIN_HEADERS = ("周次", "部门", "事项", "编号", "时间", "类别", "说明")


def bulletin_rows(data):
    week = f"{data['year']}-W{data['week']:02d}"
    for section in data["departments"]:
        for name, title in SECTIONS.items():
            for item in section[name]:
                yield (
                    week,
                    section["department"],
                    title,
                    item["number"],
                    local_text(item["at"]),
                    item["label"],
                    item["detail"],
                )


def bulletin_xlsx(data):
    """The bulletin as one sheet; text a user typed (a complaint's story) never runs."""
    title = f"{data['year']}年第{data['week']}周"
    return workbook([(title, BULLETIN_HEADERS, list(bulletin_rows(data)))])
