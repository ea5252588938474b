"""The staff's 短信发件箱 and the customer's tracking page, in Chromium."""

import pytest

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
