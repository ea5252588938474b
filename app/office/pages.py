"""Office HTML pages: shells that load one ES module each; data comes from the API."""

from flask import Blueprint, render_template

pages = Blueprint(
    "office_pages",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/office/static",
)

TITLES = {
    "home": "办公室",
    "complaints": "投诉列表",
    "complaint": "投诉详情",
    "inbox": "部门投诉",
    "approvals": "答复批示",
    "bulletin": "每周通报",
    "figures": "管理指标",
    "users": "用户与角色",
}


def _page(key, **data):
    return render_template(f"office/{key}.html", key=key, title=TITLES[key], data=data)


@pages.get("/office/")
def home():
    return _page("home")


@pages.get("/office/complaints")
def complaints():
    return _page("complaints")


@pages.get("/office/complaints/<int:complaint_id>")
def complaint(complaint_id):
    return _page("complaint", complaint_id=complaint_id)


@pages.get("/office/inbox")
def inbox():
    return _page("inbox")


@pages.get("/office/approvals")
def approvals():
    return _page("approvals")


@pages.get("/office/bulletin")
def bulletin():
    return _page("bulletin")


@pages.get("/office/figures")
def figures():
    return _page("figures")


@pages.get("/office/users")
def users():
    return _page("users")
