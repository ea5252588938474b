"""Customers (用户) and their meters."""

from datetime import date, datetime

import sqlalchemy as sa
from geoalchemy2 import Geometry
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.database import utcnow
from app.extensions import db


class Customer(db.Model):
    __tablename__ = "customers"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_no: Mapped[str] = mapped_column(sa.String(32), unique=True)  # 户号
    name: Mapped[str] = mapped_column(sa.String(100))
    phone: Mapped[str | None] = mapped_column(sa.String(32), index=True)
    address: Mapped[str] = mapped_column(sa.String(255))
    location = mapped_column(Geometry("POINT", srid=4326, spatial_index=True))
    # 孤寡老人/残疾人士, no one to act for them: appointment home service and priority (R1.4).
    limited_mobility: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    meters: Mapped[list["Meter"]] = relationship(back_populates="customer")


class Meter(db.Model):
    __tablename__ = "meters"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(sa.String(40), unique=True)
    customer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("customers.id"), index=True)
    model: Mapped[str | None] = mapped_column(sa.String(60))
    diameter_mm: Mapped[int | None]
    installed_on: Mapped[date | None]
    last_reading: Mapped[float | None] = mapped_column(sa.Numeric(12, 2))
    status: Mapped[str] = mapped_column(sa.String(20), default="active")

    customer: Mapped[Customer | None] = relationship(back_populates="meters")
