"""Office jobs: the management figures' summary kept current (app.office.summary)."""

from app.office import summary

PERIODIC = [("app.office.jobs.summarise_figures", "low", "FIGURE_SUMMARY_SECONDS")]


def summarise_figures():
    """Summarise the days that have become old enough and rebuild the days changed since."""
    return len(summary.summarise())
