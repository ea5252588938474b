"""The hand-off and 24/48-hour clocks as plain functions, at every boundary of the rule."""

from datetime import UTC, datetime, time, timedelta

import chinese_calendar
import pytest

from app.calendar.rules import TZ, parse_office_hours
from app.complaints import rules

HOURS = parse_office_hours("08:30-12:00,13:30-17:30")
CUTOFFS = rules.parse_cutoffs("11:00,16:00", HOURS)


def is_working(day):
    return chinese_calendar.is_workday(day)


def local(y, m, d, hh, mm, ss=0):
    return datetime(y, m, d, hh, mm, ss, tzinfo=TZ)


def due(received):
    return rules.handoff_due(received, is_working, HOURS, CUTOFFS)[0]


# 2026-10-14 is an ordinary Wednesday.
@pytest.mark.parametrize(
    "received, expected",
    [
        (local(2026, 10, 14, 7, 0), local(2026, 10, 14, 12, 0)),  # before office hours
        (local(2026, 10, 14, 10, 59), local(2026, 10, 14, 12, 0)),
        (local(2026, 10, 14, 10, 59, 59), local(2026, 10, 14, 12, 0)),
        (local(2026, 10, 14, 11, 0), local(2026, 10, 14, 17, 30)),
        (local(2026, 10, 14, 12, 30), local(2026, 10, 14, 17, 30)),  # lunch break
        (local(2026, 10, 14, 15, 59), local(2026, 10, 14, 17, 30)),
        (local(2026, 10, 14, 16, 0), local(2026, 10, 15, 12, 0)),
        (local(2026, 10, 14, 17, 31), local(2026, 10, 15, 12, 0)),
        (local(2026, 10, 14, 23, 59), local(2026, 10, 15, 12, 0)),
    ],
)
def test_working_day_half_day_boundaries(received, expected):
    assert due(received) == expected


def test_friday_afternoon_before_a_holiday_goes_to_the_next_working_morning():
    # Friday 3 April 2026; Saturday-Monday 4-6 April is Qingming (清明) off.
    assert due(local(2026, 4, 3, 15, 59)) == local(2026, 4, 3, 17, 30)
    assert due(local(2026, 4, 3, 16, 0)) == local(2026, 4, 7, 12, 0)
    assert due(local(2026, 4, 3, 17, 31)) == local(2026, 4, 7, 12, 0)
    # Wednesday 30 September, the last working day before National Day (1-7 October).
    assert due(local(2026, 9, 30, 16, 30)) == local(2026, 10, 8, 12, 0)


def test_make_up_working_saturday_10_october_2026_counts_as_a_working_day():
    assert due(local(2026, 10, 9, 16, 30)) == local(2026, 10, 10, 12, 0)  # Friday late
    assert due(local(2026, 10, 10, 10, 59)) == local(2026, 10, 10, 12, 0)
    assert due(local(2026, 10, 10, 11, 0)) == local(2026, 10, 10, 17, 30)
    assert due(local(2026, 10, 10, 15, 59)) == local(2026, 10, 10, 17, 30)
    assert due(local(2026, 10, 10, 17, 31)) == local(2026, 10, 12, 12, 0)  # Sunday is off


def test_non_working_days_hand_off_by_the_next_working_half_day():
    assert due(local(2026, 10, 3, 9, 0)) == local(2026, 10, 8, 12, 0)  # National Day
    assert due(local(2026, 10, 11, 10, 0)) == local(2026, 10, 12, 12, 0)  # ordinary Sunday
    # Sunday 20 September 2026 is a make-up working day.
    assert due(local(2026, 9, 20, 10, 0)) == local(2026, 9, 20, 12, 0)


