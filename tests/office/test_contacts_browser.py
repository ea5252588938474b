"""The agent who took a complaint logs a progress call to the customer in the browser, at
1366x768; the call, with who made it, shows in the history on the agent's and the lead's page
(SPEC R4.4)."""

import pytest
import sqlalchemy as sa

from app.complaints.models import ComplaintContact
from app.extensions import db
from tests.browser import screenshot
from tests.desk.kit import token_of

pytestmark = pytest.mark.browser


def test_the_agent_logs_a_progress_call_and_the_lead_sees_who_called(
    page_at, make, office, handed_off
):
    complaint = handed_off()
    path = f"/office/complaints/{complaint['id']}"
    agent = office.agent

    page = page_at(path, token=token_of(make, agent))
    form = page.locator("#contact-form")
    form.wait_for()
    assert page.input_value("#contact-form select[name=kind]") == "progress_call"
    form.locator("textarea[name=summary]").fill("告知用户水样已送检,明天下午出结果")
    screenshot(page, "office-agent-contact-form")
    form.locator("button[type=submit]").click()
    page.wait_for_selector(".saved:has-text('已记录联系')")
    contacts = page.inner_text("#contacts")
    assert "进度告知电话" in contacts and f"热线坐席 {agent.display_name}" in contacts
    assert "告知用户水样已送检" in contacts
    assert f"联系用户 · 热线坐席 {agent.display_name}" in page.inner_text("#timeline")
    assert "按时完成" in page.locator("#clocks tr[data-clock=progress_call]").inner_text()
    page.locator("#contacts").scroll_into_view_if_needed()
    screenshot(page, "office-agent-contact-logged")
    [row] = db.session.scalars(sa.select(ComplaintContact)).all()
    assert (row.by_id, row.kind) == (agent.id, "progress_call")

    lead = page_at(path, token=token_of(make, office.lead))
    lead.wait_for_selector("#contacts")
    assert f"热线坐席 {agent.display_name}" in lead.inner_text("#contacts")
    assert lead.locator("#contact-form").count() == 1  # the department calls too
    screenshot(lead, "office-lead-sees-agent-call")


def test_an_agent_who_did_not_take_it_gets_no_call_form(page_at, make, office, handed_off):
    complaint = handed_off()
    other = make.user("hotline_agent", display_name="另一坐席")
    page = page_at(f"/office/complaints/{complaint['id']}", token=token_of(make, other))
    page.wait_for_selector("#actions")
    assert page.locator("#contact-form").count() == 0
