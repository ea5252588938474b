"""SMS rules with no Flask and no database (SPEC R8): numbers, kinds, quiet hours, backoff.

A message kind says whether it may wake someone at night (urgent: emergencies and water
outages) and whether a customer who opted out still gets it (essential).
"""

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

TZ = ZoneInfo("Asia/Shanghai")
# Mainland mobile numbers: 11 digits starting 13-19 (MIIT numbering plan).
MOBILE = re.compile(r"^1[3-9]\d{9}$")
STATUSES = ("pending", "sent", "failed", "opted_out", "invalid")
BACKOFF_SECONDS = (30, 120, 600, 1800, 3600)


@dataclass(frozen=True)
class Kind:
    label_zh: str
    urgent: bool = False  # sent in quiet hours and past the per-number limit
    essential: bool = False  # sent even to a number that opted out


KINDS = {
    "order_received": Kind("受理通知"),
    "appointment_agreed": Kind("预约时间", essential=True),
    "appointment_changed": Kind("改约通知", essential=True),
    "technician_departing": Kind("出发通知"),
    "survey_link": Kind("征求意见书"),
    "receipt_link": Kind("签字回执", essential=True),
    "one_time_notice": Kind("一次性告知", essential=True),
    "sign_code": Kind("签字验证码", urgent=True, essential=True),
    "emergency_offer": Kind("抢修派单", urgent=True, essential=True),
    "outage_notice": Kind("停水通知", urgent=True, essential=True),
    "outage_changed": Kind("停水变更", urgent=True, essential=True),
    "outage_restored": Kind("恢复供水", urgent=True, essential=True),
}
# Urgent messages neither wait for the per-number limit nor count towards it.
LIMITED_KINDS = tuple(name for name, kind in KINDS.items() if not kind.urgent)
STATUS_LABELS_ZH = {
    "pending": "待发送",
    "sent": "已发送",
    "failed": "发送失败",
    "opted_out": "用户已退订",
    "invalid": "号码无效",
}


def normalize_mobile(phone):
    """'+86 138-0000-1234' -> '13800001234'; None when it is no Chinese mobile number."""
    if not phone:
        return None
    digits = re.sub(r"[\s\-()]", "", str(phone))
    for prefix in ("+86", "0086", "86"):
        if digits.startswith(prefix) and len(digits) == 11 + len(prefix):
            digits = digits[len(prefix) :]
    return digits if MOBILE.match(digits) else None


def parse_quiet_hours(text):
    """'21:00-08:00' -> (time(21), time(8)); '' -> None (no quiet hours)."""
    if not text or not text.strip():
        return None
    start, end = (time.fromisoformat(part.strip()) for part in text.split("-"))
    return start, end


def quiet_until(moment, quiet):
    """The end of the quiet hours `moment` falls in, or None when it may be sent now."""
    if quiet is None:
        return None
    start, end = quiet
    local = moment.astimezone(TZ)
    clock = local.timetz().replace(tzinfo=None)
    if start <= end:
        inside = start <= clock < end
    else:  # spans midnight
        inside = clock >= start or clock < end
    if not inside:
        return None
    day = local.date() if clock < end else local.date() + timedelta(days=1)
    return datetime.combine(day, end, tzinfo=TZ)


def send_after(kind, moment, quiet):
    """When a message of `kind` asked for at `moment` may go (quiet hours, R8)."""
    if KINDS[kind].urgent:
        return moment
    return quiet_until(moment, quiet) or moment


def backoff(attempts):
    """Seconds to wait after the n-th failed attempt (1-based), growing, capped at an hour."""
    return BACKOFF_SECONDS[min(attempts, len(BACKOFF_SECONDS)) - 1]


def rate_limited_until(kind, sent_times, limit, window, now):
    """None when one more may go now; else when the oldest in the window leaves it."""
    if KINDS[kind].urgent or limit <= 0:
        return None
    recent = sorted(t for t in sent_times if t > now - window)
    if len(recent) < limit:
        return None
    return recent[len(recent) - limit] + window


def visit_code(secret, *parts, digits=4):
    """A 4-digit code the customer matches at the door; the same in the SMS and on the
    company's verify page, derived so no one can guess it from the order. Six digits for
    the one-time code of a signature on the customer's own phone."""
    import hashlib
    import hmac

    digest = hmac.new(secret.encode(), ":".join(map(str, parts)).encode(), hashlib.sha256)
    number = int.from_bytes(digest.digest()[:4], "big") % 10**digits
    return f"{number:0{digits}d}"
