"""Working-day arithmetic with no database: plain functions over an `is_working(date)` lookup."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

TZ = ZoneInfo("Asia/Shanghai")


def parse_office_hours(text):
    """'08:30-12:00,13:30-17:30' -> [(time(8,30), time(12)), (time(13,30), time(17,30))]."""
    spans = []
    for part in text.split(","):
        start, end = part.strip().split("-")
        spans.append((time.fromisoformat(start), time.fromisoformat(end)))
    return spans


def local_date(moment):
    return moment.astimezone(TZ).date()


def at_local(day, clock):
    return datetime.combine(day, clock, tzinfo=TZ)


def nth_working_day_after(day, n, is_working):
    """The n-th working day strictly after `day` (n >= 1)."""
    current, found = day, 0
    while found < n:
        current += timedelta(days=1)
        if is_working(current):
            found += 1
    return current


def working_days_deadline(received_at, n, is_working, office_hours):
    """Due at the end of work on the n-th working day after the day of receipt.

    Received on working day D: due at close of D+n. Received on a non-working day: the
    following working days count from 1, so it is due at close of the n-th of them.
    """
    due_day = nth_working_day_after(local_date(received_at), n, is_working)
    return at_local(due_day, office_hours[-1][1])


DEADLINE_RULE_ZH = "受理日后第{n}个工作日下班前({close})"


def describe_rule(n, office_hours):
    return DEADLINE_RULE_ZH.format(n=n, close=office_hours[-1][1].strftime("%H:%M"))


def weekend_rule(day: date):
    return day.weekday() < 5
