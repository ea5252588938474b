"""The benchmark's own parts, at toy size: the greedy baseline keeps the rules it claims."""

from bench import bench_planning as bench


def test_greedy_baseline_is_a_valid_plan_and_both_are_measured_alike():
    result = bench.run(technicians=4, orders=30, seed=3, timeout_s=5, threads=1)
    day = result["day"]
    routes = bench.greedy(day)
    skills = {crew.id: crew.skills for crew in day.crews}
    served = [(crew, visit) for crew, (visits, _) in routes.items() for visit in visits]
    assert len({visit.id for _, visit in served}) == len(served) == result["greedy"]["served"]
    assert all(visit.skill in skills[crew] for crew, visit in served)
    assert result["greedy"]["violations"] == 0 and result["vroom"]["violations"] == 0
    assert result["same"]["served"] == result["greedy"]["served"]
    assert result["vroom"]["served"] > 0
    assert 0 < result["greedy"]["travel_km"] and 0 <= result["vroom"]["windows_kept"] <= 1
