"""Each event of an order's timeline reads as one plain Chinese sentence (issue 13)."""

from app.workorders.timeline import event_label, sentence


def test_a_system_assignment_reads_as_who_did_what_why_and_where_it_left_the_order():
    text = sentence(
        "assign",
        "system:router",
        reason="系统推荐第1位:距驻点1855米,在办0单 / top candidate: 1855 m, load 0",
        to_status="assigned",
    )
    assert text == "系统派单,原因:系统推荐第1位:距驻点1855米,在办0单。工单现为「已派单」。"


def test_no_event_code_or_english_reaches_the_sentence():
    text = sentence(
        "awaiting_dispatcher",
        "system:router",
        reason="按配置由调度员派单 / manual dispatch for this type and team",
    )
    assert text == "等待调度员派单,原因:按配置由调度员派单。"
    assert sentence("some_new_kind", "robot:x") == "工作人员工单记录。"


def test_step_details_are_in_words():
    assert sentence("contact_attempt", "technician:tech01", payload={"outcome": "agreed"}) == (
        "维修工联系客户:已约定时间。"
    )
    far = sentence(
        "arrive",
        "technician:tech01",
        payload={"distance_m": 312.4, "flagged": True, "flag_limit_m": 200},
        to_status="on_site",
    )
    assert far == "维修工到场:距工单位置约 312 米,超出 200 米,已提示调度员。工单现为「已到场」。"
    tick = sentence(
        "checklist:id_shown", "technician:t", payload={"label": "出示有效工作证件 / ID"}
    )
    assert tick == "维修工上门服务规范:出示有效工作证件。"
    assert event_label("checklist:uniform") == "上门服务规范"
    assert sentence("customer_verified_id", "customer:qr") == "客户(扫码)客户核验工作人员身份。"
