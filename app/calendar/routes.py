import sqlalchemy as sa
from flask.views import MethodView

from app.auth.permissions import current_user
from app.auth.roles import Role
from app.calendar import services
from app.calendar.models import CalendarYear
from app.calendar.schemas import CalendarYearSchema, DayQueryArgsSchema, DaySchema, NoticeSchema
from app.common.transaction import commits
from app.errors import Invalid
from app.extensions import Blueprint, db

blp = Blueprint(
    "calendar", __name__, url_prefix="/api/calendar", description="工作日历 / Working calendar"
)


@blp.route("/days")
class DayViews(MethodView):
    @blp.auth()
    @blp.arguments(DayQueryArgsSchema, location="query")
    @blp.response(200, DaySchema(many=True))
    def get(self, args):
        """Working or not, day by day, with where the answer comes from"""
        return [
            {"day": day, "is_working": working, "source": source}
            for day, working, source in services.days_between(args["start"], args["end"])
        ]


@blp.route("/years")
class CalendarYearViews(MethodView):
    @blp.auth()
    @blp.response(200, CalendarYearSchema(many=True))
    def get(self):
        """Years whose official notice has been loaded"""
        return db.session.scalars(sa.select(CalendarYear).order_by(CalendarYear.year)).all()


@blp.route("/years/<int:year>")
class CalendarYearByIdViews(MethodView):
    @blp.auth(Role.ADMIN)
    @blp.arguments(NoticeSchema)
    @blp.response(200, CalendarYearSchema)
    @commits
    def put(self, notice, year):
        """Load (or replace) a year's official holiday notice"""
        _check_in_year(year, notice)
        loaded = services.load_notice(
            year, notice["source"], notice["holidays"], notice["workdays"], current_user()
        )
        return loaded


def _check_in_year(year, notice):
    if not 2000 <= year <= 2100:
        raise Invalid(errors={"year": ["year must be 2000-2100"]})
    days = [d for span in notice["holidays"] for d in (span["start"], span["end"])]
    days += notice["workdays"]
    outside = sorted({d.isoformat() for d in days if d.year != year})
    if outside:
        raise Invalid(errors={"holidays": [f"dates outside {year}: {', '.join(outside)}"]})
