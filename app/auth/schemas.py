import marshmallow as ma

from app.auth.models import ROLES


class LoginSchema(ma.Schema):
    username = ma.fields.String(required=True, validate=ma.validate.Length(1, 64))
    password = ma.fields.String(required=True, load_only=True, validate=ma.validate.Length(1, 200))


class RefreshSchema(ma.Schema):
    refresh_token = ma.fields.String(required=True)


class UserSchema(ma.Schema):
    id = ma.fields.Integer(dump_only=True)
    username = ma.fields.String()
    display_name = ma.fields.String()
    role = ma.fields.String(validate=ma.validate.OneOf(ROLES))
    team_id = ma.fields.Integer(allow_none=True)


class TokenSchema(ma.Schema):
    access_token = ma.fields.String()
    refresh_token = ma.fields.String()
    token_type = ma.fields.String()
    expires_in = ma.fields.Integer()
    user = ma.fields.Nested(UserSchema)
