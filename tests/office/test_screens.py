"""Each person's navigation holds the screens of the roles they hold, and no other."""

import pytest


def screens(client, make, role):
    resp = client.get("/api/office/screens", headers=make.headers(make.user(role)))
    assert resp.status_code == 200
    return resp.json


@pytest.mark.parametrize(
    ("role", "keys"),
    [
        ("hotline_agent", ["desk", "complaints"]),
        ("department_lead", ["inbox", "bulletin", "figures"]),
        ("general_manager", ["approvals", "bulletin", "figures"]),
        ("admin", ["desk", "complaints", "bulletin", "figures"]),
        ("technician", []),
    ],
)
def test_the_navigation_shows_the_screens_of_the_role_held(client, make, role, keys):
    body = screens(client, make, role)
    assert [s["key"] for s in body["screens"]] == keys
    assert set(body["pages"]) - {"complaint", "home"} == set(keys)
    assert ("home" in body["pages"]) == (role != "technician")  # /office/ opens for the office


def test_the_labels_come_with_the_navigation(client, make):
    labels = screens(client, make, "general_manager")["labels"]
    assert labels["events"]["reply_approved"] == "总经理批准签发"
    assert labels["roles"]["department_lead"] == "部门领导"


def test_screens_need_a_sign_in(client):
    assert client.get("/api/office/screens").status_code == 401


@pytest.mark.parametrize(
    "path",
    ["/office/", "/office/complaints", "/office/complaints/1", "/office/inbox"]
    + ["/office/approvals", "/office/bulletin", "/office/figures"],
)
def test_every_office_page_is_a_shell_without_inline_script(client, path):
    resp = client.get(path)
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert '<script type="module" src="/office/static/' in html
    assert "<script>" not in html and "onsubmit" not in html
