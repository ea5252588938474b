"""Complaint jobs: clock checks at their moments, the sweep behind them, the weekly bulletin.

Each reads the database when it runs, so a lost, late or duplicated job changes nothing.
"""

from app.complaints import bulletin, clocks
from app.database import utcnow

PERIODIC = [
    ("app.complaints.jobs.sweep_clocks", "default", "COMPLAINT_CLOCK_SWEEP_SECONDS"),
    # Hourly by default, but it stores last week's bulletin only once per department.
    ("app.complaints.jobs.produce_weekly_bulletins", "low", "BULLETIN_CHECK_SECONDS"),
]


def check_clocks(complaint_id):
    """Scheduled for a clock's 75% and due moments through the outbox."""
    return clocks.check(complaint_id, utcnow())


def sweep_clocks():
    """Catch every alert a lost job or a stopped worker left owed."""
    return clocks.sweep(utcnow())


def produce_weekly_bulletins():
    return bulletin.store_previous_week(utcnow())
