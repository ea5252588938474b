"""Teams and their service zones: a zone's polygon decides which team an order belongs to."""

import sqlalchemy as sa
from geoalchemy2 import Geometry
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db


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
