"""R3.7 in Chromium: the technician sends the signing SMS from the phone, the customer signs on
their own phone (390x844) with the one-time code, and the technician's phone shows the receipt."""

import re

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.signatures.models import Signature
from tests.messaging.kit import delivered
from tests.mobile.kit import draw_signature, screenshot, sign_in
from tests.signatures.test_signatures import damage
from tests.visits.kit import Phone, assigned_order

pytestmark = pytest.mark.browser
CUSTOMER_PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    "locale": "zh-CN",
    "timezone_id": "Asia/Shanghai",
}


@pytest.fixture
def sms_config(app):
    saved = {key: app.config[key] for key in ("SMS_QUIET_HOURS", "SMS_PROVIDER")}
    app.config.update(SMS_QUIET_HOURS="", SMS_PROVIDER="dev")
    app.extensions.pop("tapline_sms_providers", None)
    yield
    app.config.update(saved)


def test_the_customer_signs_on_their_own_phone(
    contexts, browser, live_server, client, make, run_jobs, sms_config
):
    order, tech = assigned_order(make, caller_phone="13700002222")
    ph = Phone(client, make, tech)
    ph.on_site(order)
    damage(ph, order)
    order_id = order.id

    phone = contexts().new_page()
    sign_in(phone, tech.user)
    phone.click(f"a[data-order-id='{order_id}']")
    phone.click("button[data-step='sign']")
    phone.click("#remote-sign")
    assert phone.input_value("input[name=phone]") == "13700002222"
    phone.fill("input[name=signer_name]", "钱先生")
    phone.check("input[name=signer_relation][value='owner']")
    phone.click("#sheet-submit")
    phone.wait_for_selector("#remote-status:has-text('等待客户签字')")
    assert "签字短信已发到 13700002222" in phone.inner_text("#sheet")
    screenshot(phone, "remote-sign-waiting")

    run_jobs()
    text = [d.text for d in delivered("13700002222") if "签字验证码" in d.text][-1]
    url = re.search(r"https?://\S+/s/[A-Za-z0-9_-]+", text).group(0)
    code = re.search(r"验证码为(\d{6})", text).group(1)

    context = browser.new_context(**CUSTOMER_PHONE)
    errors = []
    customer = context.new_page()
    customer.on("pageerror", lambda exc: errors.append(str(exc)))
    customer.set_default_timeout(15_000)
    customer.goto(live_server + url[url.index("/s/") :])
    body = customer.inner_text("main")
    assert "表具损坏" in customer.inner_text("header") and "137****2222" in body
    screenshot(customer, "remote-sign-customer")
    customer.fill("#code", "000000" if code != "000000" else "111111")
    customer.locator("#pad").scroll_into_view_if_needed()
    draw_signature(customer, "#pad")
    customer.click("#submit")
    customer.wait_for_selector("#error:has-text('验证码不对')")
    assert "还可以再试 4 次" in customer.inner_text("#error")
    screenshot(customer, "remote-sign-wrong-code")
    customer.fill("#code", code)
    customer.click("#submit")
    customer.wait_for_selector("#done:has-text('签字完成')")
    assert re.fullmatch(r"[0-9A-F]{4}(-[0-9A-F]{4}){3}", customer.inner_text("#verification-code"))
    screenshot(customer, "remote-sign-done")
    for page in (customer,):
        shown = page.inner_text("body")
        for word in ("null", "undefined", "NaN", "wrong_code", "link_", "customer_phone"):
            assert word not in shown
    context.close()
    assert not errors, errors

    # The technician's phone saw the signature and hands over the receipt.
    phone.wait_for_selector("#receipt-qr", timeout=20_000)
    screenshot(phone, "remote-sign-receipt")
    signature = db.session.scalar(sa.select(Signature).where(Signature.work_order_id == order_id))
    assert signature.channel == "customer_phone"
