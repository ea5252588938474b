"""The customer behind an account number (户号), the one lookup orders, complaints and the
desk use.

The caller search (by phone, 户号, name or address, with open orders and complaints) is the
desk's: app/desk/callers.py.
"""

import sqlalchemy as sa

from app.customers.models import Customer
from app.errors import Invalid
from app.extensions import db


def by_account_no(account_no):
    """The customer with this 户号; None when none was given; an unknown one is bad input."""
    if not account_no:
        return None
    customer = db.session.scalar(sa.select(Customer).where(Customer.account_no == account_no))
    if customer is None:
        raise Invalid(errors={"account_no": [f"户号不存在 / no customer {account_no}"]})
    return customer


def caller_details(data, customer):
    """The caller's own name, phone and address as given, else the customer's on file."""
    return {
        "caller_name": data.get("caller_name") or (customer.name if customer else None),
        "caller_phone": data.get("caller_phone") or (customer.phone if customer else None),
        "address": data.get("address") or (customer.address if customer else None),
    }
