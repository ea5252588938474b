"""The hotline desk in a real browser (Chromium), against a real server of the test app."""

import re

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.workorders.models import WorkOrder
from tests.browser import screenshot
from tests.desk.kit import token_of
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def sign_in(page, user):
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.keyboard.press("Enter")


def test_agent_finds_the_caller_opens_an_order_and_sees_it_routed(page_at, make, run_jobs):
    team = make.team(name="城区维修一班")
    make.zone(team, code="CQ01")
    customer = make.customer(
        account_no="HY20240001",
        name="王建国",
        phone="13805351234",
        address="海阳市方圆街道海港路8号",
    )
    make.work_order(account_no="HY20240001", type="meter_replacement")
    agent = make.user("hotline_agent", display_name="刘坐席")
    customer_id, agent_id = customer.id, agent.id

    page = page_at("/desk/")
    sign_in(page, agent)
    page.wait_for_selector("#who:has-text('刘坐席')")
    # the search box has the focus: type and press Enter, no mouse
    page.wait_for_function("document.activeElement.id === 'search'")
    page.keyboard.type("13805351234")
    page.keyboard.press("Enter")
    card = page.locator(".customer-card")
    card.wait_for()
    assert "王建国" in card.inner_text() and "在办工单 1" in card.inner_text()
    assert "换表" in card.inner_text()  # the open order: a repeat call, not a new ticket
    # one result is selected at once; the form is filled and the preview shows the route
    assert page.input_value("#account-no") == "HY20240001"
    preview = page.locator("#preview-route")
    preview.wait_for()
    assert "CQ01" in preview.inner_text() and "城区维修一班" in preview.inner_text()
    assert "受理日后第3个工作日" in page.inner_text("#preview-deadline")
    assert "同一用户" in page.inner_text("#preview")  # the possible duplicate is shown
    page.fill("textarea[name=description]", "厨房水管漏水")
    screenshot(page, "desk-order-form")
    page.keyboard.press("Control+Enter")
    saved = page.locator(".saved")
    saved.wait_for()
    text = saved.inner_text()
    assert re.search(r"已创建工单 WO\d{12}", text) and "城区片区" in text and "城区维修一班" in text
    run_jobs()  # the router (a worker job) decides; the desk shows its decision
    routing = page.locator(".saved .routing:has-text('等待调度员派单')")
    routing.wait_for()
    assert "当前状态:待派单" in routing.inner_text()  # one status, the system's
    page.wait_for_function(  # the outcome is on screen at 1366x768, not below the fold
        "document.querySelector('.saved .routing').getBoundingClientRect().bottom <= innerHeight"
        " && document.querySelector('.saved').getBoundingClientRect().top >= 0"
    )
    # The form starts again: the next caller is not filed under this one, and the saved order
    # is no duplicate of itself.
    assert page.input_value("#account-no") == "" and page.input_value("[name=description]") == ""
    assert "同一用户" not in page.inner_text("#preview")
    screenshot(page, "desk-order-saved")
    # A refusal names the field as the page labels it, in a Chinese sentence.
    page.keyboard.press("Control+Enter")
    page.wait_for_selector("#order-error:has-text('「地址」:无户号时须填写地址。')")
    assert "address" not in page.inner_text("#order-error")
    assert page.locator(".saved").count() == 1

    db.session.expire_all()
    order = db.session.scalar(sa.select(WorkOrder).where(WorkOrder.description == "厨房水管漏水"))
    assert order.customer_id == customer_id and order.zone.code == "CQ01"
    assert order.first_contact_user_id == agent_id


def test_picking_a_point_on_the_map_outside_every_zone_warns_before_saving(page_at, make):
    make.zone()
    agent = make.user("hotline_agent")
    page = page_at("/desk/")
    sign_in(page, agent)
    page.wait_for_selector(".leaflet-interactive")  # the zone polygon is drawn
    box = page.locator("#order-map").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_selector("#preview-route:has-text('片区:')")
    page.mouse.click(box["x"] + 3, box["y"] + box["height"] - 3)  # the corner, outside
    page.wait_for_selector("#preview-route:has-text('不在任何片区')")
    assert page.locator(".emergency-banner").count() == 0
    page.select_option("#order-type", "emergency_repair")
    page.wait_for_selector(".emergency-banner:has-text('即时响应')")
    assert page.locator(".leaflet-tile-pane img").count() == 0  # no tile server configured


def test_a_configured_tile_url_adds_a_tile_layer(page_at, make, app, live_server, monkeypatch):
    monkeypatch.setitem(app.config, "MAP_TILE_URL", live_server + "/tiles/{z}/{x}/{y}.png")
    page = page_at("/desk/", token=token_of(make, make.user("hotline_agent")))
    page.wait_for_selector(".leaflet-tile-pane img", state="attached")
    assert "/tiles/" in page.locator(".leaflet-tile-pane img").first.get_attribute("src")


