"""One owner commits each request (issue 9.4): app/common/transaction.py.

- Every POST, PUT, PATCH and DELETE endpoint in the URL map goes through an owner
  (`@commits`, or `@idempotent`, which is built on it).
- No other module commits: services flush, routes return, jobs leave it to `app.jobs.run`.
- The owner commits a success, rolls back a failure (raised, or a page's own error answer),
  and runs the after-rollback callbacks when the commit itself fails.
"""

import ast
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.common import transaction
from app.extensions import db
from app.zones.models import Team

ROOT = Path(__file__).resolve().parent.parent
MUTATING = {"POST", "PUT", "PATCH", "DELETE"}
# The modules that may commit, and why.
COMMITTERS = {
    "app/common/transaction.py": "the owner of a request's transaction",
    "app/jobs.py": "run() owns a job's transaction; the relay marks rows sent on its connection",
    "app/live.py": "the live layer's delivered stamps, outside any request (a thread of its own)",
    "app/demo/loader.py": "the demo loader, a command",
}


def _views(app):
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        view_class = getattr(view, "view_class", None)
        for method in sorted((rule.methods or set()) & MUTATING):
            func = getattr(view_class, method.lower()) if view_class else view
            yield f"{method} {rule.rule}", func


def test_every_mutating_endpoint_goes_through_the_owner(app):
    views = dict(_views(app))
    assert len(views) > 50  # the walk found the API, not an empty map
    loose = sorted(name for name, func in views.items() if not transaction.is_owned(func))
    assert not loose, f"decorate with @commits (app/common/transaction.py): {loose}"


def test_no_other_module_commits():
    found = []
    for path in (ROOT / "app").rglob("*.py"):
        name = str(path.relative_to(ROOT))
        if name in COMMITTERS:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "commit"
                and ast.unparse(node.func.value).endswith("session")  # not a savepoint's
            ):
                found.append(f"{name}:{node.lineno}")
    assert not found, f"leave the commit to the request's owner (or app.jobs.run): {found}"


def _team_named(code):
    return db.session.scalar(sa.select(Team.id).where(Team.code == code))


def _add_team(code):
    db.session.add(Team(code=code, name=code))
    db.session.flush()


def test_the_owner_commits_a_success_and_rolls_back_a_failure(app):
    @transaction.commits
    def ok():
        _add_team("owner-ok")
        return {"ok": True}

    @transaction.commits
    def raises():
        _add_team("owner-raised")
        raise RuntimeError("refused")

    @transaction.commits
    def answers_an_error():
        _add_team("owner-409")
        return "<p>refused</p>", 409

    with app.test_request_context():
        assert ok() == {"ok": True}
        with pytest.raises(RuntimeError):
            raises()
        assert answers_an_error()[1] == 409
    db.session.remove()
    assert _team_named("owner-ok") is not None
    assert _team_named("owner-raised") is None
    assert _team_named("owner-409") is None


def test_a_failed_commit_rolls_back_and_runs_the_after_rollback_callbacks(app):
    undone = []

    @transaction.commits
    def clashes():
        transaction.after_rollback(lambda: undone.append("released"))
        db.session.add_all([Team(code="same", name="a"), Team(code="same", name="b")])
        return {}

    with app.test_request_context():
        with pytest.raises(sa.exc.IntegrityError):
            clashes()
    assert undone == ["released"]
    db.session.remove()
    assert _team_named("same") is None
