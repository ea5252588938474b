"""The desk sends the one-time notification (R5.1) to the applicant's phone, in Chromium."""

import pytest

from app.auth import tokens
from tests.browser import screenshot
from tests.messaging.kit import delivered, messages

pytestmark = pytest.mark.browser


def test_the_agent_texts_the_one_time_notice_to_the_applicant(page_at, make, run_jobs):
    agent = make.user("hotline_agent")
    page = page_at("/desk/", tokens.access_token(agent))
    page.wait_for_selector("body[data-ready]")
    page.keyboard.press("Alt+2")
    page.select_option("#notice-business", "transfer")
    page.select_option("#notice-kind", "resident")
    page.wait_for_selector("#notice-entry #materials")
    page.check("#materials input[name=have][value='房主的身份证']")
    page.wait_for_function("document.querySelector('#notice-sms').value.includes('尚缺')")
    page.fill("#notice-phone", "0535-1234567")
    page.click("#send-notice-sms")
    page.wait_for_selector("#notice-sent:has-text('请填写正确的手机号码')")
    assert messages(kind="one_time_notice") == []
    page.fill("#notice-phone", "13600003333")
    page.click("#send-notice-sms")
    page.wait_for_selector("#notice-sent:has-text('已提交发送到')")
    screenshot(page, "desk-one-time-notice-sent")
    run_jobs()
    (text,) = [d.text for d in delivered("13600003333")]
    assert "尚缺" in text and "新用户房产证" in text
