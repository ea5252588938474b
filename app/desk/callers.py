"""Find the caller: customers by phone, account number (户号), name or address, each with
their open orders, recent orders and open complaints (the desk's caller card)."""

import re

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.complaints.models import Complaint
from app.customers.models import Customer
from app.errors import NotFound
from app.extensions import db
from app.queries import contains_pattern
from app.workorders.models import WorkOrder
from app.workorders.states import OPEN_STATUSES

RECENT = 5


def _digits_of(column):
    # Literals, not bound parameters: the expression must be the one the trigram index holds
    # (migration 0005), or PostgreSQL cannot use the index.
    return sa.func.regexp_replace(
        column, sa.literal_column(r"'\D'"), sa.literal_column("''"), sa.literal_column("'g'")
    )


def _matches(q):
    """Conditions and a rank: exact phone or account number first, then partial matches."""
    digits = re.sub(r"\D", "", q)
    conditions = [
        Customer.account_no.ilike(contains_pattern(q), escape="\\"),
        Customer.address.ilike(contains_pattern(q), escape="\\"),
        Customer.name.ilike(contains_pattern(q), escape="\\"),
    ]
    exact = [sa.func.upper(Customer.account_no) == q.upper()]
    if len(digits) >= 4:
        conditions.append(_digits_of(Customer.phone).like(f"%{digits}%"))
        exact.append(_digits_of(Customer.phone) == digits)
    return sa.or_(*conditions), sa.case((sa.or_(*exact), 0), else_=1)


def search(q, limit=20):
    q = q.strip()
    where, rank = _matches(q)
    total = db.session.scalar(sa.select(sa.func.count()).where(where).select_from(Customer))
    customers = db.session.scalars(
        sa.select(Customer)
        .where(where)
        .options(selectinload(Customer.meters))
        .order_by(rank, Customer.account_no)
        .limit(limit)
    ).all()
    _attach_orders(customers)
    return {"items": customers, "total": total, "other_open_orders": _orphan_orders(q)}


def get_card(customer_id):
    customer = db.session.get(Customer, customer_id)
    if customer is None:
        raise NotFound(f"用户不存在 / customer {customer_id} not found")
    _attach_orders([customer])
    return customer


def _attach_orders(customers):
    """open_orders, recent_orders and open_complaints on each customer, a query each."""
    by_id = {c.id: c for c in customers}
    for c in customers:
        c.open_orders, c.recent_orders, c.open_complaints = [], [], []
    if not by_id:
        return
    _attach_complaints(by_id)
    orders = db.session.scalars(
        sa.select(WorkOrder)
        .where(WorkOrder.customer_id.in_(by_id))
        .options(selectinload(WorkOrder.type))
        .order_by(WorkOrder.created_at.desc())
    ).all()
    for order in orders:
        customer = by_id[order.customer_id]
        if order.status in OPEN_STATUSES:
            customer.open_orders.append(order)
        elif len(customer.recent_orders) < RECENT:
            customer.recent_orders.append(order)


def _attach_complaints(by_id):
    complaints = db.session.scalars(
        sa.select(Complaint)
        .where(Complaint.customer_id.in_(by_id), Complaint.status != "closed")
        .order_by(Complaint.received_at.desc())
    ).all()
    for complaint in complaints:
        by_id[complaint.customer_id].open_complaints.append(complaint)


def _orphan_orders(q):
    """A repeat caller without an account: their open orders match by phone or address."""
    digits = re.sub(r"\D", "", q)
    conditions = [WorkOrder.address.ilike(contains_pattern(q), escape="\\")]
    if len(digits) >= 4:
        conditions.append(_digits_of(WorkOrder.caller_phone).like(f"%{digits}%"))
    return db.session.scalars(
        sa.select(WorkOrder)
        .where(
            WorkOrder.customer_id.is_(None),
            WorkOrder.status.in_(OPEN_STATUSES),
            sa.or_(*conditions),
        )
        .options(selectinload(WorkOrder.type))
        .order_by(WorkOrder.created_at.desc())
        .limit(20)
    ).all()
