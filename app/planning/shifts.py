"""A technician's working day as seconds after local midnight: office hours or a roster entry."""

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
    source: str  # office_hours | roster


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
    begin, finish = seconds(start), seconds(end)
    lunch = office_lunch(office_hours, slack_s)
    if lunch and not (begin <= lunch.earliest and lunch.latest + lunch.duration <= finish):
        lunch = None
    return Shift(begin, finish, lunch, "roster")


def starting_no_earlier(shift, earliest_s):
    """The rest of a shift that has already begun (planning today)."""
    if earliest_s <= shift.start:
        return shift
    lunch = shift.lunch if shift.lunch and earliest_s <= shift.lunch.latest else None
    return Shift(min(earliest_s, shift.end), shift.end, lunch, shift.source)
