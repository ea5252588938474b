"""ISO 8601 on the wire: the one spelling of an optional moment in payloads and documents."""

from datetime import UTC


def iso(moment):
    """The moment as given (its own offset), or None."""
    return moment.isoformat() if moment else None


def iso_utc(moment):
    """UTC ISO 8601: the same instant must print the same way whatever the session's zone."""
    return moment.astimezone(UTC).isoformat() if moment else None
