"""The complaint chain in Chromium, by role, at 1366x768: the agent hands a sensitive
complaint off, the lead drafts, cannot approve, the general manager approves in the inbox,
the reply is marked sent, the follow-up closes it (SPEC R4.3-R4.6)."""

import io

import openpyxl
import pytest

from app.complaints.models import Complaint
from app.extensions import db
from tests.browser import screenshot
from tests.desk.kit import token_of
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

REPLY = "李女士您好:经水质检测,您家龙头水各项指标合格。\n发黄系管道冲洗所致,已于今日完成冲洗。"


def sign_in(page, user):
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.keyboard.press("Enter")


def as_user(page_at, make, user, path):
    page = page_at(path, token=token_of(make, user))
    page.wait_for_selector("#office-nav a")
    return page


def status_of(complaint_id):
    db.session.expire_all()
    return db.session.get(Complaint, complaint_id).status


def test_a_sensitive_complaint_goes_through_every_role_in_the_browser(
    page_at, make, office, file_complaint, client
):
    body = file_complaint(sensitive=True, sensitive_reason="用户称将联系媒体")
    cid, number = body["id"], body["number"]

    # The agent: finds it among their complaints, opens it, hands it off with the record.
    page = page_at("/office/complaints")
    sign_in(page, office.agent)
    row = page.locator(f"tr[data-number='{number}']")
    row.wait_for()
    assert "待移交" in row.inner_text() and "敏感" in row.inner_text()
    assert "移交时限" in row.inner_text() and "剩余" in row.inner_text()
    nav = page.inner_text("#office-nav")
    assert "投诉列表" in nav and "答复批示" not in nav and "部门投诉" not in nav
    screenshot(page, "office-agent-list")
    row.locator("a").click()
    page.wait_for_selector("#handoff-form")
    assert page.input_value("#handoff-form select[name=department_id]") == str(office.department.id)
    page.fill("#handoff-form textarea[name=note]", "用户情绪激动,请尽快联系")
    screenshot(page, "office-agent-complaint")
    page.click("#handoff-form button[type=submit]")
    page.wait_for_selector(".saved:has-text('已移交')")
    clocks = page.inner_text("#clocks")
    assert "处理时限" in clocks and "进度告知时限" in clocks and "剩余23小时" in clocks
    assert status_of(cid) == "in_progress"
    with page.expect_popup() as popup:
        page.click("#print-record")
    record = popup.value
    record.wait_for_load_state()
    assert "用户投诉记录表" in record.inner_text("h1") and number in record.content()

    # The lead: the inbox shows where it waits; sign for it, draft, submit; cannot approve.
    lead = page_at("/office/inbox")
    sign_in(lead, office.lead)
    row = lead.locator(f"tr[data-number='{number}']")
    row.wait_for()
    assert "待部门起草答复" in row.inner_text()
    screenshot(lead, "office-lead-inbox")
    row.locator("a").click()
    lead.click("#accept")
    lead.wait_for_selector(".saved:has-text('已签收')")
    lead.fill("#draft-form textarea[name=body]", REPLY)
    lead.click("#draft-form button[type=submit]")
    lead.click(".submit-reply")
    lead.wait_for_selector("#waiting-for:has-text('待总经理批示')")
    assert lead.locator(".approve").count() == 0  # no approval button for a lead
    screenshot(lead, "office-lead-complaint")
    reply_id = client.get(f"/api/complaints/{cid}/replies", headers=office.h(office.lead)).json[0][
        "id"
    ]
    refused = client.post(
        f"/api/complaints/{cid}/replies/{reply_id}/approval",
        headers=office.h(office.lead),
        json={"decision": "approved"},
    )
    assert refused.status_code == 403  # the server refuses a lead too
    lead_refused = as_user(page_at, make, office.lead, "/office/approvals")
    lead_refused.wait_for_selector("#refused:not([hidden])")

    # The general manager: the approval inbox shows the exact text; approve and sign.
    gm = page_at("/office/approvals")
    sign_in(gm, office.gm)
    gm.click(f".approval-item[data-number='{number}']")
    text = gm.locator(".reply-submitted .reply-body")
    text.wait_for()
    assert text.inner_text() == REPLY
    assert "事情经过" in gm.inner_text("#approval-detail")
    gm.fill(".decision textarea[name=comment]", "同意,注意语气")
    screenshot(gm, "office-gm-approvals")
    gm.click(".approve")
    gm.wait_for_selector(".saved:has-text('已批准签发')")
    assert gm.locator(".approval-item").count() == 0
    approval = client.get(f"/api/complaints/{cid}/replies", headers=office.h(office.gm)).json[0]
    assert approval["status"] == "approved"
    assert approval["approvals"][0]["body"] == REPLY
    assert approval["approvals"][0]["signer_name"] == "总经理"

    # The lead marks the approved reply sent and records the resolution.
    lead.reload()
    lead.wait_for_selector(f"#sent-form-{reply_id}")
    lead.select_option(f"#sent-form-{reply_id} select[name=via]", "phone")
    lead.click(f"#sent-form-{reply_id} button[type=submit]")
    lead.wait_for_selector(".saved:has-text('答复已发出')")
    lead.fill("#resolution-form textarea[name=resolution]", "已冲洗管道,水质复检合格")
    lead.select_option("#resolution-form select[name=justified]", "true")
    lead.click("#resolution-form button[type=submit]")
    lead.wait_for_selector(".saved:has-text('已处理,待回访')")
    assert status_of(cid) == "resolved"

    # The agent: the follow-up closes it.
    page.reload()
    page.wait_for_selector("#follow-up-form")
    page.select_option("#follow-up-form select[name=satisfied]", "true")
    page.fill("#follow-up-form textarea[name=feedback]", "满意,水已清")
    page.fill("#follow-up-form textarea[name=final_result]", "问题解决")
    page.fill("#follow-up-form textarea[name=summary]", "管道冲洗后恢复正常")
    page.click("#follow-up-form button[type=submit]")
    page.wait_for_selector(".saved:has-text('已回访')")
    assert status_of(cid) == "closed"
    assert "办结归档" in page.inner_text("#timeline")
    screenshot(page, "office-agent-closed")

    # The bulletin lists it (经查属实) under its department and not under another.
    bulletin = page_at("/office/bulletin", token=token_of(make, office.gm))
    bulletin.wait_for_selector("article[data-department]")
    mine = bulletin.locator("article[data-department='水质管理部']")
    other = bulletin.locator("article[data-department='客户服务中心']")
    assert number in mine.inner_text() and "经查属实的投诉1项" in mine.inner_text()
    assert other.count() == 1 and number not in other.inner_text()
    screenshot(bulletin, "office-bulletin")
    with bulletin.expect_download() as saved:
        bulletin.click("#xlsx-bulletin")
    sheet = openpyxl.load_workbook(io.BytesIO(saved.value.path().read_bytes())).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0][:4] == ["周次", "部门", "事项", "编号"]
    assert ["水质管理部", "经查属实的投诉", number] in [r[1:4] for r in rows]
    bulletin.select_option("#bulletin-filters select[name=department]", label="客户服务中心")
    bulletin.click("#bulletin-filters button[type=submit]")
    bulletin.wait_for_function("document.querySelectorAll('article[data-department]').length === 1")
    assert number not in bulletin.inner_text("#bulletin")


def test_a_page_of_a_role_not_held_is_refused(page_at, make, office):
    page = as_user(page_at, make, office.agent, "/office/inbox")
    page.wait_for_selector("#refused:not([hidden])")
    assert page.locator("#office-main").is_hidden()
    assert "部门投诉" not in page.inner_text("#office-nav")
