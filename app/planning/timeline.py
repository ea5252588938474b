"""A route's clock: travel, waiting for the appointment window, service, lunch, the way back.

Every time is seconds after local midnight of the planned day. Each stop starts as early as
it can (the technician waits at the door for a window that has not opened); lunch falls after
a given number of stops; nothing here refuses a route: late starts and overtime are reported
as violations for the dispatcher.
"""

from dataclasses import dataclass, field

WINDOW_MISSED = "window_missed"
AFTER_SHIFT = "after_shift"
OVER_CAPACITY = "over_capacity"
LUNCH_LATE = "lunch_late"

VIOLATIONS = {
    WINDOW_MISSED: "晚于预约时段到达 / arrives after the appointment window",
    AFTER_SHIFT: "超出班次结束时间 / runs past the end of the shift",
    OVER_CAPACITY: "超过当日工单上限 / more orders than the technician's daily limit",
    LUNCH_LATE: "午休无法按时开始 / the lunch break cannot start in time",
}


@dataclass(frozen=True)
class Visit:
    id: int
    index: int  # row in the travel matrices
    service: int
    window: tuple[int, int] | None = None
    skill: str | None = None
    priority: int = 0
    pinned_to: int | None = None  # already assigned to this technician


@dataclass
class StopTime:
    id: int
    arrival: int
    start: int
    end: int
    travel_s: int
    travel_m: int
    violations: list[str] = field(default_factory=list)

    @property
    def wait_s(self):
        return self.start - self.arrival


@dataclass
class RouteTime:
    stops: list[StopTime]
    lunch_after: int | None
    lunch_start: int | None
    back_at: int
    return_s: int
    return_m: int
    violations: list[str]

    @property
    def travel_s(self):
        return sum(s.travel_s for s in self.stops) + self.return_s

    @property
    def travel_m(self):
        return sum(s.travel_m for s in self.stops) + self.return_m

    @property
    def penalty(self):
        """Fewer violations first, then the earlier return: how a lunch slot is chosen."""
        count = sum(len(s.violations) for s in self.stops) + len(self.violations)
        return count, self.back_at


def run(shift, home, visits, lunch_after, seconds, metres, max_tasks=None):
    """Clock a route that leaves `home` at the shift start and visits `visits` in order."""
    clock, here, stops, lunch_start = shift.start, home, [], None
    for position, visit in enumerate(visits):
        travel = int(seconds[here][visit.index])
        arrival = clock + travel
        if shift.lunch and lunch_after == position:
            lunch_start, arrival = _lunch_on_the_way(shift.lunch, clock, travel)
        stops.append(_visit(shift, here, visit, arrival, travel, metres))
        clock, here = stops[-1].end, visit.index
    back = clock + int(seconds[here][home])
    if shift.lunch and lunch_after == len(visits) and visits:
        lunch_start, back = _lunch_on_the_way(shift.lunch, clock, int(seconds[here][home]))
    return RouteTime(
        stops,
        lunch_after if lunch_start is not None else None,
        lunch_start,
        back,
        int(seconds[here][home]),
        int(metres[here][home]),
        _route_violations(shift, back, lunch_start, len(visits), max_tasks),
    )


def best_lunch(shift, home, visits, seconds, metres, max_tasks=None):
    """Clock the route with lunch after whichever stop gives the fewest violations."""
    if not shift.lunch or not visits:
        return run(shift, home, visits, None, seconds, metres, max_tasks)
    options = (
        run(shift, home, visits, k, seconds, metres, max_tasks) for k in range(len(visits) + 1)
    )
    return min(options, key=lambda route: route.penalty)


def _lunch_on_the_way(lunch, clock, travel):
    """(lunch start, arrival): too early for lunch, the technician drives on and eats on the way.

    This is VROOM's rule for a break between two tasks, so its plans clock the same here.
    """
    start = max(clock, lunch.earliest)
    driven = min(travel, start - clock)
    return start, start + lunch.duration + travel - driven


def _visit(shift, here, visit, arrival, travel, metres):
    start = max(arrival, visit.window[0]) if visit.window else arrival
    stop = StopTime(
        visit.id, arrival, start, start + visit.service, travel, int(metres[here][visit.index])
    )
    if visit.window and start > visit.window[1]:
        stop.violations.append(WINDOW_MISSED)
    if stop.end > shift.end:
        stop.violations.append(AFTER_SHIFT)
    return stop


def _route_violations(shift, back, lunch_start, count, max_tasks):
    found = []
    if count and back > shift.end:
        found.append(AFTER_SHIFT)
    if lunch_start is not None and lunch_start > shift.lunch.latest:
        found.append(LUNCH_LATE)
    if max_tasks is not None and count > max_tasks:
        found.append(OVER_CAPACITY)
    return found
