"""Audit item 9 in a real browser: every page works with its Content-Security-Policy enforced.

The desk and phone fixtures bypass the CSP (Playwright's wait_for_function evals); here the
pages run under it, and any violation the browser reports, or any script error, fails.
"""

from datetime import timedelta

import pytest

from app.auth import tokens
from tests.browser import screenshot
from tests.factories import PASSWORD
from tests.signatures.test_signatures import damage, sign
from tests.visits.kit import assigned_order, phone, storage_dir  # noqa: F401

pytestmark = pytest.mark.browser


@pytest.fixture
def enforced(browser, live_server):
    """open(path, token=None, on_phone=False) -> page, with the CSP on; fails on any violation."""
    contexts, problems = [], []

    def open_page(path, token=None, on_phone=False):
        size = {"width": 390, "height": 844} if on_phone else {"width": 1366, "height": 768}
        context = browser.new_context(viewport=size, locale="zh-CN", timezone_id="Asia/Shanghai")
        contexts.append(context)
        if token:
            context.add_init_script(f"sessionStorage.setItem('tapline.token', {token!r});")
        page = context.new_page()
        page.on("pageerror", lambda exc: problems.append(f"{path}: {exc}"))
        page.on(
            "console",
            lambda msg: (
                problems.append(f"{path}: {msg.text}")
                if "Content Security Policy" in msg.text
                else None
            ),
        )
        page.set_default_timeout(20_000)
        resp = page.goto(live_server + path)
        assert "script-src 'self'" in resp.headers["content-security-policy"]
        return page

    yield open_page
    for context in contexts:
        context.close()
    assert not problems, problems


def test_staff_pages_run_under_the_csp(enforced, make):
    make.zone()
    make.technician(on_call=True)
    make.work_order()  # waits in the dispatchers' queue
    agent = make.headers(make.user("hotline_agent"))["Authorization"][7:]
    desk = enforced("/desk/", token=agent)
    desk.wait_for_selector("#search:focus")
    desk.fill("#search", "13900001111")
    desk.keyboard.press("Enter")
    desk.wait_for_timeout(500)
    dispatcher = make.headers(make.user("dispatcher"))["Authorization"][7:]
    console = enforced("/dispatch/", token=dispatcher)
    console.wait_for_selector(".queue-item")
    console.wait_for_selector(".tech-icon span")
    screenshot(console, "csp-console")
    docs = enforced("/api/docs")
    # started by /static/swagger-init.js; the title shows once the spec has loaded
    docs.wait_for_selector(".swagger-ui .info .title", timeout=60_000)
    manager = make.headers(make.user("general_manager"))["Authorization"][7:]
    figures = enforced("/office/figures", token=manager)
    figures.click("#figure-filters button[type=submit]")
    figures.wait_for_selector("#trend-chart svg")  # ECharts draws with inline style attributes
    screenshot(figures, "csp-office-figures")
    enforced("/office/bulletin", token=manager).wait_for_selector("#csv-bulletin")
    admin = make.headers(make.user("admin"))["Authorization"][7:]
    enforced("/ops/", token=admin).wait_for_selector("#ops-checks > *")


def test_the_phone_and_the_customer_pages_run_under_the_csp(enforced, make, phone):  # noqa: F811
    order, tech = assigned_order(make)
    shell = enforced("/m/", on_phone=True)
    shell.fill("input[name=username]", tech.user.username)
    shell.fill("input[name=password]", PASSWORD)
    shell.click("button[type=submit]")
    shell.wait_for_selector(f"text={order.number}")
    screenshot(shell, "csp-phone")
    verify = tokens.issue(order.id, "verify_technician", timedelta(minutes=5), tech=tech.id)
    check = enforced(f"/verify/{verify}", on_phone=True)
    check.wait_for_selector("text=是本公司的工作人员")
    # the technician's photo (or initials avatar) is an image from 'self' the CSP lets load
    assert check.locator("#technician-photo").evaluate("img => img.complete && img.naturalWidth")
    screenshot(check, "csp-verify")
    survey = tokens.issue(order.id, "satisfaction_form", timedelta(days=1))
    form = enforced(f"/survey/{survey}", on_phone=True)
    form.wait_for_selector("text=工单完工后才能填写征求意见书")  # not yet completed
    assert "暂时不能填写" in form.inner_text("h1") and "the form" not in form.inner_text("body")
    screenshot(form, "csp-survey")
    ph, signed_order = phone
    ph.on_site(signed_order)
    signature = sign(ph, signed_order, damage(ph, signed_order)["id"]).json
    link = ph.client.get(f"/api/signatures/{signature['id']}", headers=ph.headers).json
    receipt = enforced(link["receipt_url"].split("localhost", 1)[-1], on_phone=True)
    receipt.wait_for_selector("text=" + signed_order.number)
    assert receipt.locator("img").first.evaluate("img => img.complete && img.naturalWidth")
    screenshot(receipt, "csp-receipt")
