"""A technician's working day as seconds after local midnight: office hours, a roster entry,
or on-call duty on a day with neither."""

from dataclasses import dataclass
from datetime import time


@dataclass(frozen=True)
class Lunch:
    earliest: int  # the break may begin between earliest and latest
    latest: int
    duration: int


@dataclass(frozen=True)
class Shift:
    start: int
    end: int
    lunch: Lunch | None
    source: str  # office_hours | roster | on_call


def seconds(clock: time) -> int:
    return clock.hour * 3600 + clock.minute * 60 + clock.second


def office_lunch(office_hours, slack_s):
    """The gap between the first two office spans, movable by `slack_s` to finish a job first."""
    if len(office_hours) < 2:
        return None
    gap_start, gap_end = seconds(office_hours[0][1]), seconds(office_hours[1][0])
    return Lunch(max(0, gap_start - slack_s), gap_start + slack_s, gap_end - gap_start)


def office_shift(office_hours, slack_s):
    """On a working day: from the first office span's start to the last one's end."""
    return Shift(
        seconds(office_hours[0][0]),
        seconds(office_hours[-1][1]),
        office_lunch(office_hours, slack_s),
        "office_hours",
    )


def roster_shift(start: time, end: time, office_hours, slack_s):
    """A rostered day; it keeps the office lunch break only when that break lies inside it."""
    return _span_shift(seconds(start), seconds(end), office_hours, slack_s, "roster")


def duty_shift(begin_s, end_s, office_hours, slack_s):
    """On-call duty (dispatch's roster, R6) on a day without office hours or a roster entry."""
    return _span_shift(begin_s, end_s, office_hours, slack_s, "on_call")


def _span_shift(begin, finish, office_hours, slack_s, source):
    lunch = office_lunch(office_hours, slack_s)
    if lunch and not (begin <= lunch.earliest and lunch.latest + lunch.duration <= finish):
        lunch = None
    return Shift(begin, finish, lunch, source)


def starting_no_earlier(shift, earliest_s):
    """The rest of a shift that has already begun (planning today)."""
    if earliest_s <= shift.start:
        return shift
    lunch = shift.lunch if shift.lunch and earliest_s <= shift.lunch.latest else None
    return Shift(min(earliest_s, shift.end), shift.end, lunch, shift.source)
