"""The appointment a phone offers first is inside service hours (issue 13), at the customer's
preferred time when known."""

from datetime import datetime, time

from app.calendar.rules import TZ
from app.visits.rules import suggested_window
from tests.visits.kit import assigned_order

HOURS = (time(8), time(18))


def at(text):
    return datetime.fromisoformat(text).replace(tzinfo=TZ)


def shown(window):
    return [moment.strftime("%m-%d %H:%M") for moment in window]


def test_late_in_the_evening_the_next_morning_is_offered():
    assert shown(suggested_window(at("2026-12-01 21:27"), HOURS)) == ["12-02 08:00", "12-02 10:00"]


def test_during_the_day_two_hours_from_the_next_whole_hour_an_hour_away():
    assert shown(suggested_window(at("2026-12-01 10:20"), HOURS)) == ["12-01 12:00", "12-01 14:00"]
    assert shown(suggested_window(at("2026-12-01 06:10"), HOURS)) == ["12-01 08:00", "12-01 10:00"]


def test_a_window_that_would_end_after_closing_moves_to_the_next_day():
    assert shown(suggested_window(at("2026-12-01 15:30"), HOURS)) == ["12-02 08:00", "12-02 10:00"]


def test_the_customers_preferred_time_is_offered_when_it_can_still_be_met():
    preferred = (time(14), time(16))
    assert shown(suggested_window(at("2026-12-01 10:20"), HOURS, preferred=preferred)) == [
        "12-01 14:00",
        "12-01 16:00",
    ]
    assert shown(suggested_window(at("2026-12-01 15:00"), HOURS, preferred=preferred)) == [
        "12-02 14:00",
        "12-02 16:00",
    ]


def test_a_preferred_time_outside_service_hours_is_cut_to_them_or_ignored():
    evening = (time(17), time(20))
    assert shown(suggested_window(at("2026-12-01 09:00"), HOURS, preferred=evening)) == [
        "12-01 17:00",
        "12-01 18:00",
    ]
    night = (time(19), time(21))
    assert shown(suggested_window(at("2026-12-01 09:00"), HOURS, preferred=night)) == [
        "12-01 10:00",
        "12-01 12:00",
    ]


def test_the_visit_offers_the_time_the_caller_asked_for_and_emergencies_now(client, make):
    wanted = {"preferred_window": {"start": "14:00", "end": "16:00"}}
    order, tech = assigned_order(make, flags=wanted)
    headers = make.headers(tech.user)
    window = client.get(f"/api/workorders/{order.id}/visit", headers=headers).json
    start, end = (
        datetime.fromisoformat(window["suggested_window"][k]).astimezone(TZ)
        for k in ("start", "end")
    )
    assert (start.strftime("%H:%M"), end.strftime("%H:%M")) == ("14:00", "16:00")
    assert start > datetime.now(TZ)
    urgent, tech = assigned_order(make, type="emergency_repair")
    headers = make.headers(tech.user)
    window = client.get(f"/api/workorders/{urgent.id}/visit", headers=headers).json
    start = datetime.fromisoformat(window["suggested_window"]["start"])
    assert abs((start - datetime.now(TZ)).total_seconds()) < 120
