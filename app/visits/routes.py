"""The technician's visit steps, generated from the one table in steps.py that POST /api/sync
also dispatches to. Each mutating step honours Idempotency-Key; `idempotent` commits it."""

from flask import Response
from flask.views import MethodView

from app.auth.permissions import current_user
from app.auth.roles import FIELD_WORK_READERS, Role
from app.common.idempotency import idempotent
from app.common.transaction import commits
from app.extensions import Blueprint
from app.visits import portraits, queries, records
from app.visits.schemas import (
    MyOrderListSchema,
    MyOrdersArgsSchema,
    PhotoFileSchema,
    PhotoSchema,
    PhotoUploadSchema,
    TechnicianPhotoSchema,
    VisitDetailSchema,
)
from app.visits.steps import STEPS

blp = Blueprint(
    "visits",
    __name__,
    url_prefix="/api",
    description="上门服务 / The visit, from the technician's phone",
)


@blp.route("/visits/mine")
class MyOrderViews(MethodView):
    @blp.auth(Role.TECHNICIAN, read_only=True)
    @blp.arguments(MyOrdersArgsSchema, location="query")
    @blp.response(200, MyOrderListSchema)
    def get(self, args):
        """My open orders: emergencies and urgent deadlines first, then by appointment"""
        return queries.my_orders(current_user(), args)


@blp.route("/workorders/<int:order_id>/visit")
class VisitViews(MethodView):
    @blp.auth(*FIELD_WORK_READERS)
    @blp.response(200, VisitDetailSchema)
    def get(self, order_id):
        """The visit so far: checklist, arrival, work record, photos, what completion still needs"""
        return queries.visit_detail(current_user(), order_id)


def step_view(blp, step):
    """A MethodView for one phone step on `blp`: auth -> idempotency -> arguments -> response."""

    def view(self, data, order_id):
        return step.handler(current_user(), order_id, data)

    view.__doc__ = step.summary
    view = blp.arguments(step.schema)(blp.response(step.status, step.result)(view))
    view = blp.auth(*step.roles)(idempotent(view))
    return type(step.view_name, (MethodView,), {step.method.lower(): view})


for _step in STEPS.values():
    if _step.order_scoped and _step.routed_here:
        blp.route(f"/workorders/<int:order_id>/{_step.action}")(step_view(blp, _step))


@blp.route("/workorders/<int:order_id>/photos")
class PhotoViews(MethodView):
    @blp.auth(Role.TECHNICIAN)
    @idempotent
    @blp.arguments(PhotoUploadSchema, location="form")
    @blp.arguments(PhotoFileSchema, location="files")
    @blp.response(201, PhotoSchema)
    def post(self, form, files, order_id):
        """Upload a JPEG or PNG (at most 10 MB, checked by content) as multipart 'file'"""
        return records.add_photo(current_user(), order_id, files["file"], form)


@blp.route("/workorders/<int:order_id>/photos/<int:photo_id>")
class PhotoByIdViews(MethodView):
    @blp.auth(*FIELD_WORK_READERS)
    @blp.response(200, description="The image bytes")
    def get(self, order_id, photo_id):
        """One photo's bytes"""
        photo, content = records.photo_bytes(current_user(), order_id, photo_id)
        name = f"photo-{photo.id}.{photo.content_type.split('/')[1]}"
        return Response(
            content,
            mimetype=photo.content_type,
            headers={
                "Cache-Control": "private, max-age=86400",
                "Content-Disposition": f'inline; filename="{name}"',
            },
        )


@blp.route("/admin/technicians/<int:technician_id>/photo")
class TechnicianPhotoViews(MethodView):
    @blp.auth(Role.ADMIN)
    @blp.arguments(PhotoFileSchema, location="files")
    @blp.response(200, TechnicianPhotoSchema)
    @commits
    def put(self, files, technician_id):
        """Set the photo customers compare at the door: JPEG/PNG portrait, at least 240x300"""
        technician = portraits.set_photo(technician_id, files["file"].read())
        return {"technician_id": technician.id, "photo_set": True}
