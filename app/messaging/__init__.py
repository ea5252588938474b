"""SMS to customers and on-call staff (SPEC R8): the notifier port, its providers, the
messages order events ask for, and the customer's tracking page."""

from app.messaging import hooks  # noqa: F401  (subscribes to the work-order events)
from app.messaging.pages import pages  # noqa: F401
from app.messaging.routes import blp  # noqa: F401


def init_app(app):
    from app.messaging.services import init_session_hooks

    init_session_hooks()
