"""The office API: which screens a person may open."""

import marshmallow as ma
from flask import Response
from flask.views import MethodView

from app.auth.permissions import current_user
from app.common.exports import XLSX_MIMETYPE
from app.database import utcnow
from app.extensions import Blueprint
from app.office import figures, labels, report, screens
from app.schemas import IdField

blp = Blueprint(
    "office", __name__, url_prefix="/api/office", description="办公室页面 / Office screens"
)


class ScreenSchema(ma.Schema):
    key = ma.fields.String()
    title = ma.fields.String()
    href = ma.fields.String()


class ScreensSchema(ma.Schema):
    screens = ma.fields.List(ma.fields.Nested(ScreenSchema))
    pages = ma.fields.List(ma.fields.String(), metadata={"description": "Page keys allowed"})
    roles = ma.fields.List(ma.fields.String())
    departments = ma.fields.List(
        ma.fields.Integer(), metadata={"description": "The departments I lead (my complaints)"}
    )
    labels = ma.fields.Dict(metadata={"description": "Chinese words for the codes shown"})


@blp.route("/screens")
class ScreenViews(MethodView):
    @blp.auth()
    @blp.response(200, ScreensSchema)
    def get(self):
        """The navigation of the signed-in person: the screens of every role they hold"""
        user = current_user()
        return {
            "screens": screens.screens_for(user),
            "pages": [key for key in screens.PAGE_ROLES if screens.may_open(user, key)],
            "roles": list(screens.roles_of(user)),
            "departments": screens.departments_led(user),
            "labels": labels.all_labels(),
        }


class FigureArgsSchema(ma.Schema):
    start = ma.fields.Date(
        data_key="from", required=True, metadata={"description": "First day (Asia/Shanghai)"}
    )
    end = ma.fields.Date(
        data_key="to", required=True, metadata={"description": "Last day, included"}
    )
    team_id = IdField()
    zone_id = IdField()
    type = ma.fields.String(validate=ma.validate.Length(1, 40))
    format = ma.fields.String(load_default="json", validate=ma.validate.OneOf(("json", "xlsx")))

    @ma.validates_schema
    def _period(self, data, **kwargs):
        if "start" in data and "end" in data:
            if data["end"] < data["start"]:
                raise ma.ValidationError("结束日期不能早于开始日期 / to is before from", "to")
            if (data["end"] - data["start"]).days > 800:
                raise ma.ValidationError("期间最长两年 / at most two years", "to")


class FigureReportSchema(ma.Schema):
    period = ma.fields.Dict()
    sections = ma.fields.List(ma.fields.Dict(), metadata={"description": "[{key, title}] in order"})
    figures = ma.fields.List(ma.fields.Dict())
    tables = ma.fields.List(ma.fields.Dict())


class FigureChoiceSchema(ma.Schema):
    id = ma.fields.Raw()
    name = ma.fields.String()


class FigureFiltersSchema(ma.Schema):
    teams = ma.fields.List(ma.fields.Nested(FigureChoiceSchema))
    zones = ma.fields.List(ma.fields.Nested(FigureChoiceSchema))
    types = ma.fields.List(ma.fields.Nested(FigureChoiceSchema))


@blp.route("/figures")
class FigureViews(MethodView):
    @blp.auth(*screens.FIGURE_READERS)
    @blp.arguments(FigureArgsSchema, location="query")
    @blp.response(200, FigureReportSchema, description="format=json (default) or xlsx")
    def get(self, args):
        """Management figures for a period, team, zone and order type, each with its definition"""
        found = report.build(
            figures.Filters.of(
                args["start"],
                args["end"],
                args.get("team_id"),
                args.get("zone_id"),
                args.get("type"),
            ),
            utcnow(),
        )
        if args["format"] == "xlsx":
            name = f"figures-{args['start']}-{args['end']}.xlsx"
            return Response(
                report.xlsx(found),
                mimetype=XLSX_MIMETYPE,
                headers={"Content-Disposition": f'attachment; filename="{name}"'},
            )
        return found


@blp.route("/figure-filters")
class FigureFilterViews(MethodView):
    @blp.auth(*screens.FIGURE_READERS)
    @blp.response(200, FigureFiltersSchema)
    def get(self):
        """Teams, zones and order types to choose from on the management page"""
        return figures.filter_choices()
