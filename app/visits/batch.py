"""The orders a sync batch (R3.9) has locked and the visits it has loaded.

A batch locks its orders once, in id order, for all its steps (`services.lock_batch`); the
steps then find them here instead of locking each again. `sync.deliver` opens it with
`with batch.begin():` for the batch's duration, and `forget()`s it whenever a SAVEPOINT is
rolled back (that may drop its locks). Outside a batch `current()` is None and every step
locks its order itself, as a single request does.
"""

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field


@dataclass
class Batch:
    orders: dict = field(default_factory=dict)  # (user id, order id) -> locked WorkOrder
    # order id -> Visit or None; also keeps unchanged rows alive, as the identity map holds
    # them only weakly.
    visits: dict = field(default_factory=dict)

    def forget(self):
        self.orders.clear()
        self.visits.clear()


_current: ContextVar[Batch | None] = ContextVar("visits_sync_batch", default=None)


def current():
    return _current.get()


@contextmanager
def begin():
    token = _current.set(Batch())
    try:
        yield _current.get()
    finally:
        _current.reset(token)
