"""The desk retries a submission whose answer was lost with the same Idempotency-Key."""

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.workorders.models import WorkOrder
from tests.browser import screenshot
from tests.desk.kit import page_at, token_of  # noqa: F401 - fixture

pytestmark = pytest.mark.browser


def test_an_order_whose_response_was_lost_is_retried_once_and_made_once(page_at, make):  # noqa: F811
    make.customer(account_no="HY20240001", name="王建国", phone="13805351234")
    page = page_at("/desk/", token=token_of(make, make.user("hotline_agent")))
    page.wait_for_function("document.activeElement.id === 'search'")
    keys = []

    def lose_the_first_answer(route):
        keys.append(route.request.headers.get("idempotency-key"))
        if len(keys) == 1:
            route.fetch()  # the server creates the order ...
            route.abort("connectionreset")  # ... and the answer never reaches the desk
        else:
            route.continue_()

    page.route(
        "**/api/workorders",
        lambda route: (
            lose_the_first_answer(route) if route.request.method == "POST" else route.continue_()
        ),
    )
    page.keyboard.type("13805351234")
    page.keyboard.press("Enter")
    page.wait_for_selector(".customer-card.selected")
    page.fill("textarea[name=description]", "厨房水管漏水")
    page.keyboard.press("Control+Enter")
    page.locator(".saved:has-text('已创建工单')").wait_for()
    screenshot(page, "desk-order-saved-after-retry")
    assert len(keys) == 2 and keys[0] == keys[1] and keys[0].startswith("desk-")
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(WorkOrder)) == 1
