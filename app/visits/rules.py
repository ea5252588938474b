"""Visit rules that need no database: the door checklist, rescheduling, completion (R3)."""

from datetime import datetime, timedelta

# R3.3 at the door, in the order a technician does them.
CHECKLIST = {
    "uniform": "统一着装 / in uniform",
    "id_shown": "出示有效工作证件 / work ID shown",
    "purpose_stated": "说明目的和所需时间 / purpose and duration stated",
    "consent_to_enter": "按门铃并征得同意后入内 / rang and entered with consent",
    "shoe_covers": "穿戴鞋套 / shoe covers on",
    "site_cleaned": "清理工作现场 / site cleaned",
    "thanked": "向客户致谢 / customer thanked",
}
CONTACT_OUTCOMES = {
    "called": "已致电 / called",
    "no_answer": "未接通 / no answer",
    "agreed": "已约定上门时间 / time agreed",
}
CONTACT_METHODS = ("phone", "sms", "wechat", "in_person")
# Which steps make sense in which order statuses; the state machine covers the transitions.
STEP_STATUSES = {
    "contact": ("accepted", "scheduled", "en_route", "on_site"),
    "on_site": ("on_site",),
    "violation": ("en_route", "on_site"),
}
CLOCK_SKEW = timedelta(minutes=10)


def device_time_refusal(device_time, now):
    """A phone clock far ahead of the server's is wrong; one behind is an offline step."""
    if device_time is not None and device_time > now + CLOCK_SKEW:
        return "设备时间晚于服务器时间过多 / device time is ahead of the server clock"
    return None


def window_refusal(start, end, acted_at):
    if end <= start:
        return "结束时间须晚于开始时间 / the window must end after it starts"
    if end <= acted_at:
        return "预约时间已过 / the window is already over"
    return None


def suggested_window(now, service_hours, *, preferred=None, length=timedelta(hours=2)):
    """The appointment window a phone offers first (issue 13): inside `service_hours`
    (open, close clock times), the customer's preferred (start, end) clock times when known
    and reachable, else two hours from the next whole hour at least an hour away; the next
    day when today is over. `now` is an aware local time; so is the answer. Emergencies are
    not bound by it: the caller leaves them out."""
    opens, closes = service_hours
    span = None
    if preferred and max(preferred[0], opens) < min(preferred[1], closes):
        span = (max(preferred[0], opens), min(preferred[1], closes))
    lead = timedelta(minutes=30) if span else timedelta(hours=1)
    soonest = now + lead
    next_hour = soonest.replace(minute=0, second=0, microsecond=0)
    if next_hour < soonest:
        next_hour += timedelta(hours=1)
    for offset in range(3):
        day = now.date() + timedelta(days=offset)
        at = lambda clock, day=day: datetime.combine(day, clock, tzinfo=now.tzinfo)  # noqa: E731
        if span:
            start, end = at(span[0]), at(span[1])
        else:
            start = max(at(opens), next_hour)
            end = start + length
        if start >= soonest and end <= at(closes):
            return start, end
    start = datetime.combine(now.date() + timedelta(days=1), opens, tzinfo=now.tzinfo)
    return start, start + length


def reschedule_refusal(window_start, acted_at, informed_at, by_dispatcher):
    """R3.2: a technician reschedules only before the agreed window starts, having told the
    customer before it; a dispatcher may do it later."""
    if by_dispatcher:
        return None
    if window_start is None:
        return "尚未约定上门时间 / no appointment to reschedule"
    if acted_at >= window_start:
        return (
            "约定时间已开始,只能由调度员改约 / the window has started: "
            "only a dispatcher can reschedule now"
        )
    if informed_at is not None and informed_at >= window_start:
        return "须在原约定时间之前告知客户 / the customer must be told before the original time"
    return None


def completion_missing(arrived, checklist, is_meter_replacement, meter_replacement):
    """What is still needed before the order can be completed; empty when nothing is."""
    missing = []
    if not arrived:
        missing.append("arrival")
    if "id_shown" not in (checklist or {}):
        missing.append("id_shown")
    if is_meter_replacement and not meter_replacement_complete(meter_replacement):
        missing.append("meter_replacement")
    return missing


METER_FIELDS = (
    "old_meter_number",
    "old_meter_final_reading",
    "new_meter_number",
    "new_meter_initial_reading",
)


def meter_replacement_complete(record):
    return bool(record) and all(record.get(name) not in (None, "") for name in METER_FIELDS)


MISSING_ZH = {
    "arrival": "到场记录 / arrival",
    "id_shown": "出示工作证件 / work ID shown",
    "meter_replacement": "新旧表号及读数 / old and new meter numbers and readings",
}


def submission_warnings(issued, submitted, staff_user_id):
    """Why a form sent through a customer's link may have been filled by staff (audit 13).

    `issued` is (issuer id, address, browser) of the link or None, `submitted` is (address,
    browser) of the submission, `staff_user_id` whoever last signed in on the submitting
    browser (None: nobody). Codes are keys of SUBMISSION_WARNINGS_ZH.
    """
    warnings = []
    issuer_id, issuer_addr, issuer_agent = issued or (None, None, None)
    if staff_user_id is not None:
        warnings.append("issuer_browser" if staff_user_id == issuer_id else "staff_browser")
    if issuer_addr and (issuer_addr, issuer_agent) == tuple(submitted):
        warnings.append("issuer_device")
    return warnings
