"""User management for administrators."""

import sqlalchemy as sa
from flask.views import MethodView

from app.auth import services
from app.auth.models import User
from app.auth.permissions import current_user
from app.auth.roles import Role
from app.auth.schemas import AdminUserSchema, UserCreateSchema, UserUpdateSchema
from app.common.transaction import commits
from app.errors import NotFound
from app.extensions import Blueprint, db

blp = Blueprint(
    "users", __name__, url_prefix="/api/admin/users", description="用户管理 / User management"
)


@blp.route("")
class UserViews(MethodView):
    @blp.auth(Role.ADMIN)
    @blp.response(200, AdminUserSchema(many=True))
    def get(self):
        """All users with their roles"""
        return db.session.scalars(sa.select(User).order_by(User.username)).all()

    @blp.auth(Role.ADMIN)
    @blp.arguments(UserCreateSchema)
    @blp.response(201, AdminUserSchema)
    @commits
    def post(self, data):
        """Create a user with one or more roles"""
        user = services.create_user(data)
        return user


@blp.route("/<int:user_id>")
class UserByIdViews(MethodView):
    @blp.auth(Role.ADMIN)
    @blp.arguments(UserUpdateSchema)
    @blp.response(200, AdminUserSchema)
    @commits
    def patch(self, data, user_id):
        """Change a user's roles, team, password or deactivate them (users are never deleted)"""
        user = db.session.get(User, user_id)
        if user is None:
            raise NotFound()
        services.update_user(user, data, by=current_user())
        return user
