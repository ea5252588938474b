from flask import current_app, request
from flask.views import MethodView

from app.auth import services, tokens
from app.auth.models import User
from app.auth.permissions import current_user
from app.auth.schemas import LoginSchema, RefreshSchema, TokenSchema, UserSchema
from app.errors import Unauthorized
from app.extensions import Blueprint, db

blp = Blueprint(
    "auth", __name__, url_prefix="/api/auth", description="登录与令牌 / Sign-in and tokens"
)


def _tokens_for(user):
    return {
        "access_token": tokens.access_token(user),
        "refresh_token": tokens.refresh_token(user),
        "token_type": "Bearer",
        "expires_in": current_app.config["ACCESS_TOKEN_MINUTES"] * 60,
        "user": user,
    }


@blp.route("/login")
class LoginViews(MethodView):
    @blp.arguments(LoginSchema)
    @blp.response(200, TokenSchema)
    @blp.alt_response(401, description="Wrong username or password")
    @blp.alt_response(429, description="Too many failed logins")
    def post(self, creds):
        """Sign in with username and password"""
        user = services.authenticate(creds["username"], creds["password"], request.remote_addr)
        db.session.commit()  # a failure must be remembered for throttling
        if user is None:
            raise services.BAD_CREDENTIALS
        return _tokens_for(user)


@blp.route("/refresh")
class RefreshViews(MethodView):
    @blp.arguments(RefreshSchema)
    @blp.response(200, TokenSchema)
    def post(self, body):
        """Exchange a refresh token for new tokens"""
        payload = tokens.read(body["refresh_token"], "refresh")
        user = db.session.get(User, int(payload["sub"]))
        if user is None or not user.active:
            raise Unauthorized()
        return _tokens_for(user)


@blp.route("/me")
class MeViews(MethodView):
    @blp.auth()
    @blp.response(200, UserSchema)
    def get(self):
        """The signed-in user"""
        return current_user()