def test_one_time_notification_for_a_resident_transfer_lists_the_rules_materials(page_at, make):
    agent = make.user("hotline_agent")
    page = page_at("/desk/")
    sign_in(page, agent)
    page.wait_for_selector("body[data-ready]")
    page.keyboard.press("Alt+2")
    page.select_option("#notice-business", "transfer")
    page.select_option("#notice-kind", "resident")
    page.wait_for_selector("#notice-entry:has-text('一(二)(2)') #materials")
    entry = page.inner_text("#notice-entry")
    for text in [
        "新用户房产证",
        "房主的身份证",
        "代办人本人身份证",
        "结清前期欠费",
        "签订用户水表过户合同书",
        "手续齐全,受理业务现场办结",
    ]:
        assert text in entry
    page.fill("#notice-applicant", "王先生")
    page.check("#materials input[name=have][value='房主的身份证']")
    page.check("#materials input[name=na][value='代办人本人身份证']")
    page.wait_for_function(
        "document.querySelector('#notice-sms').value.includes('尚缺:新用户房产证。')"
    )
    printable = page.inner_text("#notice-print")
    assert "业务:过户(居民用户)" in printable and "申请人:王先生" in printable
    assert printable.split("【尚缺材料")[1].count("新用户房产证") == 1
    screenshot(page, "desk-one-time-notice")
    page.emulate_media(media="print")  # the printout is the notice alone
    assert page.locator("#notice-print").is_visible()
    assert not page.locator("#search").is_visible() and not page.locator(".tabs").is_visible()
    screenshot(page, "desk-one-time-notice-print")


def test_a_deficiency_tolerant_acceptance_is_recorded_and_listed_as_coming_due(page_at, make):
    agent = make.user("hotline_agent")
    page = page_at("/desk/")
    sign_in(page, agent)
    page.wait_for_selector("body[data-ready]")
    page.keyboard.press("Alt+2")
    page.select_option("#notice-business", "new_construction")
    page.select_option("#notice-kind", "developer")
    page.wait_for_selector("#notice-entry:has-text('一(三)') #materials")
    page.keyboard.press("Alt+3")
    form = page.locator("#deferral-form")
    form.locator("[name=applicant_name]").fill("海阳置业有限公司")
    form.locator("[name=signer_kind]").select_option("entity")
    form.locator("[name=signer_name]").fill("赵总")
    for box in form.locator("#deferral-proof input").all():
        box.check()
    # ticked already: the notice screen found it missing
    assert form.locator("#deferral-missing input[value='基础设备配套费发票']").is_checked()
    due = page.evaluate("new Date(Date.now() + 3 * 864e5).toISOString().slice(0, 10)")
    form.locator("[name=due_on]").fill(due)
    form.locator("button[type=submit]").click()
    card = page.locator(".deferral-card")
    card.wait_for()
    assert "海阳置业有限公司" in card.inner_text() and "基础设备配套费发票" in card.inner_text()
    screenshot(page, "desk-deferral")
    card.locator("button:has-text('补齐')").click()
    page.wait_for_selector("#deferrals-due:has-text('暂无')")


def test_a_complaint_is_taken_from_the_desk_and_shows_on_the_card(page_at, make):
    make.team(code="SZ", name="水质管理部", kind="department")
    make.customer(account_no="HY20240077", name="赵女士", phone="13812340077")
    agent = make.user("hotline_agent")
    page = page_at("/desk/")
    sign_in(page, agent)
    page.wait_for_function("document.activeElement.id === 'search'")
    page.keyboard.type("HY20240077")
    page.keyboard.press("Enter")
    page.wait_for_selector(".customer-card.selected")
    page.keyboard.press("Alt+4")
    form = page.locator("#complaint-form")
    assert form.locator("[name=caller_name]").input_value() == "赵女士"
    form.locator("[name=description]").fill("自来水发黄有异味")
    form.locator("[name=justified]").check()
    form.locator("[name=department_id]").select_option(label="水质管理部")
    form.locator("button[type=submit]").click()
    page.wait_for_selector("#complaint-result:has-text('已登记投诉 CP')")
    page.wait_for_selector(".customer-card:has-text('在办投诉 1')")
    screenshot(page, "desk-complaint")


def test_no_stray_null_text_when_there_is_nothing_to_warn_about(page_at, make):
    make.zone()
    make.customer(account_no="HY20240100", name="钱先生")
    page = page_at("/desk/", token=token_of(make, make.user("hotline_agent")))
    page.wait_for_function("document.activeElement.id === 'search'")
    page.keyboard.type("HY20240100")
    page.keyboard.press("Enter")
    page.wait_for_selector("#preview-route:has-text('片区')")
    assert "null" not in page.inner_text("#preview") and "null" not in page.inner_text("#results")


def test_arrow_keys_move_between_several_callers_and_enter_picks_one(page_at, make):
    make.zone()
    for n, name in enumerate(["周一", "周二", "周三"]):
        make.customer(account_no=f"HY3000000{n}", name=name, address=f"海阳市凤鸣路{n}号")
    page = page_at("/desk/", token=token_of(make, make.user("hotline_agent")))
    page.wait_for_selector("body[data-ready]")
    page.keyboard.type("凤鸣路")
    page.keyboard.press("Enter")
    page.wait_for_selector(".customer-card >> nth=2")
    assert page.evaluate("document.activeElement.textContent").startswith("周一")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_selector(".customer-card.selected:has-text('周三')")
    assert page.input_value("#account-no") == "HY30000002"


@pytest.mark.parametrize("key", ["Alt+2", "Alt+3"])
def test_switching_screens_while_the_page_is_still_starting_is_harmless(page_at, make, key):
    page = page_at("/desk/", token=token_of(make, make.user("hotline_agent")))
    page.keyboard.press(key)  # before the catalogue lists have arrived
    page.wait_for_selector("body[data-ready]")
    page.wait_for_selector("#materials" if key == "Alt+2" else "#deferral-proof input")
