"""The one-time notification catalogue (R5.1): read, edit (admin), and check a caller's list."""

from datetime import datetime

import sqlalchemy as sa
from flask import current_app

from app.calendar.rules import TZ
from app.database import utcnow
from app.desk import catalogue
from app.desk.models import NoticeEntry
from app.errors import Invalid, NotFound
from app.extensions import db


def entries(business=None, applicant_kind=None):
    stmt = sa.select(NoticeEntry).order_by(NoticeEntry.id)
    if business:
        stmt = stmt.where(NoticeEntry.business == business)
    if applicant_kind:
        stmt = stmt.where(NoticeEntry.applicant_kind == applicant_kind)
    return db.session.scalars(stmt).all()


def entry_for(business, applicant_kind, lock=False):
    if business not in catalogue.BUSINESSES or applicant_kind not in catalogue.APPLICANT_KINDS:
        raise NotFound(f"无此业务或申请人类别 / unknown business {business} or {applicant_kind}")
    stmt = sa.select(NoticeEntry).where(
        NoticeEntry.business == business, NoticeEntry.applicant_kind == applicant_kind
    )
    found = db.session.scalar(stmt.with_for_update() if lock else stmt)
    if found is None:
        raise NotFound("告知目录中无此项 / not in the catalogue")
    return found


def update(entry, data, user):
    """Replace the entry's content; names must be unique so a checklist can refer to them."""
    names = [item["name"] for item in data["materials"]]
    if len(names) != len(set(names)):
        raise Invalid(errors={"materials": ["材料名称重复 / duplicate material names"]})
    for field in (
        "coverage",
        "conditions",
        "time_limit",
        "procedure",
        "materials",
        "notes",
        "source",
    ):
        setattr(entry, field, data[field])
    entry.version += 1
    entry.updated_at = utcnow()
    entry.updated_by_id = user.id
    db.session.flush()
    return entry


def checklist(entry, have, not_applicable=(), applicant=None, user=None):
    """What the caller lacks, as printable text and as SMS text."""
    unknown = catalogue.unknown_names(entry.materials, [*have, *not_applicable])
    if unknown:
        raise Invalid(errors={"have": [f"不在材料清单中 / not in the list: {n}" for n in unknown]})
    lacking = catalogue.missing(entry.materials, have, not_applicable)
    stamp = datetime.now(TZ).strftime("%Y-%m-%d %H:%M")
    who = f"受理人:{user.display_name} " if user else ""
    config = current_app.config
    company = {
        "name": config["COMPANY_NAME"],
        "hotline": config["COMPANY_HOTLINE"],
        "address": config["COMPANY_ADDRESS"],
    }
    printable = catalogue.printable_text(entry, lacking, applicant, f"{who}{stamp}", company)
    return {
        "entry": entry,
        "missing": lacking,
        "printable_text": printable,
        "sms_text": catalogue.sms_text(entry, lacking, company["name"]),
    }
