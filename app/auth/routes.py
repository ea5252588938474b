from flask import after_this_request, current_app, g, request
from flask.views import MethodView

from app.auth import services, sessions, tokens
from app.auth.models import AuthSession
from app.auth.permissions import current_user
from app.auth.schemas import LoginSchema, RefreshSchema, TokenSchema, UserSchema
from app.common import transaction
from app.common.transaction import commits
from app.extensions import Blueprint, db

blp = Blueprint(
    "auth", __name__, url_prefix="/api/auth", description="登录与令牌 / Sign-in and tokens"
)


def _tokens_for(user, session):
    return {
        "access_token": tokens.access_token(user, session.id),
        "refresh_token": tokens.refresh_token(session),
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
    @commits
    def post(self, creds):
        """Sign in with username and password"""
        user = services.authenticate(creds["username"], creds["password"], request.remote_addr)
        if user is None:
            transaction.keep_on_refusal()  # a failure must be remembered for throttling
            raise services.BAD_CREDENTIALS
        session = sessions.start(user, request.remote_addr)
        after_this_request(lambda response: sessions.mark_staff_browser(response, user))
        return _tokens_for(user, session)


@blp.route("/refresh")
class RefreshViews(MethodView):
    @blp.arguments(RefreshSchema)
    @blp.response(200, TokenSchema)
    @commits
    def post(self, body):
        """Exchange a refresh token for new tokens; the old one is spent (reuse ends the sign-in)"""
        user, session = sessions.rotate(body["refresh_token"])
        if user is None:
            transaction.keep_on_refusal()  # the revocation a reused token caused stands
            raise sessions.REVOKED
        return _tokens_for(user, session)


@blp.route("/logout")
class LogoutViews(MethodView):
    @blp.auth()
    @blp.response(204)
    @commits
    def post(self):
        """End this sign-in: its refresh token and every access token it issued stop working"""
        sid = g.get("token_sid")
        if sid:  # every token a sign-in issued has one; others have no sign-in to end
            sessions.revoke(db.session.get(AuthSession, sid), "logout")


@blp.route("/me")
class MeViews(MethodView):
    @blp.auth()
    @blp.response(200, UserSchema)
    def get(self):
        """The signed-in user"""
        return current_user()
