"""The caller search API under /api/customers (blueprint "customers"): who is calling."""

from flask.views import MethodView

from app.auth.roles import OFFICE
from app.desk import callers as services
from app.desk.caller_schemas import (
    CustomerCardSchema,
    CustomerQueryArgsSchema,
    CustomerSearchSchema,
)
from app.extensions import Blueprint

blp = Blueprint("customers", __name__, url_prefix="/api/customers", description="用户 / Customers")


@blp.route("")
class CustomerViews(MethodView):
    @blp.auth(*OFFICE)
    @blp.arguments(CustomerQueryArgsSchema, location="query")
    @blp.response(200, CustomerSearchSchema)
    def get(self, args):
        """Find the caller by phone, account number (户号), name or address"""
        return services.search(args["q"], args["limit"])


@blp.route("/<int:customer_id>")
class CustomerByIdViews(MethodView):
    @blp.auth(*OFFICE)
    @blp.response(200, CustomerCardSchema)
    def get(self, customer_id):
        """One customer with meters, open orders and recent history"""
        return services.get_card(customer_id)
