"""Links for the customer (the ID-check QR, the satisfaction link), reports, and /api/sync."""

from flask.views import MethodView

from app.auth.permissions import current_user
from app.auth.roles import SUPERVISORS, Role
from app.extensions import db
from app.visits import customer, sync
from app.visits.routes import blp
from app.visits.schemas import (
    IdCheckSchema,
    SatisfactionCreateSchema,
    SatisfactionFormSchema,
    SatisfactionLinkCreateSchema,
    SatisfactionLinkSchema,
    SatisfactionPageSchema,
    SatisfactionQueryArgsSchema,
    SyncBatchSchema,
    SyncResultSchema,
)


@blp.route("/workorders/<int:order_id>/id-check")
class IdCheckViews(MethodView):
    @blp.auth(Role.TECHNICIAN)
    @blp.response(200, IdCheckSchema)
    def post(self, order_id):
        """A short-lived QR code the customer scans to see the technician is genuine"""
        return customer.id_check_link(current_user(), order_id)


@blp.route("/workorders/<int:order_id>/satisfaction-link")
class SatisfactionLinkViews(MethodView):
    @blp.auth(Role.TECHNICIAN, Role.DISPATCHER)
    @blp.arguments(SatisfactionLinkCreateSchema)
    @blp.response(200, SatisfactionLinkSchema)
    def post(self, body, order_id):
        """A one-time link (7 days, no login) for the customer's own phone; who issued it and
        how it reaches the customer are kept"""
        link = customer.survey_link(current_user(), order_id, body["delivery"])
        db.session.commit()
        return link


@blp.route("/workorders/<int:order_id>/satisfaction/callback")
class SatisfactionCallbackViews(MethodView):
    @blp.auth(Role.HOTLINE_AGENT)
    @blp.arguments(SatisfactionCreateSchema)
    @blp.response(201, SatisfactionFormSchema)
    def post(self, data, order_id):
        """The hotline records the customer's answers on a callback (回访); kept as such"""
        form = customer.submit_by_callback(current_user(), order_id, data)
        db.session.commit()
        return form


@blp.route("/satisfaction")
class SatisfactionReportViews(MethodView):
    @blp.auth(*SUPERVISORS)
    @blp.arguments(SatisfactionQueryArgsSchema, location="query")
    @blp.response(200, SatisfactionPageSchema)
    def get(self, args):
        """Satisfaction answers for reports, filtered, with averages"""
        return customer.satisfaction_page(args)


@blp.route("/sync")
class SyncViews(MethodView):
    @blp.auth(Role.TECHNICIAN)
    @blp.arguments(SyncBatchSchema)
    @blp.response(200, SyncResultSchema)
    def post(self, batch):
        """Deliver queued phone steps in order; each item gets its own result (R3.9)"""
        results = sync.deliver(current_user(), batch["items"])
        try:
            db.session.commit()
        except Exception:
            db.session.rollback()
            sync.release_claims(results)
            raise
        return {"results": results}
