"""Factory helpers in pairs with ready defaults: make.user(...), make.work_order(...)."""

import itertools
from datetime import timedelta

import sqlalchemy as sa

from app.auth import tokens
from app.auth.models import User
from app.auth.services import hash_password
from app.customers.models import Customer
from app.database import point_wkt, utcnow
from app.dispatch.models import ServiceZone, Skill, Team, Technician
from app.extensions import db
from app.workorders import services as workorders

PASSWORD = "secret-pass-1"
# A square around central Haiyang (lon 121.10-121.22, lat 36.72-36.82).
CENTRE = (121.16, 36.77)
SQUARE = (
    "SRID=4326;MULTIPOLYGON(((121.10 36.72,121.22 36.72,121.22 36.82,121.10 36.82,121.10 36.72)))"
)

_seq = itertools.count(1)
_HASH = {}


def _password_hash():
    if PASSWORD not in _HASH:
        _HASH[PASSWORD] = hash_password(PASSWORD)
    return _HASH[PASSWORD]


class Factories:
    def __init__(self, app):
        self.app = app

    def user(self, role="hotline_agent", username=None, roles=None, **kw):
        """A user holding `role`, or every role of `roles` (e.g. agent and department lead)."""
        n = next(_seq)
        user = User(
            username=username or f"{role}{n}",
            password_hash=_password_hash(),
            display_name=kw.pop("display_name", f"{role} {n}"),
            **kw,
        )
        user.set_roles(roles or [role])
        db.session.add(user)
        db.session.commit()
        return user

    def headers(self, user):
        return {"Authorization": f"Bearer {tokens.access_token(user)}"}

    def team(self, code=None, name=None, **kw):
        n = next(_seq)
        team = Team(code=code or f"T{n}", name=name or f"维修{n}班", **kw)
        db.session.add(team)
        db.session.commit()
        return team

    def zone(self, team=None, wkt=SQUARE, code=None):
        team = team or self.team()
        zone = ServiceZone(
            code=code or f"Z{next(_seq)}", name="城区片区", team_id=team.id, geom=wkt
        )
        db.session.add(zone)
        db.session.commit()
        return zone

    def technician(self, team=None, skills=("plumbing",), at=CENTRE, **kw):
        team = team or self.team()
        user = kw.pop("user", None) or self.user("technician", team_id=team.id)
        n = next(_seq)
        tech = Technician(
            user_id=user.id,
            employee_no=f"E{n:05d}",
            name=kw.pop("name", f"师傅{n}"),
            team_id=team.id,
            base_point=point_wkt(*at),
            **kw,
        )
        tech.skills = [db.session.scalars(sa.select(Skill).filter_by(code=c)).one() for c in skills]
        db.session.add(tech)
        db.session.commit()
        return tech

    def customer(self, at=CENTRE, **kw):
        n = next(_seq)
        customer = Customer(
            account_no=kw.pop("account_no", f"HY{n:08d}"),
            name=kw.pop("name", f"用户{n}"),
            phone=kw.pop("phone", f"1380000{n:04d}"),
            address=kw.pop("address", f"海阳市东村街道{n}号"),
            location=point_wkt(*at) if at else None,
            **kw,
        )
        db.session.add(customer)
        db.session.commit()
        return customer

    def work_order(self, by=None, type="general_repair", at=CENTRE, **kw):
        """An order created through the service, as the desk would."""
        by = by or self.user("hotline_agent")
        data = {
            "type": type,
            "channel": kw.pop("channel", "hotline"),
            "caller_name": "张先生",
            "caller_phone": "13900001111",
            "address": "海阳市方圆街道1号",
            "description": "水管漏水",
            **kw,
        }
        if at:
            data["location"] = {"lon": at[0], "lat": at[1]}
        order = workorders.create_work_order(data, by)
        db.session.commit()
        return order

    def hours_ago(self, hours):
        return utcnow() - timedelta(hours=hours)
