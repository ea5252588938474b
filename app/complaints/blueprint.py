from app.extensions import Blueprint

DESCRIPTION = """客户投诉处理 / Complaints (R4).

Hand-off rule (移交时限): received on a working day before 11:00 -> handed off before the
morning's end of work (12:00); before 16:00 -> before the afternoon's end of work (17:30);
later, or on a non-working day -> by the end of the next working half-day (the next working
day's morning, 12:00). Office hours (OFFICE_HOURS) and cut-offs (COMPLAINT_HANDOFF_CUTOFFS)
are configuration; working days follow the official calendar, make-up working days included.
On a non-working day the duty staff are alerted to phone the department lead.
Handling: resolved within 24 hours of the hand-off, 48 hours in a special case (a lead's
reason, given before the 24 hours pass); a progress call is owed before the 24-hour mark.
Every clock alerts at 75% of its time and at breach."""

blp = Blueprint(
    "complaints",
    __name__,
    url_prefix="/api/complaints",
    description=DESCRIPTION,
    template_folder="templates",
)
