from datetime import UTC, datetime, timedelta

from app.calendar.rules import TZ, parse_office_hours
from app.calendar.services import WorkingCalendar
from app.dispatch import rules

HOURS = parse_office_hours("08:30-12:00,13:30-17:30")


def local(*args):
    return datetime(*args, tzinfo=TZ)


def test_office_hours_follow_the_official_calendar(app):
    is_working = WorkingCalendar().is_working
    assert rules.in_office_hours(local(2025, 9, 30, 10, 0), is_working, HOURS)
    assert not rules.in_office_hours(local(2025, 10, 1, 10, 0), is_working, HOURS)  # 国庆
    assert rules.in_office_hours(local(2025, 9, 28, 10, 0), is_working, HOURS)  # 调休上班 Sunday
    assert not rules.in_office_hours(local(2025, 9, 30, 12, 30), is_working, HOURS)  # lunch
    assert not rules.in_office_hours(local(2025, 9, 30, 17, 30), is_working, HOURS)
    assert not rules.in_office_hours(local(2025, 9, 30, 8, 29), is_working, HOURS)
    # The UTC instant is judged in Asia/Shanghai: 01:00 UTC is 09:00 there.
    assert rules.in_office_hours(datetime(2025, 9, 30, 1, 0, tzinfo=UTC), is_working, HOURS)


def cand(tid, distance, load=0, due_earlier=0, would_preempt=False):
    return {
        "technician_id": tid,
        "distance_m": distance,
        "load": load,
        "due_earlier": due_earlier,
        "would_preempt": would_preempt,
    }


def test_rank_nearest_then_load_then_earlier_deadlines():
    ranked = rules.rank(
        [
            cand(1, 900),
            cand(2, 300, load=3),
            cand(3, 300, load=1),
            cand(4, 300, load=1, due_earlier=2),
        ]
    )
    assert [c["technician_id"] for c in ranked] == [3, 4, 2, 1]


def test_emergency_ranks_free_technicians_before_preemption():
    ranked = rules.rank([cand(1, 100, would_preempt=True), cand(2, 800)], emergency=True)
    assert [c["technician_id"] for c in ranked] == [2, 1]
    assert [c["technician_id"] for c in rules.rank(ranked)] == [1, 2]


def test_absurd_ping_times_are_named():
    now = datetime(2026, 5, 1, 12, tzinfo=UTC)
    age, ahead = timedelta(days=7), timedelta(minutes=5)
    assert rules.ping_errors({"device_time": now - timedelta(hours=1)}, now, age, ahead) == {}
    assert "device_time" in rules.ping_errors(
        {"device_time": now + timedelta(hours=1)}, now, age, ahead
    )
    assert "device_time" in rules.ping_errors(
        {"device_time": now - timedelta(days=800)}, now, age, ahead
    )
