"""VROOM over plain objects: who visits which order in what sequence, and when lunch falls.

The solver sees index-based travel matrices (see travel.py), each technician's shift and
skills, and each order's skill, service time, appointment window and priority. It returns
only the assignment and the order of visits; timeline.py clocks the routes, so a proposal
and a dispatcher's edit are timed by the same rule.
"""

import time
from dataclasses import dataclass
from datetime import timedelta

import vroom

PINNED_SKILL_BASE = 1_000_000  # one private skill per technician keeps assigned orders with them
LUNCH_BREAK_ID = 1


@dataclass(frozen=True)
class Crew:
    id: int
    index: int  # row of the technician's base in the travel matrices
    skills: frozenset
    shift: object  # shifts.Shift
    max_tasks: int


@dataclass
class Problem:
    crews: list
    visits: list
    seconds: object
    metres: object


@dataclass
class Result:
    routes: dict  # crew id -> ([visit ids in order], lunch_after)
    unassigned: list
    solve_ms: int


def solve(problem, timeout_s=10, exploration=5, threads=2):
    started = time.perf_counter()
    if not problem.crews or not problem.visits:
        return Result({}, [v.id for v in problem.visits], 0)
    skill_ids = _skill_ids(problem)
    model = vroom.Input()
    model.set_durations_matrix("car", problem.seconds)
    model.add_vehicle([_vehicle(n, crew, skill_ids) for n, crew in enumerate(problem.crews)])
    crew_rank = {crew.id: n for n, crew in enumerate(problem.crews)}
    model.add_job([_job(visit, skill_ids, crew_rank) for visit in problem.visits])
    solution = model.solve(
        exploration_level=exploration, nb_threads=threads, timeout=timedelta(seconds=timeout_s)
    ).to_dict()
    elapsed = int((time.perf_counter() - started) * 1000)
    return Result(_routes(solution), [u["id"] for u in solution["unassigned"]], elapsed)


def _skill_ids(problem):
    codes = {code for crew in problem.crews for code in crew.skills}
    codes |= {visit.skill for visit in problem.visits if visit.skill}
    return {code: n for n, code in enumerate(sorted(codes), start=1)}


def _vehicle(rank, crew, skill_ids):
    shift = crew.shift
    breaks = []
    if shift.lunch:
        window = vroom.TimeWindow(shift.lunch.earliest, shift.lunch.latest)
        breaks.append(
            vroom.Break(
                LUNCH_BREAK_ID,
                time_windows=[window],
                service=shift.lunch.duration,
                description="lunch",
            )
        )
    return vroom.Vehicle(
        crew.id,
        start=crew.index,
        end=crew.index,
        skills={skill_ids[code] for code in crew.skills} | {PINNED_SKILL_BASE + rank},
        time_window=vroom.TimeWindow(shift.start, shift.end),
        breaks=breaks,
        max_tasks=max(crew.max_tasks, 0),
    )


def _job(visit, skill_ids, crew_rank):
    skills = {skill_ids[visit.skill]} if visit.skill else set()
    if visit.pinned_to is not None:
        skills.add(PINNED_SKILL_BASE + crew_rank[visit.pinned_to])
    windows = [vroom.TimeWindow(*visit.window)] if visit.window else []
    return vroom.Job(
        visit.id,
        location=visit.index,
        default_service=visit.service,
        skills=skills,
        priority=min(max(visit.priority, 0), 100),
        time_windows=windows,
    )


def _routes(solution):
    routes = {}
    for route in solution["routes"]:
        order, lunch_after = [], None
        for step in route["steps"]:
            if step["type"] == "job":
                order.append(step["id"])
            elif step["type"] == "break":
                lunch_after = len(order)
        routes[route["vehicle"]] = (order, lunch_after)
    return routes
