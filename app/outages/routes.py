"""Outage API: declare, change, restore; the desk's lookup and linked calls (R8)."""

import sqlalchemy as sa
from flask.views import MethodView

from app.auth.permissions import current_user
from app.auth.roles import OFFICE, SUPERVISORS
from app.common.transaction import commits
from app.customers.services import by_account_no
from app.extensions import Blueprint, db
from app.outages import services
from app.outages.models import Outage
from app.outages.schemas import (
    OutageCallCreateSchema,
    OutageCallSchema,
    OutageChangeSchema,
    OutageCreateSchema,
    OutageQueryArgsSchema,
    OutageSchema,
)

blp = Blueprint("outages", __name__, url_prefix="/api/outages", description="停水 / Outages")


@blp.route("")
class OutageViews(MethodView):
    @blp.auth(*OFFICE)
    @blp.arguments(OutageQueryArgsSchema, location="query")
    @blp.response(200, OutageSchema(many=True))
    def get(self, args):
        """Announced outages; with lon/lat or account_no only those covering that point"""
        if args.get("account_no"):
            return services.at_customer(by_account_no(args["account_no"]))
        if args.get("lon") is not None and args.get("lat") is not None:
            return services.at_point(args["lon"], args["lat"])
        return db.session.scalars(
            sa.select(Outage).where(Outage.status == "announced").order_by(Outage.start_at)
        ).all()

    @blp.auth(*SUPERVISORS)
    @blp.arguments(OutageCreateSchema)
    @blp.response(201, OutageSchema)
    @commits
    def post(self, data):
        """Declare an outage: customers in the area are found and notified by SMS"""
        outage = services.declare(data, current_user())
        return outage


@blp.route("/<int:outage_id>")
class OutageByIdViews(MethodView):
    @blp.auth(*OFFICE)
    @blp.response(200, OutageSchema)
    def get(self, outage_id):
        """One outage with its history"""
        return services.get(outage_id)

    @blp.auth(*SUPERVISORS)
    @blp.arguments(OutageChangeSchema)
    @blp.response(200, OutageSchema)
    @commits
    def patch(self, data, outage_id):
        """Change the times or reason; everyone in the area is told"""
        outage = services.change(services.get(outage_id, lock=True), data, current_user())
        return outage


@blp.route("/<int:outage_id>/restore")
class OutageRestoreViews(MethodView):
    @blp.auth(*SUPERVISORS)
    @blp.response(200, OutageSchema)
    @commits
    def post(self, outage_id):
        """Supply is back; everyone in the area is told"""
        outage = services.restore(services.get(outage_id, lock=True), current_user())
        return outage


@blp.route("/<int:outage_id>/calls")
class OutageCallViews(MethodView):
    @blp.auth(*OFFICE)
    @blp.arguments(OutageCallCreateSchema)
    @blp.response(201, OutageCallSchema)
    @commits
    def post(self, data, outage_id):
        """A 'no water' call from inside the area, linked here instead of a new order"""
        call = services.link_call(services.get(outage_id, lock=True), data, current_user())
        return call
