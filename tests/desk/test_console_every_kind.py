"""The console shows every event kind in words (issue 13): an order whose timeline holds one
event of every kind, and one live message of every kind in the feed, with no code on screen."""

import re

import pytest

from app.dispatch.announce import order_summary
from app.extensions import db
from app.notifications.labels import NOTIFICATION_LABELS_ZH
from app.notifications.services import notify
from app.workorders import timeline
from app.workorders.services import record_event
from tests.browser import screenshot
from tests.desk.kit import token_of

pytestmark = pytest.mark.browser

CODE = re.compile(r"[a-z]+_[a-z_]+|\b[a-z]{4,}\b")


def test_every_order_event_and_live_message_reads_as_words_on_the_console(page_at, make):
    team = make.team(name="城区维修一班")
    make.zone(team, code="CQ01")
    dispatcher = make.user("dispatcher")
    order = make.work_order(address="海阳市方圆街道海港路8号")
    for kind in timeline.EVENT_LABELS_ZH:
        kind = "checklist:id_shown" if kind == "checklist" else kind
        record_event(order, kind, "system:router", reason="测试原因 / test reason")
    db.session.commit()

    page = page_at("/dispatch/", token=token_of(make, dispatcher))
    page.wait_for_selector("#live-state:has-text('实时')")
    page.locator(f".queue-item[data-id='{order.id}']").click()
    page.wait_for_function(
        f"document.querySelectorAll('#timeline li').length > {len(timeline.EVENT_LABELS_ZH)}"
    )
    shown = page.inner_text("#timeline")
    for kind, label in timeline.EVENT_LABELS_ZH.items():
        assert label in shown, kind

    for kind in NOTIFICATION_LABELS_ZH:
        notify([dispatcher.id], kind, {**order_summary(order), "reason": "测试原因 / test reason"})
        db.session.commit()
    page.wait_for_function(
        f"document.querySelectorAll('#feed li').length >= {len(NOTIFICATION_LABELS_ZH)}"
    )
    feed = page.inner_text("#feed")
    for kind, label in NOTIFICATION_LABELS_ZH.items():
        assert label in feed, kind
    screenshot(page, "console-every-kind")
    text = page.inner_text("main")
    assert not CODE.search(text), CODE.search(text).group(0)
    assert "test reason" not in text
