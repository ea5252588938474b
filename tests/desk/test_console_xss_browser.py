"""Audit item 6: names staff type (an order type, a technician, a zone) show as text on the
dispatcher's map, however much markup they hold."""

import pytest
import sqlalchemy as sa

from app.dispatch.models import ServiceZone
from app.extensions import db
from app.workorders.models import WorkOrderType
from tests.browser import screenshot
from tests.desk.kit import token_of

pytestmark = pytest.mark.browser
MARKUP = '<img src=x onerror="window.__xss=(window.__xss||0)+1">'


def test_markup_in_admin_set_names_never_becomes_html_on_the_console(page_at, make):
    team = make.team(name="城区维修一班")
    zone = make.zone(team, code="CQ01")
    db.session.execute(sa.update(ServiceZone).where(ServiceZone.id == zone.id).values(name=MARKUP))
    db.session.execute(
        sa.update(WorkOrderType)
        .where(WorkOrderType.code == "general_repair")
        .values(name_zh="维修" + MARKUP)
    )
    db.session.commit()
    make.technician(team=team, name="张" + MARKUP, at=(121.161, 36.771), on_call=True)
    make.work_order(at=(121.20, 36.74))
    console = page_at("/dispatch/", token=token_of(make, make.user("dispatcher")))
    icon = console.locator(".tech-icon span").first
    icon.wait_for()
    assert icon.inner_text() == "张" + MARKUP
    icon.hover()
    console.locator("path.leaflet-interactive").last.hover(force=True)
    console.wait_for_selector(".leaflet-tooltip")
    tips = console.locator(".leaflet-tooltip").all_inner_texts()
    assert any(MARKUP in tip for tip in tips), tips
    screenshot(console, "console-markup-as-text")
    assert console.locator(".leaflet-pane img[src='x']").count() == 0
    assert console.evaluate("window.__xss") is None
