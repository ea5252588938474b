"""容缺受理 (R5.2): accept with non-key materials missing, on a commitment letter, and track
the promise to supply them before the supply agreement is signed."""

from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.calendar.rules import local_date
from app.customers import services as customers
from app.database import utcnow
from app.desk import notices
from app.desk.models import DeferredAcceptance, DeferredItem
from app.errors import Conflict, Invalid, NotFound
from app.extensions import db
from app.workorders.services import next_number

CONFIRMATIONS = ("true_intent", "informed", "materials_true", "supply_in_time", "accept_liability")
# §四(二): who signs the letter, and the proof each kind of signer gives.
SIGNER_PROOF = {
    "citizen": ("id_copy", "以公民名义申请的,需在承诺书签名并提交身份证复印件"),
    "entity": (
        "legal_rep_or_seal",
        "以单位名义申请的,应由法定代表人(或授权代表)签字或加盖单位公章",
    ),
    "agent": ("power_of_attorney", "委托办理的,被委托人应当提交委托书"),
}


def create(data, user):
    entry = notices.entry_for(data["business"], data["applicant_kind"])
    _check_items(entry, data["missing"])
    _check_commitment(data["signer_kind"], data["commitment"])
    today = local_date(utcnow())
    if data["due_on"] < today:
        raise Invalid(errors={"due_on": ["补齐期限不能早于今天 / the deadline is in the past"]})
    acceptance = DeferredAcceptance(
        number=next_number("RQ"),
        business=entry.business,
        applicant_kind=entry.applicant_kind,
        applicant_name=data["applicant_name"],
        applicant_phone=data.get("applicant_phone"),
        customer=customers.by_account_no(data.get("account_no")),
        signer_kind=data["signer_kind"],
        signer_name=data["signer_name"],
        commitment=data["commitment"],
        committed_on=today,
        due_on=data["due_on"],
        status="open",
        note=data["note"],
        created_by_id=user.id,
        items=[DeferredItem(name=name) for name in dict.fromkeys(data["missing"])],
    )
    db.session.add(acceptance)
    db.session.flush()
    return acceptance


def _check_items(entry, names):
    if entry.coverage == "not_stated":
        raise Invalid(errors={"business": ["规则未规定此项业务,不能容缺受理 / not in the rules"]})
    by_name = {item["name"]: item for item in entry.materials}
    errors = []
    for name in names:
        if name not in by_name:
            errors.append(f"不在材料清单中 / not in the list: {name}")
        elif not by_name[name].get("deferrable"):
            errors.append(f"关键材料不能容缺 / a key material cannot be deferred: {name}")
    if errors:
        raise Invalid(errors={"missing": errors})


def _check_commitment(signer_kind, commitment):
    errors = {}
    unconfirmed = [name for name in CONFIRMATIONS if not commitment.get(name)]
    if unconfirmed:
        errors["commitment"] = [f"承诺书须确认全部五项 / unconfirmed: {', '.join(unconfirmed)}"]
    proof, rule = SIGNER_PROOF[signer_kind]
    if not commitment.get(proof):
        errors["signer_kind"] = [f"{rule} / missing proof: {proof}"]
    if errors:
        raise Invalid(errors=errors)


def get(acceptance_id, lock=False):
    stmt = sa.select(DeferredAcceptance).where(DeferredAcceptance.id == acceptance_id)
    found = db.session.scalar(stmt.with_for_update() if lock else stmt)
    if found is None:
        raise NotFound(f"容缺受理记录不存在 / deferral {acceptance_id} not found")
    return found


def listing(status=None, due_within_days=None):
    """Sorted by due date; with due_within_days, the open promises coming due (and overdue)."""
    stmt = sa.select(DeferredAcceptance).options(selectinload(DeferredAcceptance.items))
    if status:
        stmt = stmt.where(DeferredAcceptance.status == status)
    if due_within_days is not None:
        horizon = local_date(utcnow()) + timedelta(days=due_within_days)
        stmt = stmt.where(DeferredAcceptance.status == "open", DeferredAcceptance.due_on <= horizon)
    return db.session.scalars(stmt.order_by(DeferredAcceptance.due_on, DeferredAcceptance.id)).all()


def supply(acceptance, item_ids, user):
    """Record materials handed in; when none is left the promise is kept."""
    if acceptance.status == "signed":
        raise Conflict("供水配套协议书已签订 / the agreement is already signed")
    items = {item.id: item for item in acceptance.items}
    unknown = [i for i in item_ids if i not in items]
    if unknown:
        raise Invalid(errors={"item_ids": [f"不属于此记录 / not on this deferral: {unknown}"]})
    for item_id in item_ids:
        if items[item_id].supplied_at is None:
            items[item_id].supplied_at, items[item_id].supplied_by_id = utcnow(), user.id
    if all(item.supplied_at for item in acceptance.items):
        acceptance.status = "complete"
    db.session.flush()
    return acceptance


def sign_agreement(acceptance):
    """The supply agreement may be signed only once every deferred material is in."""
    outstanding = [item.name for item in acceptance.items if item.supplied_at is None]
    if outstanding:
        raise Conflict(
            "容缺材料未补齐,不能签订供水配套协议书 / deferred materials still missing",
            code="materials_missing",
            missing=outstanding,
        )
    if acceptance.status != "signed":
        acceptance.status, acceptance.agreement_signed_at = "signed", utcnow()
    db.session.flush()
    return acceptance
