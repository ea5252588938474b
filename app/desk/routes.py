"""The desk's JSON API: maps as GeoJSON and the order preview; the catalogue and deferrals
register their views on the same blueprint (notice_routes, deferral_routes)."""

from flask.views import MethodView

from app.auth.roles import OFFICE, SUPERVISORS, Role
from app.desk import maps, services
from app.desk.schemas import (
    FeatureCollectionSchema,
    OrderTypeSchema,
    PreviewQueryArgsSchema,
    PreviewSchema,
    RefSchema,
)
from app.extensions import Blueprint

blp = Blueprint(
    "desk", __name__, url_prefix="/api", description="热线坐席与调度台 / Desk and console"
)


@blp.route("/map/zones")
class ZoneMapViews(MethodView):
    @blp.auth(*OFFICE)
    @blp.response(200, FeatureCollectionSchema)
    def get(self):
        """Service zones (片区) with their teams, as GeoJSON"""
        return maps.zones()


@blp.route("/map/service-area")
class ServiceAreaMapViews(MethodView):
    @blp.auth(*OFFICE)
    @blp.response(200, FeatureCollectionSchema)
    def get(self):
        """The outline of all service zones together (the area served), as GeoJSON"""
        return maps.service_area()


@blp.route("/map/technicians")
class TechnicianMapViews(MethodView):
    @blp.auth(*SUPERVISORS)
    @blp.response(200, FeatureCollectionSchema)
    def get(self):
        """Technicians at their last known position (or base), with status and load, as GeoJSON"""
        return maps.technicians()


@blp.route("/map/orders")
class OrderMapViews(MethodView):
    @blp.auth(*SUPERVISORS)
    @blp.response(200, FeatureCollectionSchema)
    def get(self):
        """Open work orders with a location, with status and deadline state, as GeoJSON"""
        return maps.orders()


@blp.route("/desk/order-types")
class OrderTypeViews(MethodView):
    @blp.auth(*OFFICE)
    @blp.response(200, OrderTypeSchema(many=True))
    def get(self):
        """Active work-order types for the order form, emergencies first"""
        return services.order_types()


@blp.route("/desk/departments")
class DepartmentViews(MethodView):
    @blp.auth(*OFFICE)
    @blp.response(200, RefSchema(many=True))
    def get(self):
        """Departments (部门) a complaint can be handed to"""
        return services.departments()


@blp.route("/desk/preview")
class PreviewViews(MethodView):
    @blp.auth(Role.HOTLINE_AGENT, Role.DISPATCHER, Role.ADMIN)
    @blp.arguments(PreviewQueryArgsSchema, location="query")
    @blp.response(200, PreviewSchema)
    def get(self, args):
        """What an order would get before saving: zone, team, deadline, possible duplicates"""
        return services.preview(args)
