"""The one owner of a request's transaction (issue 9.4), as Indico's and Cosmic Python's
unit of work: services flush and never commit; the endpoint's owner commits once.

- `@commits` wraps a mutating view (directly above its `def`, under `blp.response`, so the
  response is serialised from what was committed, as a later GET will see it). It commits
  when the view returned a success and rolls back when the view raised or answered with an
  error status (a page that shows its own refusal), so a refused request changes nothing,
  unless the view said `keep_on_refusal()` before raising (sign-in failures, token reuse).
- `@idempotent` (app/common/idempotency.py) is the owner of the endpoints that honour
  Idempotency-Key: it commits the step's effects and the stored response together.
- `app.jobs.run` owns a job's transaction the same way; nothing else commits.

tests/test_commit_owner.py walks the URL map: every POST, PUT, PATCH and DELETE endpoint
goes through an owner, and no other module commits.
"""

from functools import wraps

from flask import Response, g

from app.extensions import db

OWNER = "_owns_transaction"


def owns(wrapper):
    """Mark `wrapper` as the owner of its request's transaction (what the test looks for)."""
    setattr(wrapper, OWNER, True)
    return wrapper


def is_owned(view):
    """Whether `view`, or a decorator around it, owns the transaction."""
    while view is not None:
        if getattr(view, OWNER, False):
            return True
        view = getattr(view, "__wrapped__", None)
    return False


def after_rollback(callback):
    """Run `callback()` if this request's transaction is rolled back after all (a failed
    commit included): for effects outside the transaction that must then be undone."""
    g.setdefault("after_rollback", []).append(callback)


def keep_on_refusal():
    """The refusal about to be raised keeps this request's work (a failed sign-in counted for
    throttling, a reused refresh token's revocation): the owner commits, then the error is
    answered as usual."""
    g.keep_on_refusal = True


def commit():
    try:
        db.session.commit()
    except Exception:
        rollback()
        raise


def rollback():
    db.session.rollback()
    callbacks, g.after_rollback = g.get("after_rollback", []), []
    for callback in callbacks:
        callback()


def refused(result):
    """A view's own answer that is an error: a Response, or Flask's (body, status, ...)."""
    if isinstance(result, Response):
        return result.status_code >= 400
    if isinstance(result, tuple) and len(result) >= 2 and isinstance(result[1], int):
        return result[1] >= 400
    return False


def commits(view):
    """Commit the request's work once when `view` succeeds; roll it back when it fails."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        try:
            result = view(*args, **kwargs)
        except Exception:
            if g.pop("keep_on_refusal", False):
                commit()
            else:
                rollback()
            raise
        if refused(result):
            rollback()
        else:
            commit()
        return result

    return owns(wrapper)
