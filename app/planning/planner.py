"""One day's proposal from plain objects: hard reasons first, VROOM for the rest, then clocks."""

from dataclasses import dataclass

from app.planning import reasons, solver, timeline


@dataclass
class Proposal:
    routes: dict  # crew id -> timeline.RouteTime (empty routes included)
    unassigned: dict  # visit id -> reason code
    solve_ms: int


def propose(crews, visits, seconds, metres, **solve_options):
    unassigned = {}
    for visit in visits:
        reason = reasons.before_solving(visit, crews, seconds)
        if reason:
            unassigned[visit.id] = reason
    solvable = [visit for visit in visits if visit.id not in unassigned]
    result = solver.solve(solver.Problem(crews, solvable, seconds, metres), **solve_options)
    unassigned.update(dict.fromkeys(result.unassigned, reasons.CAPACITY))
    by_id = {visit.id: visit for visit in visits}
    routes = {}
    for crew in crews:
        ids, lunch_after = result.routes.get(crew.id, ([], None))
        routes[crew.id] = timeline.run(
            crew.shift,
            crew.index,
            [by_id[i] for i in ids],
            lunch_after,
            seconds,
            metres,
            crew.max_tasks,
        )
    return Proposal(routes, unassigned, result.solve_ms)
