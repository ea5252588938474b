from flask.views import MethodView

from app.auth.permissions import current_user
from app.auth.roles import OFFICE, Role
from app.common.transaction import commits
from app.desk import catalogue, notices
from app.desk.routes import blp
from app.desk.schemas import (
    ChecklistResultSchema,
    ChecklistSchema,
    NoticeEntrySchema,
    NoticeKindsSchema,
    NoticeQueryArgsSchema,
)


@blp.route("/desk/notice-kinds")
class NoticeKindViews(MethodView):
    @blp.auth(*OFFICE)
    @blp.response(200, NoticeKindsSchema)
    def get(self):
        """Counter businesses and applicant kinds, with their Chinese and English names"""

        def rows(table):
            return [{"code": c, "name_zh": zh, "name_en": en} for c, (zh, en) in table.items()]

        return {
            "businesses": rows(catalogue.BUSINESSES),
            "applicant_kinds": rows(catalogue.APPLICANT_KINDS),
        }


@blp.route("/desk/notices")
class NoticeViews(MethodView):
    @blp.auth(*OFFICE)
    @blp.arguments(NoticeQueryArgsSchema, location="query")
    @blp.response(200, NoticeEntrySchema(many=True))
    def get(self, args):
        """The one-time notification catalogue (一次性告知), filtered by business or kind"""
        return notices.entries(args.get("business"), args.get("applicant_kind"))


@blp.route("/desk/notices/<business>/<applicant_kind>")
class NoticeByIdViews(MethodView):
    @blp.auth(*OFFICE)
    @blp.response(200, NoticeEntrySchema)
    def get(self, business, applicant_kind):
        """Conditions, time limit, procedure and materials for one business and applicant kind"""
        return notices.entry_for(business, applicant_kind)

    @blp.auth(Role.ADMIN)
    @blp.arguments(NoticeEntrySchema)
    @blp.response(200, NoticeEntrySchema)
    @commits
    def put(self, data, business, applicant_kind):
        """Replace one catalogue entry (admin); its version goes up"""
        entry = notices.entry_for(business, applicant_kind, lock=True)
        notices.update(entry, data, current_user())
        return entry


@blp.route("/desk/notices/<business>/<applicant_kind>/checklist")
class NoticeChecklistViews(MethodView):
    @blp.auth(*OFFICE)
    @blp.arguments(ChecklistSchema)
    @blp.response(200, ChecklistResultSchema)
    @commits
    def post(self, body, business, applicant_kind):
        """What the caller still lacks, as printable text and SMS text (nothing is stored)"""
        entry = notices.entry_for(business, applicant_kind)
        return notices.checklist(
            entry, body["have"], body["not_applicable"], body.get("applicant"), current_user()
        )
