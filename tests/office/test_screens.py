"""Each person's navigation holds the screens of the roles they hold, and no other."""

import pytest


def screens(client, make, role, roles=None):
    user = make.user(role, roles=roles)
    resp = client.get("/api/office/screens", headers=make.headers(user))
    assert resp.status_code == 200
    return resp.json


@pytest.mark.parametrize(
    ("role", "keys"),
    [
        ("hotline_agent", ["desk", "complaints"]),
        ("dispatcher", ["desk", "dispatch", "complaints", "bulletin"]),
        ("department_lead", ["inbox", "bulletin", "figures"]),
        ("general_manager", ["approvals", "bulletin", "figures"]),
        ("admin", ["desk", "dispatch", "complaints", "bulletin", "figures", "users", "ops"]),
        ("technician", []),
    ],
)
def test_the_navigation_shows_the_screens_of_the_role_held(client, make, role, keys):
    body = screens(client, make, role)
    assert [s["key"] for s in body["screens"]] == keys
    assert set(body["pages"]) - {"complaint", "home"} == set(keys)
    assert ("home" in body["pages"]) == (role != "technician")  # /office/ opens for the office
    assert body["roles"] == [role]


@pytest.mark.parametrize(
    ("roles", "keys"),
    [
        (
            ["hotline_agent", "department_lead"],
            ["desk", "complaints", "inbox", "bulletin", "figures"],
        ),
        (
            ["general_manager", "admin"],
            ["desk", "dispatch", "complaints", "approvals", "bulletin", "figures", "users", "ops"],
        ),
    ],
)
def test_one_navigation_holds_the_screens_of_every_role_a_person_holds(client, make, roles, keys):
    body = screens(client, make, roles[0], roles=roles)
    assert body["roles"] == roles
    assert body["departments"] == []  # leads no department (no team, none led)
    assert [s["key"] for s in body["screens"]] == keys  # each screen once, in one order
    assert set(body["pages"]) - {"complaint", "home"} == set(keys)


def test_the_labels_come_with_the_navigation(client, make):
    labels = screens(client, make, "general_manager")["labels"]
    assert labels["events"]["reply_approved"] == "总经理批准签发"
    assert labels["roles"]["department_lead"] == "部门领导"


def test_screens_need_a_sign_in(client):
    assert client.get("/api/office/screens").status_code == 401


@pytest.mark.parametrize(
    "path",
    ["/office/", "/office/complaints", "/office/complaints/1", "/office/inbox"]
    + ["/office/approvals", "/office/bulletin", "/office/figures", "/office/users"],
)
def test_every_office_page_is_a_shell_without_inline_script(client, path):
    resp = client.get(path)
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert '<script type="module" src="/office/static/' in html
    assert "<script>" not in html and "onsubmit" not in html
