"""Links for the customer (the ID-check QR, the satisfaction link), reports, and /api/sync."""

from flask.views import MethodView

from app.auth.permissions import current_user
from app.auth.roles import SUPERVISORS, Role
from app.common.transaction import after_rollback, commits
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
    @commits
    def post(self, order_id):
        """A short-lived QR code the customer scans to see the technician is genuine"""
        return customer.id_check_link(current_user(), order_id)


@blp.route("/workorders/<int:order_id>/satisfaction-link")
class SatisfactionLinkViews(MethodView):
    @blp.auth(Role.TECHNICIAN, Role.DISPATCHER)
    @blp.arguments(SatisfactionLinkCreateSchema)
    @blp.response(200, SatisfactionLinkSchema)
    @commits
    def post(self, body, order_id):
        """A one-time link (7 days, no login) for the customer's own phone; who issued it and
        how it reaches the customer are kept"""
        return customer.survey_link(current_user(), order_id, body["delivery"])


@blp.route("/workorders/<int:order_id>/satisfaction/callback")
class SatisfactionCallbackViews(MethodView):
    @blp.auth(Role.HOTLINE_AGENT)
    @blp.arguments(SatisfactionCreateSchema)
    @blp.response(201, SatisfactionFormSchema)
    @commits
    def post(self, data, order_id):
        """The hotline records the customer's answers on a callback (回访); kept as such"""
        return customer.submit_by_callback(current_user(), order_id, data)


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
    @commits
    def post(self, batch):
        """Deliver queued phone steps in order; each item gets its own result (R3.9)"""
        results = sync.deliver(current_user(), batch["items"])
        # The claims were committed on their own: if the batch's commit fails, free them.
        after_rollback(lambda: sync.release_claims(results))
        return {"results": results}
