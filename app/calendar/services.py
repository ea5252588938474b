"""Which days are working days: loaded notices first, then chinese-calendar, else weekends."""

from datetime import date, timedelta
from functools import lru_cache

import chinese_calendar
import sqlalchemy as sa
from flask import current_app

from app.calendar import rules
from app.calendar.models import CalendarYear, WorkingDay
from app.extensions import db


@lru_cache(maxsize=4096)
def _package_says(day):
    """chinese-calendar's answer, or None for a year it does not know (it raises)."""
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return None


class WorkingCalendar:
    """One database read per year asked; answers is_working and whether it is confirmed."""

    def __init__(self):
        self._years = {}
        self.unconfirmed_days = set()

    def _year(self, year):
        """(notice loaded, {day: is_working}) in one statement: the year's overrides, and a
        row with no day when its notice is loaded (one round trip per order and suggestion)."""
        if year not in self._years:
            days = sa.select(WorkingDay.day, WorkingDay.is_working).where(
                WorkingDay.day.between(date(year, 1, 1), date(year, 12, 31))
            )
            notice = sa.select(sa.null(), sa.null()).where(CalendarYear.year == year)
            rows = db.session.execute(sa.union_all(days, notice)).all()
            overrides = {day: working for day, working in rows if day is not None}
            self._years[year] = (len(overrides) < len(rows), overrides)
        return self._years[year]

    def is_working(self, day):
        loaded, overrides = self._year(day.year)
        if day in overrides:
            return overrides[day]
        if loaded:
            return rules.weekend_rule(day)
        known = _package_says(day)
        if known is not None:
            return known
        self.unconfirmed_days.add(day)
        return rules.weekend_rule(day)

    def source(self, day):
        loaded, overrides = self._year(day.year)
        if loaded:
            return "notice"
        return "package" if _package_says(day) is not None else "weekends_only"


def office_hours():
    return rules.parse_office_hours(current_app.config["OFFICE_HOURS"])


def working_days_deadline(received_at, n):
    """(due_at, rule text, calendar_unconfirmed) for a working-day time limit."""
    calendar = WorkingCalendar()
    hours = office_hours()
    due = rules.working_days_deadline(received_at, n, calendar.is_working, hours)
    return due, rules.describe_rule(n, hours), bool(calendar.unconfirmed_days)


def days_between(start, end):
    calendar = WorkingCalendar()
    day = start
    while day <= end:
        yield day, calendar.is_working(day), calendar.source(day)
        day += timedelta(days=1)


def load_notice(year, source, holidays, workdays, user=None):
    """Replace `year` with an official notice: holiday spans off, make-up days on."""
    db.session.execute(
        sa.delete(WorkingDay).where(WorkingDay.day.between(date(year, 1, 1), date(year, 12, 31)))
    )
    for span in holidays:
        day = span["start"]
        while day <= span["end"]:
            db.session.add(WorkingDay(day=day, is_working=False, name=span["name"], source=source))
            day += timedelta(days=1)
    for day in workdays:
        db.session.add(WorkingDay(day=day, is_working=True, name="调休上班", source=source))
    notice = db.session.get(CalendarYear, year) or CalendarYear(year=year)
    notice.source = source
    notice.loaded_by_id = user.id if user else None
    notice.loaded_at = rules.datetime.now(rules.TZ)
    db.session.add(notice)
    db.session.flush()
    return notice
