"""One person, two roles, in Chromium at 1366x768: a department lead who also takes hotline
calls sees the screens of both roles in one navigation (office, desk), works each, and is
refused the general manager's page; the admin gives a person a second role on the users page."""

import pytest
import sqlalchemy as sa

from app.auth.models import User
from app.extensions import db
from tests.browser import screenshot
from tests.desk.kit import token_of

pytestmark = pytest.mark.browser

BOTH = ["热线受理", "投诉列表", "部门投诉", "每周通报", "管理指标"]


def nav_titles(page):
    page.wait_for_selector("#office-nav a")
    return page.locator("#office-nav a").all_inner_texts()


def test_a_lead_who_takes_calls_sees_both_roles_screens_and_no_gm_page(
    page_at, make, office, handed_off
):
    person = make.user(
        "department_lead",
        roles=["hotline_agent", "department_lead"],
        display_name="兼职主任",
        team_id=office.department.id,
    )
    complaint = handed_off()
    token = token_of(make, person)

    home = page_at("/office/", token=token)
    assert nav_titles(home) == BOTH
    assert home.locator("#home-links a").all_inner_texts() == BOTH
    screenshot(home, "roles-two-home")

    inbox = page_at("/office/inbox", token=token)
    row = inbox.locator(f"tr[data-number='{complaint['number']}']")
    row.wait_for()
    assert nav_titles(inbox) == BOTH
    assert inbox.locator("#office-nav a[aria-current=page]").inner_text() == "部门投诉"
    screenshot(inbox, "roles-two-inbox")
    row.locator("a").click()
    inbox.wait_for_selector("#accept")  # the lead's step on the agent's colleague's complaint
    inbox.click("#accept")
    inbox.wait_for_selector(".saved:has-text('已签收')")
    assert "部门领导 兼职主任" in inbox.inner_text("#facts")

    # another department's complaint: read as an agent may, but no lead steps on it
    other_lead = make.user("department_lead")
    other = make.team(code="GW", name="管网部", kind="department", lead_user_id=other_lead.id)
    theirs = handed_off(department_id=other.id)
    page = page_at(f"/office/complaints/{theirs['id']}", token=token)
    page.wait_for_selector("#actions")
    assert "管网部" in page.inner_text("#facts")
    for step in ("#accept", "#extension-form", "#draft-form", "#resolution-form", "#contact-form"):
        assert page.locator(step).count() == 0, step

    desk = page_at("/desk/", token=token)
    desk.wait_for_selector("body[data-ready=true]")
    assert nav_titles(desk) == BOTH
    assert desk.locator("#office-nav a[aria-current=page]").inner_text() == "热线受理"
    assert not desk.locator("#login-dialog").is_visible()
    screenshot(desk, "roles-two-desk")

    refused = page_at("/office/approvals", token=token)
    refused.wait_for_selector("#refused:not([hidden])")
    assert refused.locator("#office-main").is_hidden()
    assert "答复批示" not in nav_titles(refused)
    screenshot(refused, "roles-two-refused-gm")

    console = page_at("/dispatch/", token=token)
    console.wait_for_selector("#login-dialog[open]")  # not a dispatcher: asked to sign in anew
    assert console.locator("#office-nav a").count() == 0


def test_the_admin_gives_an_agent_the_lead_role_on_the_users_page(page_at, make, office):
    admin = make.user("admin", display_name="管理员")
    agent = office.agent
    page = page_at("/office/users", token=token_of(make, admin))
    row = page.locator(f"tr[data-username='{agent.username}']")
    row.wait_for()
    assert row.locator("input[name=hotline_agent]").is_checked()
    assert not row.locator("input[name=department_lead]").is_checked()
    row.locator("input[name=department_lead]").check()
    screenshot(page, "roles-admin-users")
    row.locator("button[type=submit]").click()
    page.wait_for_selector(f".saved:has-text('已保存 {agent.display_name} 的角色')")
    db.session.expire_all()
    roles = db.session.scalar(sa.select(User.roles).where(User.id == agent.id))
    assert roles == ["hotline_agent", "department_lead"]
    mine = page.locator(f"tr[data-username='{admin.username}'] input[name=admin]")
    assert mine.is_checked() and mine.is_disabled()  # no taking one's own admin role
    row = page.locator(f"tr[data-username='{agent.username}']")
    row.locator("input[name=hotline_agent]").uncheck()
    row.locator("input[name=department_lead]").uncheck()
    row.locator("button[type=submit]").click()
    error = row.locator(".error:not(:empty)")
    error.wait_for()
    assert error.inner_text() == "「角色」:至少选择一个角色。"
    screenshot(page, "roles-admin-users-refused")
    db.session.expire_all()
    assert db.session.scalar(sa.select(User.roles).where(User.id == agent.id)) == roles


def test_an_admin_who_is_also_the_gm_has_every_screen_of_both_on_the_console(page_at, make):
    person = make.user("admin", roles=["general_manager", "admin"], display_name="王总")
    console = page_at("/dispatch/", token=token_of(make, person))
    titles = nav_titles(console)
    assert titles == [
        "热线受理",
        "调度台",
        "投诉列表",
        "答复批示",
        "每周通报",
        "管理指标",
        "用户与角色",
        "运行状态",
    ]
    assert console.locator("#office-nav a[aria-current=page]").inner_text() == "调度台"
    box = console.locator(".topbar").bounding_box()
    assert box["height"] <= 44 and box["width"] <= 1366  # one line at 1366x768
    screenshot(console, "roles-gm-admin-console")
    approvals = page_at("/office/approvals", token=token_of(make, person))
    approvals.wait_for_selector("#approval-list")
    assert approvals.locator("#refused").is_hidden()
