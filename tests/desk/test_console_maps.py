"""The console's map and panels as a dispatcher reads them (issue 13): zones named and the
served area outlined without tiles, orders outside every zone marked, technicians clustered,
the whole area in view at 1920x1080, 天地图 WMTS tiles requested as configured, the feed and
timeline in sentences, and why a nearer technician was not chosen."""

import pytest

from app.dispatch import services as dispatch
from app.extensions import db
from app.notifications.services import notify
from tests.browser import screenshot
from tests.desk.kit import token_of

pytestmark = pytest.mark.browser

TIANDITU = (
    "https://t{s}.tianditu.gov.cn/vec_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0"
    "&LAYER=vec&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}"
    "&TILECOL={x}&tk={tk}"
)
TIANDITU_LABELS = TIANDITU.replace("vec_w", "cva_w").replace("LAYER=vec", "LAYER=cva")


@pytest.fixture
def city(make):
    team = make.team(name="城区维修一班")
    make.zone(team, code="CQ01")
    techs = [
        make.technician(team=team, name=f"张师傅{i}", at=(121.16 + i * 0.0002, 36.77), on_call=True)
        for i in range(6)
    ]
    outside = make.work_order(at=(121.30, 36.90), address="城区以外的山里")
    return {"team": team, "techs": techs, "outside": outside, "dispatcher": make.user("dispatcher")}


def test_without_tiles_the_map_draws_named_zones_the_outline_and_orders_outside(
    page_at, make, city
):
    page = page_at("/dispatch/", token=token_of(make, city["dispatcher"]), viewport=(1920, 1080))
    page.wait_for_selector("body[data-ready]")
    assert page.locator(".leaflet-tooltip.zone-label:has-text('城区片区')").count() == 1
    assert page.locator("#console-map.no-tiles").count() == 1
    assert page.locator("path[stroke-dasharray='8 5']").count() == 1  # the served area's outline
    label = page.locator(f".outside-label:has-text('{city['outside'].number}')")
    assert label.count() == 1 and "片区外" in label.inner_text()
    # Six technicians a few metres apart: one numbered cluster, not six labels in a heap.
    assert page.locator(".marker-cluster").count() >= 1
    assert page.locator(".tech-icon").count() < 6
    # At 1920x1080 the whole zone and the order outside it are in view.
    inside = page.evaluate(
        """() => {
          const box = document.querySelector('#console-map').getBoundingClientRect();
          const within = (el) => { const r = el.getBoundingClientRect();
            return r.left >= box.left && r.right <= box.right
                && r.top >= box.top && r.bottom <= box.bottom; };
          return within(document.querySelector('.leaflet-overlay-pane path'))
              && within(document.querySelector('.outside-label'));
        }"""
    )
    assert inside
    screenshot(page, "console-map-1920")


def test_tianditu_wmts_tiles_are_asked_for_with_the_key_and_the_label_layer(
    browser, live_server, make, city, app, monkeypatch
):
    monkeypatch.setitem(app.config, "MAP_TILE_URL", TIANDITU)
    monkeypatch.setitem(app.config, "MAP_TILE_LABEL_URL", TIANDITU_LABELS)
    monkeypatch.setitem(app.config, "MAP_TILE_SUBDOMAINS", "01234567")
    monkeypatch.setitem(app.config, "TIANDITU_KEY", "test-key-123")
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    asked = []

    def tile(route):  # the HTTP boundary: nothing leaves the machine
        asked.append(route.request.url)
        route.fulfill(status=204)

    context.route("https://*.tianditu.gov.cn/**", tile)
    token = token_of(make, city["dispatcher"])
    context.add_init_script(f"sessionStorage.setItem('tapline.token', {token!r});")
    page = context.new_page()
    page.goto(live_server + "/dispatch/")
    page.wait_for_selector("body[data-ready]")
    page.wait_for_function("document.querySelectorAll('.leaflet-tile-pane img').length > 4")
    context.close()
    vec = [u for u in asked if "/vec_w/wmts?" in u]
    cva = [u for u in asked if "/cva_w/wmts?" in u]
    assert vec and cva
    for url in vec + cva:
        assert url.startswith("https://t") and url[9] in "01234567"
        assert "SERVICE=WMTS&REQUEST=GetTile" in url and "TILEMATRIXSET=w" in url
        assert url.endswith("&tk=test-key-123")
        assert "{" not in url


def test_the_feed_and_timeline_speak_in_sentences_and_nearer_technicians_are_explained(
    page_at, make, city
):
    order = make.work_order(at=(121.1590, 36.77))  # nearest to 张师傅0, who is off duty
    near = city["techs"][0]
    near.status = "off_duty"
    db.session.commit()
    page = page_at("/dispatch/", token=token_of(make, city["dispatcher"]))
    page.wait_for_selector("#live-state:has-text('实时')")
    page.locator(f".queue-item[data-id='{order.id}']").click()
    page.wait_for_selector(".candidate")
    nearer = page.locator("#nearer")
    assert near.name in nearer.inner_text() and "休息/不在岗" in nearer.inner_text()
    dispatch.assign(
        db.session.merge(order), city["techs"][3], city["dispatcher"], override_reason="测试"
    )
    db.session.commit()
    page.wait_for_selector("#timeline li[data-kind='assign']")
    assert "调度员派单,原因:测试。工单现为「已派单」。" in page.inner_text("#timeline")
    summary = {**dispatch.order_summary(order), "reason": "按配置由调度员派单 / manual dispatch"}
    notify([city["dispatcher"].id], "order_waiting", summary)
    db.session.commit()
    line = page.locator("#feed li[data-kind='order_waiting']")
    line.wait_for()
    said = line.inner_text()
    assert f"工单等待调度员派单:工单 {order.number}(" in said
    assert said.endswith(f",{order.address}。按配置由调度员派单。")
    screenshot(page, "console-sentences")
    text = page.inner_text("main")
    for raw in ("assign ·", "dispatcher:", "awaiting_dispatcher", "order_waiting", " / "):
        assert raw not in text
