"""Deadlines on the official calendar: National Day and Spring Festival 2026, unknown years."""

from datetime import date, datetime, time

import pytest

from app.calendar import rules
from app.calendar.services import WorkingCalendar, working_days_deadline

TZ = rules.TZ
HOURS = rules.parse_office_hours("08:30-12:00,13:30-17:30")


def shanghai(y, m, d, hh=10, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=TZ)


@pytest.mark.parametrize(
    "received, due",
    [
        # Tuesday 29 Sep 2026: Wed 30 Sep, then 1-7 Oct off, Thu 8 Oct, Fri 9 Oct.
        (shanghai(2026, 9, 29), date(2026, 10, 9)),
        # Wed 30 Sep: 8, 9 and the make-up working Saturday 10 October.
        (shanghai(2026, 9, 30), date(2026, 10, 10)),
        # Received on the holiday itself: counted from the next working days 8, 9, 10 Oct.
        (shanghai(2026, 10, 3), date(2026, 10, 10)),
        # Friday 18 Sep: the make-up working Sunday 20 Sep counts.
        (shanghai(2026, 9, 18), date(2026, 9, 22)),
        # Spring Festival 2026 (15-23 Feb off, 14 and 28 Feb working): Fri 13 Feb -> 14, 24, 25.
        (shanghai(2026, 2, 13), date(2026, 2, 25)),
        # Late evening still belongs to the local (Shanghai) day.
        (shanghai(2026, 11, 27, 23, 50), date(2026, 12, 2)),
    ],
)
def test_three_working_days_follow_the_official_calendar(received, due):
    deadline, rule, unconfirmed = working_days_deadline(received, 3)
    assert deadline == datetime.combine(due, time(17, 30), tzinfo=TZ)
    assert unconfirmed is False
    assert "第3个工作日" in rule


def test_utc_storage_does_not_shift_the_business_day():
    # 20:00 UTC on Sunday 27 Sep 2026 is 04:00 Monday 28 Sep in Shanghai.
    received = datetime.fromisoformat("2026-09-27T20:00:00+00:00")
    deadline, _, _ = working_days_deadline(received, 1)
    assert deadline.astimezone(TZ).date() == date(2026, 9, 29)


def test_a_year_nobody_knows_counts_weekends_only_and_says_so():
    deadline, _, unconfirmed = working_days_deadline(shanghai(2028, 9, 29), 3)  # a Friday
    assert unconfirmed is True
    assert deadline.astimezone(TZ).date() == date(2028, 10, 4)


def test_a_loaded_notice_wins_over_guesses(client, make):
    admin = make.user("admin")
    notice = {
        "source": "国务院办公厅关于2027年部分节假日安排的通知(测试)",
        "holidays": [{"name": "国庆节", "start": "2027-10-01", "end": "2027-10-07"}],
        "workdays": ["2027-09-26", "2027-10-09"],
    }
    resp = client.put("/api/calendar/years/2027", headers=make.headers(admin), json=notice)
    assert resp.status_code == 200, resp.json
    calendar = WorkingCalendar()
    assert calendar.is_working(date(2027, 10, 4)) is False  # a Monday, but a holiday
    assert calendar.is_working(date(2027, 10, 9)) is True  # a Saturday, made a working day
    assert calendar.is_working(date(2027, 10, 11)) is True
    deadline, _, unconfirmed = working_days_deadline(shanghai(2027, 9, 30), 3)
    assert unconfirmed is False
    assert deadline.astimezone(TZ).date() == date(2027, 10, 11)  # 8 (Fri), 9 (Sat), 11 (Mon)
    days = client.get(
        "/api/calendar/days?from=2027-10-08&to=2027-10-09", headers=make.headers(admin)
    ).json
    assert [(d["day"], d["is_working"], d["source"]) for d in days] == [
        ("2027-10-08", True, "notice"),
        ("2027-10-09", True, "notice"),
    ]


def test_notice_input_is_checked_and_only_admins_load_it(client, make):
    admin, agent = make.user("admin"), make.user("hotline_agent")
    bad = {
        "source": "x",
        "holidays": [{"name": "国庆", "start": "2026-10-07", "end": "2026-10-01"}],
    }
    resp = client.put("/api/calendar/years/2027", headers=make.headers(admin), json=bad)
    assert resp.status_code == 422 and resp.json["code"] == "validation_error"
    other_year = {
        "source": "x",
        "holidays": [{"name": "国庆", "start": "2026-10-01", "end": "2026-10-07"}],
    }
    resp = client.put("/api/calendar/years/2027", headers=make.headers(admin), json=other_year)
    assert resp.status_code == 422 and "holidays" in resp.json["errors"]
    good = {"source": "x", "holidays": []}
    assert (
        client.put("/api/calendar/years/2027", headers=make.headers(agent), json=good).status_code
        == 403
    )
    assert client.get("/api/calendar/years", headers=make.headers(admin)).json == []


def test_emergency_deadline_is_minutes_not_days(client, make):
    make.zone()
    agent = make.user("hotline_agent")
    resp = client.post(
        "/api/workorders",
        headers=make.headers(agent),
        json={
            "type": "emergency_repair",
            "channel": "repair_line",
            "caller_name": "赵",
            "caller_phone": "13800000001",
            "address": "海阳市凤城街道",
            "description": "主管爆裂",
            "location": {"lat": 36.77, "lon": 121.16},
        },
    )
    body = resp.json
    created = datetime.fromisoformat(body["created_at"])
    deadline = datetime.fromisoformat(body["deadline_at"])
    assert (deadline - created).total_seconds() == 30 * 60
    assert body["priority"] == 2
