"""The office API: which screens a person may open."""

import marshmallow as ma
from flask.views import MethodView

from app.auth.permissions import current_user
from app.extensions import Blueprint
from app.office import labels, screens

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
            "labels": labels.all_labels(),
        }
