"""What happens to an order, announced for the domains above (blinker, as Indico does).

Work orders sit below dispatch, visits and the rest: they announce, and the package that
reacts connects a receiver, so no import runs upward. Receivers run synchronously inside
the sender's transaction: they flush, never commit, and an exception refuses the request.
"""

from blinker import Namespace

_signals = Namespace()

order_cancelled = _signals.signal(
    "order-cancelled",
    doc="An order was cancelled (its event is pending). Sender: the order; kwargs: reason.",
)

event_recorded = _signals.signal(
    "workorder-event-recorded",
    doc="Any event written by record_event (pending in the session). Sender: the order; "
    "kwargs: event. Receivers may add rows (app.messaging queues the customer's SMS).",
)
