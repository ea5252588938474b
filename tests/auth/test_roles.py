"""One name per set of people: role sets live in app/auth/roles.py, nowhere else."""

import ast
from pathlib import Path

from app.auth.roles import NAMES_ZH, OFFICE, ROLES, SUPERVISORS, Role

APP = Path(__file__).resolve().parents[2] / "app"


def _role_literals(node):
    """Role names spelled as string literals: a tuple, list or set of nothing but role names
    (a set of people), or any role name in `blp.auth(...)`. Rows of data (demo users) pass."""
    if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "auth":
        items = node.args
    elif isinstance(node, ast.Tuple | ast.List | ast.Set) and node.elts:
        items = node.elts
        if not all(isinstance(i, ast.Constant) and i.value in ROLES for i in items):
            return []
    else:
        return []
    return [i.value for i in items if isinstance(i, ast.Constant) and i.value in ROLES]


def test_no_module_spells_its_own_role_set():
    found = []
    for path in sorted(APP.rglob("*.py")):
        if path.name == "roles.py" or "static" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if names := _role_literals(node):
                found.append(f"{path.relative_to(APP.parent)}:{node.lineno} {names}")
    assert not found, "use app.auth.roles (Role, OFFICE, SUPERVISORS, ...):\n" + "\n".join(found)


def test_roles_compare_as_the_stored_strings():
    assert ROLES == tuple(NAMES_ZH) and "dispatcher" in SUPERVISORS and "technician" not in OFFICE
    assert Role("general_manager") is Role.GENERAL_MANAGER and ", ".join(OFFICE[:2]) == (
        "hotline_agent, dispatcher"
    )
