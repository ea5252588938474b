"""The console in a real browser through a Redis outage: live, then polling, then live again."""

import pytest

from app.extensions import db
from app.notifications.services import notify
from tests.browser import screenshot
from tests.desk.kit import token_of
from tests.liveserver import running

pytestmark = pytest.mark.browser


def test_console_polls_while_redis_is_down_and_goes_live_again(app, browser, make, own_redis):
    dispatcher = make.user("dispatcher", display_name="调度员周")
    user_id, token = dispatcher.id, token_of(make, dispatcher)
    with running(app) as (port, _live):
        context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
        context.add_init_script(
            f"sessionStorage.setItem('tapline.token', {token!r});"
            "window.taplineLive = { pollSeconds: 1, retrySeconds: 2 };"
        )
        errors = []
        page = context.new_page()
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.set_default_timeout(30_000)
        try:
            page.goto(f"http://127.0.0.1:{port}/dispatch/")
            page.wait_for_selector("#live-state:has-text('实时')")

            # The order arrives while the console is switching to polling, before its first
            # poll is answered: it must still show (not be taken as the poll's starting point).
            def order_arrives_before_the_first_poll(route):
                if not arrived:
                    with app.app_context():  # Playwright calls this outside the test's context
                        notify(
                            [user_id], "order_waiting", {"number": "WO-DOWN", "message": "待派单"}
                        )
                        db.session.commit()
                    arrived.append(True)
                route.continue_()

            arrived = []
            page.route("**/api/notifications?per_page=50", order_arrives_before_the_first_poll)
            own_redis.stop()
            page.wait_for_selector("#live-state:has-text('实时中断,定时刷新')")
            page.wait_for_selector("#feed li:has-text('WO-DOWN')")  # found by polling
            page.unroute("**/api/notifications?per_page=50")
            screenshot(page, "console-live-polling")
            own_redis.start()
            page.wait_for_selector("#live-state:text-is('实时')")
            notify([user_id], "order_waiting", {"number": "WO-BACK", "message": "待派单"})
            db.session.commit()
            page.wait_for_selector("#feed li:has-text('WO-BACK')")
            assert page.locator("#feed li:has-text('WO-DOWN')").count() == 1  # not twice
            screenshot(page, "console-live-again")
        finally:
            context.close()
    assert not errors, errors
