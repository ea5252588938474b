"""Plain unit tests: travel estimate, shifts, route clocks, the planner over plain objects."""

from datetime import time

import numpy as np
import pytest

from app.planning import planner, reasons, shifts, timeline
from app.planning.solver import Crew
from app.planning.timeline import Visit
from app.planning.travel import TravelModel, great_circle_matrix

OFFICE = [(time(8, 30), time(12)), (time(13, 30), time(17, 30))]
SHIFT = shifts.office_shift(OFFICE, 1800)
H = 3600


def test_travel_is_great_circle_times_road_factor_at_city_speed():
    one_km_north = [(121.16, 36.77), (121.16, 36.77 + 1 / 111.195)]
    assert great_circle_matrix(one_km_north)[0, 1] == pytest.approx(1000, rel=1e-3)
    metres, seconds = TravelModel(1.3, 25).matrices(one_km_north)
    assert metres[0, 1] == 1300 and seconds[0, 1] == round(1300 / (25 / 3.6))
    assert metres[0, 0] == 0 and metres.dtype == np.uint32


def test_office_shift_and_roster_shift():
    assert (SHIFT.start, SHIFT.end) == (8.5 * H, 17.5 * H)
    assert SHIFT.lunch == shifts.Lunch(11.5 * H, 12.5 * H, 1.5 * H)
    short = shifts.roster_shift(time(9), time(12), OFFICE, 1800)
    assert (short.start, short.end, short.lunch, short.source) == (9 * H, 12 * H, None, "roster")
    assert shifts.roster_shift(time(7), time(19), OFFICE, 1800).lunch == SHIFT.lunch
    later = shifts.starting_no_earlier(SHIFT, 13 * H)
    assert later.start == 13 * H and later.lunch is None


def _line(*km):
    """Points along a line, `km` apart from the base at index 0; travel 1 km = 10 min."""
    positions = [0, *km]
    metres = np.array([[abs(a - b) * 1000 for b in positions] for a in positions])
    return metres // 1000 * 600, metres


def test_route_waits_for_window_and_flags_late_and_overtime():
    seconds, metres = _line(1, 2)
    visits = [Visit(1, 1, H, window=(10 * H, 11 * H)), Visit(2, 2, 8 * H)]
    route = timeline.run(SHIFT, 0, visits, lunch_after=1, seconds=seconds, metres=metres)
    first, second = route.stops
    assert (first.arrival, first.start) == (8.5 * H + 600, 10 * H)
    assert first.wait_s == 10 * H - first.arrival
    # Too early for lunch at 11:00: drive the 10 minutes on, eat at 11:30, arrive at 13:00.
    assert route.lunch_start == 11.5 * H and second.arrival == 13 * H
    assert second.violations == [timeline.AFTER_SHIFT]
    assert route.violations == [timeline.AFTER_SHIFT]
    assert route.travel_m == 4000 and route.back_at == second.end + 1200
    late = timeline.run(
        SHIFT,
        0,
        [Visit(1, 2, 600, window=(8.5 * H, 8.5 * H + 600))],
        None,
        seconds,
        metres,
        max_tasks=0,
    )
    assert late.stops[0].violations == [timeline.WINDOW_MISSED]
    assert late.violations == [timeline.OVER_CAPACITY]


def test_best_lunch_goes_where_it_breaks_nothing():
    seconds, metres = _line(1, 1)
    visits = [Visit(1, 1, H), Visit(2, 2, H, window=(11 * H, 11.5 * H))]
    route = timeline.best_lunch(SHIFT, 0, visits, seconds, metres)
    assert route.lunch_after == 2 and route.lunch_start == 12 * H
    assert route.penalty == (0, 13.5 * H + 600)


def _crew(id, index, skills=("plumbing",), max_tasks=8, shift=SHIFT):
    return Crew(id, index, frozenset(skills), shift, max_tasks)


def test_planner_respects_skills_pins_windows_and_says_why():
    seconds, metres = _line(0, 1, 2, 3, 4, 200)
    crews = [_crew(10, 0), _crew(20, 1, skills=("plumbing", "meter"))]
    visits = [
        Visit(1, 2, 1800, skill="meter"),
        Visit(2, 3, 1800, skill="plumbing", pinned_to=10),
        Visit(3, 4, 1800, skill="plumbing", window=(15 * H, 16 * H)),
        Visit(4, 4, 1800, skill="water_quality"),
        Visit(5, 6, 1800, skill="plumbing"),  # 200 km away: over 5 h each way
        Visit(6, 4, 1800, skill="plumbing", window=(6 * H, 7 * H)),
        Visit(7, 3, 1800, skill="plumbing", pinned_to=99),
    ]
    proposal = planner.propose(crews, visits, seconds, metres, timeout_s=5, threads=1)
    routes = {crew: [s.id for s in route.stops] for crew, route in proposal.routes.items()}
    assert 1 in routes[20] and 2 in routes[10] and 3 in routes[10] + routes[20]
    assert proposal.unassigned == {
        4: reasons.NO_SKILL,
        5: reasons.OUT_OF_REACH,
        6: reasons.WINDOW_IMPOSSIBLE,
        7: reasons.TECHNICIAN_OFF_SHIFT,
    }
    third = next(s for r in proposal.routes.values() for s in r.stops if s.id == 3)
    assert 15 * H <= third.start <= 16 * H
    assert all(not s.violations for r in proposal.routes.values() for s in r.stops)


def test_when_the_day_is_full_the_higher_priority_order_is_kept():
    seconds, metres = _line(0, 1, 1)
    crews = [_crew(10, 0, max_tasks=1)]
    visits = [
        Visit(1, 1, 1800, skill="plumbing", priority=0),
        Visit(2, 2, 1800, skill="plumbing", priority=70),
    ]
    proposal = planner.propose(crews, visits, seconds, metres, timeout_s=5, threads=1)
    assert [s.id for s in proposal.routes[10].stops] == [2]
    assert proposal.unassigned == {1: reasons.CAPACITY}
    nobody = planner.propose([_crew(10, 0, max_tasks=0)], visits, seconds, metres)
    assert nobody.unassigned == {1: reasons.CAPACITY, 2: reasons.CAPACITY}
