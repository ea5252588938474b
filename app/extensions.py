"""Extensions, and the one Api/Blueprint subclass every domain package imports."""

from functools import wraps

import flask_smorest
import marshmallow as ma
import sqlalchemy as sa
from flask import current_app
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy

from app.database import Base
from app.errors import http_error_payload

db = SQLAlchemy(model_class=Base)
migrate = Migrate()

# The key under which app.auth leaves its check of the bearer token and roles.
REQUIRE_USER = "tapline.require_user"


class ErrorSchema(ma.Schema):
    """The one error shape of every status: {"code", "message", "errors"}.

    A few errors add detail keys beside these (an illegal transition names the allowed
    actions in "allowed"); clients can rely on the three always being there.
    """

    class Meta:
        unknown = ma.INCLUDE

    code = ma.fields.String(required=True, metadata={"example": "validation_error"})
    message = ma.fields.String(required=True)
    errors = ma.fields.Dict(
        keys=ma.fields.String(),
        values=ma.fields.Raw(),
        required=True,
        metadata={"description": "Field name -> list of messages"},
    )


class Api(flask_smorest.Api):
    ERROR_SCHEMA = ErrorSchema

    def handle_http_exception(self, error):
        return http_error_payload(error)


def run_read_only(call):
    """Run a request that only reads with its statements in autocommit: no BEGIN and no
    ROLLBACK around it (two round trips of the three or four it needs). Under READ COMMITTED
    every statement had a snapshot of its own anyway, so what it reads is unchanged. A
    connection found dead at the first statement (app.database.ping_when_idle lets one
    through when the server restarted moments after its last use) is dropped with the
    pool's older ones and the request read once more."""
    for attempt in (1, 2):
        if not db.session().in_transaction():  # else a caller's transaction: stay in it
            db.session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
        try:
            return call()
        except sa.exc.DBAPIError as exc:
            if attempt == 2 or not exc.connection_invalidated:
                raise
            db.session.rollback()


class Blueprint(flask_smorest.Blueprint):
    def auth(self, *roles, read_only=False):
        """Require a bearer token, and one of `roles` when given; documented in OpenAPI.
        `read_only=True` for a view that never writes: see `run_read_only()`.

        The check is app.auth's, which sits above this module: `app.auth.init_app` leaves it
        in `app.extensions[REQUIRE_USER]`, as Flask-Login's `user_loader` is registered.
        """

        who = ", ".join(roles) if roles else "any signed-in user"

        def decorator(func):
            def checked(*args, **kwargs):
                current_app.extensions[REQUIRE_USER](roles)
                return func(*args, **kwargs)

            @wraps(func)
            def wrapper(*args, **kwargs):
                if read_only:
                    return run_read_only(lambda: checked(*args, **kwargs))
                return checked(*args, **kwargs)

            documented = self.doc(security=[{"bearerAuth": []}], description=f"Roles: {who}.")
            return documented(wrapper)

        return decorator


api = Api()
