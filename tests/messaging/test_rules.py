from datetime import UTC, datetime, timedelta

from app.messaging import rules, texts


def test_chinese_mobile_numbers_are_normalised_and_others_refused():
    assert rules.normalize_mobile("+86 138-0000-1234") == "13800001234"
    assert rules.normalize_mobile("8613800001234") == "13800001234"
    assert rules.normalize_mobile("12800001234") is None
    assert rules.normalize_mobile("0535-1234567") is None
    assert rules.normalize_mobile(None) is None


def test_quiet_hours_across_midnight_end_in_the_morning():
    quiet = rules.parse_quiet_hours("21:00-08:00")
    late = datetime(2026, 12, 1, 14, 30, tzinfo=UTC)  # 22:30 in Shanghai
    assert rules.quiet_until(late, quiet) == datetime(2026, 12, 2, 8, 0, tzinfo=rules.TZ)
    early = datetime(2026, 12, 1, 22, 0, tzinfo=UTC)  # 06:00 next day in Shanghai
    assert rules.quiet_until(early, quiet) == datetime(2026, 12, 2, 8, 0, tzinfo=rules.TZ)
    noon = datetime(2026, 12, 1, 4, 0, tzinfo=UTC)
    assert rules.quiet_until(noon, quiet) is None
    assert rules.send_after("outage_notice", late, quiet) == late


def test_backoff_grows_and_is_capped():
    assert [rules.backoff(n) for n in (1, 2, 3, 9)] == [30, 120, 600, 3600]


def test_rate_limit_frees_when_the_oldest_leaves_the_window():
    now = datetime(2026, 12, 1, 4, 0, tzinfo=UTC)
    hour = timedelta(hours=1)
    sent = [now - timedelta(minutes=50), now - timedelta(minutes=10)]
    assert rules.rate_limited_until("survey_link", sent, 2, hour, now) == sent[0] + hour
    assert rules.rate_limited_until("survey_link", sent, 3, hour, now) is None
    assert rules.rate_limited_until("emergency_offer", sent, 2, hour, now) is None


def test_every_kind_has_a_template_and_tencent_gets_them_in_order():
    assert set(texts.TEMPLATES) == set(rules.KINDS)
    params = {"name": "王师傅", "employee_no": "E001", "code": "0042", "url": "u"}
    assert texts.ordered_params("technician_departing", params) == ["王师傅", "E001", "0042", "u"]
    assert texts.render("technician_departing", params, "水司").startswith("【水司】维修师傅王师傅")
