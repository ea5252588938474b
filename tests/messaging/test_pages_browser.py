"""The staff's 短信发件箱 and the customer's tracking page, in Chromium."""

import pytest
from flask import g

from app.auth import tokens
from tests.browser import screenshot

pytestmark = pytest.mark.browser


def test_admin_reads_the_sms_outbox_with_attempts(page_at, make, run_jobs):
    make.work_order(caller_phone="13900001111")
    make.work_order(caller_phone="0535-1234567")
    run_jobs()
    admin = make.user("admin")
    page = page_at("/admin/sms/", tokens.access_token(admin))
    page.wait_for_selector("#sms-rows tr")
    text = page.inner_text("#sms-table")
    assert "受理通知" in text and "已发送" in text and "号码无效" in text
    assert "开发发件箱:成功" in text and "您的报修已受理" in text
    for word in ("null", "undefined", "NaN", "order_received"):
        assert word not in text
    screenshot(page, "sms-outbox")


def test_the_tracking_page_reads_plainly_on_a_phone(page_at, client, make, run_jobs, storage_dir):
    import re

    from tests.messaging.kit import delivered
    from tests.visits.kit import Phone, assigned_order

    order, tech = assigned_order(make)
    name = tech.name
    assert Phone(client, make, tech).post(order.id, "depart", {}).status_code == 200
    run_jobs()
    text = [d.text for d in delivered() if "已出发" in d.text][0]
    token = re.search(r"/t/([A-Za-z0-9_-]+)", text).group(1)
    page = page_at(f"/t/{token}", viewport=(390, 844))
    body = page.inner_text("main")
    assert "师傅已出发" in body and name in body and "核对码" in body
    for word in ("null", "None", "undefined", "en_route"):
        assert word not in body
    page.wait_for_function("document.querySelector('#technician img').naturalWidth > 0")
    screenshot(page, "tracking-en-route")
    # The phone's request left its signed-in technician on the test's app context (g), whose
    # row run_jobs() detached: the next order's actor label would read it (acting_role).
    g.pop("user", None)
    make.work_order(caller_phone="13900002222")
    run_jobs()
    text = [d.text for d in delivered("13900002222")][0]
    token = re.search(r"/t/([A-Za-z0-9_-]+)", text).group(1)
    page = page_at(f"/t/{token}", viewport=(390, 844))
    assert "已受理" in page.inner_text("main")
    page.fill("#preferred", "明天下午三点以后")
    page.click("form[action$=reschedule] button")
    page.wait_for_selector("text=已收到您的改约申请")
    screenshot(page, "tracking-reschedule-sent")
