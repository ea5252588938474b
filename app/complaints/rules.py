"""Complaint clocks with no database: the half-day hand-off rule, the 24/48-hour limits, alerts.

Hand-off (R4.3, 投诉移交): a complaint received on a working day before the first cut-off
(11:00) is handed off before the morning's end of work (12:00); before the second cut-off
(16:00), before the afternoon's end of work (17:30); later that day, or on a non-working day,
by the end of the next working half-day, i.e. the morning of the next working day. Office
hours and cut-offs are configuration (OFFICE_HOURS, COMPLAINT_HANDOFF_CUTOFFS); working days
come from the working calendar (holidays and make-up working days included).
"""

from datetime import date, datetime, time, timedelta

from app.calendar.rules import TZ, at_local, local_date, nth_working_day_after

HALVES = ("上午", "下午")
WARN_FRACTION = 0.75  # alerts go out at 75% of the allowed time, and at breach
RESOLUTION_HOURS = 24
EXTENDED_HOURS = 48  # special cases, with a reason (R4.4)
PROGRESS_CALL_HOURS = 24  # not resolved at once: a progress call before the 24-hour mark


def parse_cutoffs(text, office_hours):
    """'11:00,16:00' -> [time(11), time(16)]; one cut-off per office-hours span."""
    cutoffs = [time.fromisoformat(part.strip()) for part in text.split(",")]
    if len(cutoffs) != len(office_hours):
        raise ValueError("COMPLAINT_HANDOFF_CUTOFFS needs one cut-off per office-hours span")
    return cutoffs


def handoff_due(received_at, is_working, office_hours, cutoffs):
    """(due_at, rule_zh): when a complaint received at `received_at` must be handed off."""
    local = received_at.astimezone(TZ)
    day, clock = local.date(), local.time()
    if is_working(day):
        for index, (cutoff, (_, end)) in enumerate(zip(cutoffs, office_hours, strict=True)):
            if clock < cutoff:
                half = HALVES[index] if index < len(HALVES) else ""
                return at_local(day, end), f"{_hm(cutoff)}前受理:当日{half}下班({_hm(end)})前移交"
    next_day = nth_working_day_after(day, 1, is_working)
    end = office_hours[0][1]
    why = "非工作日受理" if not is_working(day) else f"{_hm(cutoffs[-1])}后受理"
    return at_local(next_day, end), f"{why}:下一个工作半日({next_day:%m月%d日}上午{_hm(end)})前移交"


def _hm(clock):
    return clock.strftime("%H:%M")


def warn_at(started_at, due_at, fraction=WARN_FRACTION):
    return started_at + (due_at - started_at) * fraction


def clock_stage(now, warn_moment, due_at):
    """running, warning (75% of the time used) or breached (past the due moment)."""
    if now > due_at:
        return "breached"
    if now >= warn_moment:
        return "warning"
    return "running"


def resolution_due(handed_off_at, extended=False):
    return handed_off_at + timedelta(hours=EXTENDED_HOURS if extended else RESOLUTION_HOURS)


def progress_call_due(handed_off_at):
    return handed_off_at + timedelta(hours=PROGRESS_CALL_HOURS)


def may_extend(now, handed_off_at):
    """A lead may extend to 48 h only while the 24-hour limit has not yet passed."""
    return now <= resolution_due(handed_off_at)


def week_bounds(year, week):
    """(Monday, next Monday) as Asia/Shanghai midnights; ValueError for a week that is not."""
    monday = date.fromisocalendar(year, week, 1)
    start = datetime.combine(monday, time(0), tzinfo=TZ)
    return start, start + timedelta(days=7)


def previous_week(now):
    """(ISO year, week) of the week before the one `now` falls in, in Asia/Shanghai."""
    iso = (local_date(now) - timedelta(days=7)).isocalendar()
    return iso.year, iso.week
