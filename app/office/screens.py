"""One table of the office's screens and the roles that own them: the navigation shows a
person the screens of every role they hold, and each page refuses the others."""

from app.auth.roles import DISPATCH, FRONT_OFFICE, MANAGEMENT, OFFICE, SUPERVISORS, Role
from app.complaints import access

BULLETIN_READERS = SUPERVISORS
FIGURE_READERS = MANAGEMENT
COMPLAINT_READERS = OFFICE

# key, title, href, roles; the complaint page and the start page (no nav entries) serve everyone
# in the office. The desk, the dispatch console and the ops page are in the one navigation too
# (app/desk/static/common.js draws it on every staff page).
SCREENS = (
    ("desk", "热线受理", "/desk/", FRONT_OFFICE),
    ("dispatch", "调度台", "/dispatch/", DISPATCH),
    ("complaints", "投诉列表", "/office/complaints", FRONT_OFFICE),
    ("inbox", "部门投诉", "/office/inbox", (Role.DEPARTMENT_LEAD,)),
    ("approvals", "答复批示", "/office/approvals", (Role.GENERAL_MANAGER,)),
    ("bulletin", "每周通报", "/office/bulletin", BULLETIN_READERS),
    ("figures", "管理指标", "/office/figures", FIGURE_READERS),
    ("users", "用户与角色", "/office/users", (Role.ADMIN,)),
    ("ops", "运行状态", "/ops/", (Role.ADMIN,)),
)
PAGE_ROLES = {key: roles for key, _title, _href, roles in SCREENS} | {
    "complaint": COMPLAINT_READERS,
    "home": OFFICE,
}


def roles_of(user):
    """Every role a person holds."""
    return tuple(user.roles)


def departments_led(user):
    """The departments whose complaints the person answers as a lead (none if not a lead)."""
    if not user.holds(Role.DEPARTMENT_LEAD):
        return []
    return sorted(access.department_ids_of(user))


def screens_for(user):
    held = set(roles_of(user))
    return [
        {"key": key, "title": title, "href": href}
        for key, title, href, roles in SCREENS
        if held & set(roles)
    ]


def may_open(user, key):
    return bool(set(roles_of(user)) & set(PAGE_ROLES[key]))
