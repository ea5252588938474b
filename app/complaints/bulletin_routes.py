import sqlalchemy as sa
from flask import Response
from flask.views import MethodView

from app.auth.permissions import current_user
from app.auth.roles import SUPERVISORS
from app.common.exports import CSV_MIMETYPE, XLSX_MIMETYPE
from app.complaints import access, bulletin, renderers
from app.complaints.blueprint import blp
from app.complaints.bulletin_schemas import (
    ComplaintBulletinQueryArgsSchema,
    ComplaintBulletinSchema,
    ComplaintFormatArgsSchema,
    ComplaintStoredBulletinPageSchema,
    ComplaintStoredBulletinQueryArgsSchema,
)
from app.complaints.models import ComplaintBulletin
from app.errors import Invalid, NotFound
from app.extensions import db
from app.queries import paginate

FORMATS_DOC = (
    "format=json (default), csv (UTF-8 with BOM, for Excel), xlsx (formula-safe) "
    "or html (printable, 中文)"
)
# The same 200 may be CSV or HTML as well as JSON: say so in the OpenAPI document.
OTHER_FORMATS = {
    "responses": {
        "200": {
            "content": {
                "application/json": {"schema": ComplaintBulletinSchema},
                CSV_MIMETYPE: {"schema": {"type": "string"}},
                "text/html": {"schema": {"type": "string"}},
                XLSX_MIMETYPE: {"schema": {"type": "string", "format": "binary"}},
            }
        }
    }
}


def _render(data, fmt):
    if fmt == "csv":
        name = f"complaint-bulletin-{data['year']}-W{data['week']:02d}.csv"
        return Response(
            renderers.bulletin_csv(data),
            mimetype=CSV_MIMETYPE,
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )
    if fmt == "xlsx":
        name = f"complaint-bulletin-{data['year']}-W{data['week']:02d}.xlsx"
        return Response(
            renderers.bulletin_xlsx(data),
            mimetype=XLSX_MIMETYPE,
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )
    if fmt == "html":
        return Response(renderers.bulletin_html(data), mimetype="text/html")
    return data


@blp.route("/bulletins/<int:year>/<int:week>")
class BulletinWeekViews(MethodView):
    @blp.auth(*SUPERVISORS)
    @blp.arguments(ComplaintBulletinQueryArgsSchema, location="query")
    @blp.response(200, ComplaintBulletinSchema, description=FORMATS_DOC)
    @blp.doc(**OTHER_FORMATS)
    def get(self, args, year, week):
        """The weekly bulletin (每周通报) for any ISO week, computed now, per department"""
        shown = access.visible_departments(current_user(), args.get("department_id"))
        try:
            data = bulletin.compute(year, week, shown)
        except ValueError as exc:
            raise Invalid(errors={"week": [f"没有{year}年第{week}周 / no such ISO week"]}) from exc
        return _render(data, args["format"])


@blp.route("/bulletins")
class StoredBulletinViews(MethodView):
    @blp.auth(*SUPERVISORS)
    @blp.arguments(ComplaintStoredBulletinQueryArgsSchema, location="query")
    @blp.response(200, ComplaintStoredBulletinPageSchema)
    def get(self, args):
        """Bulletins the weekly job stored, newest first"""
        stmt = sa.select(ComplaintBulletin)
        for name, column in (
            ("year", "iso_year"),
            ("week", "iso_week"),
            ("department_id", "department_id"),
        ):
            if args.get(name) is not None:
                stmt = stmt.where(getattr(ComplaintBulletin, column) == args[name])
        shown = access.visible_departments(current_user())
        if shown is not None:
            stmt = stmt.where(ComplaintBulletin.department_id.in_(shown or {-1}))
        return paginate(
            stmt,
            args,
            ComplaintBulletin.iso_year.desc(),
            ComplaintBulletin.iso_week.desc(),
            ComplaintBulletin.department_id,
        )


@blp.route("/bulletins/<int:bulletin_id>")
class StoredBulletinByIdViews(MethodView):
    @blp.auth(*SUPERVISORS)
    @blp.arguments(ComplaintFormatArgsSchema, location="query")
    @blp.response(200, ComplaintBulletinSchema, description=FORMATS_DOC)
    @blp.doc(**OTHER_FORMATS)
    def get(self, args, bulletin_id):
        """One stored bulletin, exactly as produced, in the format asked"""
        stored = db.session.get(ComplaintBulletin, bulletin_id)
        shown = access.visible_departments(current_user())
        if stored is None or (shown is not None and stored.department_id not in shown):
            raise NotFound(f"通报不存在 / bulletin {bulletin_id} not found")
        return _render(renderers.as_sections(stored.data), args["format"])
