from flask.views import MethodView

from app.auth.permissions import current_user
from app.auth.roles import COUNTER, OFFICE
from app.common.transaction import commits
from app.desk import deferrals
from app.desk.routes import blp
from app.desk.schemas import (
    DeferralCreateSchema,
    DeferralQueryArgsSchema,
    DeferralSchema,
    SupplySchema,
)


@blp.route("/desk/deferrals")
class DeferralViews(MethodView):
    @blp.auth(*OFFICE)
    @blp.arguments(DeferralQueryArgsSchema, location="query")
    @blp.response(200, DeferralSchema(many=True))
    def get(self, args):
        """Deficiency-tolerant acceptances (容缺受理) by due date; promises coming due"""
        return deferrals.listing(args.get("status"), args.get("due_within_days"))

    @blp.auth(*COUNTER)
    @blp.arguments(DeferralCreateSchema)
    @blp.response(201, DeferralSchema)
    @commits
    def post(self, data):
        """Accept with non-key materials missing, on a signed commitment letter (告知承诺书)"""
        acceptance = deferrals.create(data, current_user())
        return acceptance


@blp.route("/desk/deferrals/<int:deferral_id>")
class DeferralByIdViews(MethodView):
    @blp.auth(*OFFICE)
    @blp.response(200, DeferralSchema)
    def get(self, deferral_id):
        """One deficiency-tolerant acceptance with its missing items"""
        return deferrals.get(deferral_id)


@blp.route("/desk/deferrals/<int:deferral_id>/supply")
class DeferralSupplyViews(MethodView):
    @blp.auth(*COUNTER)
    @blp.arguments(SupplySchema)
    @blp.response(200, DeferralSchema)
    @commits
    def post(self, body, deferral_id):
        """Record deferred materials handed in"""
        acceptance = deferrals.get(deferral_id, lock=True)
        deferrals.supply(acceptance, body["item_ids"], current_user())
        return acceptance


@blp.route("/desk/deferrals/<int:deferral_id>/agreement")
class DeferralAgreementViews(MethodView):
    @blp.auth(*COUNTER)
    @blp.response(200, DeferralSchema)
    @commits
    def post(self, deferral_id):
        """Sign the supply agreement (供水配套协议书); refused while materials are missing"""
        acceptance = deferrals.get(deferral_id, lock=True)
        deferrals.sign_agreement(acceptance)
        return acceptance
