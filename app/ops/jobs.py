"""Operations jobs: the reconciliation sweep and the outbox's upkeep."""

from flask import current_app

from app.ops import reconcile

PERIODIC = [
    ("app.jobs.relay_outbox", "emergency", "RELAY_SECONDS"),
    ("app.ops.jobs.reconcile_outbox", "emergency", "RECONCILE_SECONDS"),
    ("app.ops.jobs.purge_outbox", "low", "OUTBOX_PURGE_SECONDS"),
]


def reconcile_outbox():
    """Re-drive every promise whose job was lost (see app.ops.reconcile)."""
    findings = reconcile.sweep()
    return {key: value for key, value in findings.items() if key != "redriven"}


def purge_outbox():
    """Done rows are history after OUTBOX_KEEP_DAYS (7): their effects are in the domain tables."""
    return reconcile.purge_done(current_app.config["OUTBOX_KEEP_DAYS"])
