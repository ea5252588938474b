"""Who does the work and where: teams, service zones, skills, technicians."""

from datetime import datetime

import sqlalchemy as sa
from geoalchemy2 import Geometry
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.database import utcnow
from app.extensions import db

TECHNICIAN_STATUSES = ("available", "busy", "off_duty")

technician_skills = sa.Table(
    "technician_skills",
    db.Model.metadata,
    sa.Column("technician_id", sa.ForeignKey("technicians.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("skill_id", sa.ForeignKey("skills.id", ondelete="CASCADE"), primary_key=True),
)


class Team(db.Model):
    """A field team or a department (部门); zones and complaints are owned by one."""

    __tablename__ = "teams"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(32), unique=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    kind: Mapped[str] = mapped_column(sa.String(20), default="field")  # field | department
    lead_user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", use_alter=True, name="fk_teams_lead_user_id_users")
    )


class ServiceZone(db.Model):
    """A service area (片区): a polygon owned by one team."""

    __tablename__ = "service_zones"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(32), unique=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    team_id: Mapped[int] = mapped_column(sa.ForeignKey("teams.id"))
    geom = mapped_column(Geometry("MULTIPOLYGON", srid=4326, spatial_index=True), nullable=False)

    team: Mapped[Team] = relationship()


class Skill(db.Model):
    __tablename__ = "skills"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    name: Mapped[str] = mapped_column(sa.String(100))


class Technician(db.Model):
    __tablename__ = "technicians"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), unique=True)
    employee_no: Mapped[str] = mapped_column(sa.String(32), unique=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    phone: Mapped[str | None] = mapped_column(sa.String(32))
    photo_path: Mapped[str | None] = mapped_column(sa.String(255))
    team_id: Mapped[int] = mapped_column(sa.ForeignKey("teams.id"), index=True)
    base_point = mapped_column(Geometry("POINT", srid=4326, spatial_index=True), nullable=False)
    last_position = mapped_column(Geometry("POINT", srid=4326, spatial_index=True))
    last_position_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    status: Mapped[str] = mapped_column(
        sa.Enum(*TECHNICIAN_STATUSES, name="technician_status"), default="available"
    )
    on_call: Mapped[bool] = mapped_column(default=False)
    max_open_orders: Mapped[int] = mapped_column(default=8)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    team: Mapped[Team] = relationship()
    skills: Mapped[list[Skill]] = relationship(secondary=technician_skills)
    user = relationship("User")