def test_the_rule_text_names_the_branch_taken():
    assert rules.handoff_due(local(2026, 10, 14, 10, 59), is_working, HOURS, CUTOFFS)[1] == (
        "11:00前受理:当日上午下班(12:00)前移交"
    )
    assert (
        "下午下班(17:30)"
        in rules.handoff_due(local(2026, 10, 14, 15, 59), is_working, HOURS, CUTOFFS)[1]
    )
    assert rules.handoff_due(local(2026, 10, 3, 9, 0), is_working, HOURS, CUTOFFS)[1].startswith(
        "非工作日受理"
    )


def test_utc_input_is_judged_in_shanghai_time():
    received = datetime(2026, 10, 14, 2, 59, tzinfo=UTC)  # 10:59 in Shanghai
    assert due(received) == local(2026, 10, 14, 12, 0)
    assert due(received + timedelta(minutes=1)) == local(2026, 10, 14, 17, 30)


def test_configured_office_hours_and_cutoffs_are_used():
    hours = parse_office_hours("09:00-12:30,14:00-18:00")
    cutoffs = rules.parse_cutoffs("10:30,15:30", hours)
    got = rules.handoff_due(local(2026, 10, 14, 10, 30), is_working, hours, cutoffs)[0]
    assert got == local(2026, 10, 14, 18, 0)
    with pytest.raises(ValueError):
        rules.parse_cutoffs("11:00", hours)


def test_24_hour_mark_and_75_percent_alert():
    handed = datetime(2026, 10, 14, 3, 0, tzinfo=UTC)
    due_at = rules.resolution_due(handed)
    warn = rules.warn_at(handed, due_at)
    assert due_at == handed + timedelta(hours=24) and warn == handed + timedelta(hours=18)
    stage = rules.clock_stage
    assert stage(handed + timedelta(hours=17, minutes=59), warn, due_at) == "running"
    assert stage(handed + timedelta(hours=18), warn, due_at) == "warning"
    assert stage(handed + timedelta(hours=24), warn, due_at) == "warning"  # still within 24 h
    assert stage(handed + timedelta(hours=24, seconds=1), warn, due_at) == "breached"


def test_48_hour_mark_for_special_cases():
    handed = datetime(2026, 10, 14, 3, 0, tzinfo=UTC)
    due_at = rules.resolution_due(handed, extended=True)
    warn = rules.warn_at(handed, due_at)
    assert due_at == handed + timedelta(hours=48) and warn == handed + timedelta(hours=36)
    assert rules.clock_stage(handed + timedelta(hours=24, seconds=1), warn, due_at) == "running"
    assert rules.clock_stage(handed + timedelta(hours=47, minutes=59), warn, due_at) == "warning"
    assert rules.clock_stage(handed + timedelta(hours=48, seconds=1), warn, due_at) == "breached"


def test_extension_only_before_the_24_hour_limit_passes():
    handed = datetime(2026, 10, 14, 3, 0, tzinfo=UTC)
    assert rules.may_extend(handed + timedelta(hours=23, minutes=59), handed)
    assert rules.may_extend(handed + timedelta(hours=24), handed)
    assert not rules.may_extend(handed + timedelta(hours=24, seconds=1), handed)


def test_progress_call_due_at_the_24_hour_mark():
    handed = datetime(2026, 10, 14, 3, 0, tzinfo=UTC)
    assert rules.progress_call_due(handed) == handed + timedelta(hours=24)


def test_iso_weeks_in_shanghai_time():
    start, end = rules.week_bounds(2026, 41)
    assert start == datetime(2026, 10, 5, tzinfo=TZ) and end == datetime(2026, 10, 12, tzinfo=TZ)
    assert start.time() == time(0)
    with pytest.raises(ValueError):
        rules.week_bounds(2026, 54)
    # Monday 00:30 in Shanghai is still Sunday in UTC; the previous week is judged locally.
    assert rules.previous_week(datetime(2026, 10, 11, 16, 30, tzinfo=UTC)) == (2026, 41)
    assert rules.previous_week(datetime(2026, 1, 5, 1, 0, tzinfo=UTC)) == (2026, 1)
