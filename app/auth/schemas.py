import marshmallow as ma

from app.auth.roles import ROLES


def roles_field(**kw):
    """The roles a person holds: one or more of ROLES, each once."""
    return ma.fields.List(
        ma.fields.String(validate=ma.validate.OneOf(ROLES)),
        validate=[
            ma.validate.Length(1, error="至少选择一个角色 / at least one role"),
            _no_repeats,
        ],
        metadata={
            "description": "Every role the person holds, e.g. [hotline_agent, department_lead]"
        },
        **kw,
    )


def _no_repeats(roles):
    if len(set(roles)) != len(roles):
        raise ma.ValidationError("角色重复 / a role is listed twice")


class LoginSchema(ma.Schema):
    username = ma.fields.String(required=True, validate=ma.validate.Length(1, 64))
    password = ma.fields.String(required=True, load_only=True, validate=ma.validate.Length(1, 200))


class RefreshSchema(ma.Schema):
    refresh_token = ma.fields.String(required=True)


class UserSchema(ma.Schema):
    id = ma.fields.Integer(dump_only=True)
    username = ma.fields.String()
    display_name = ma.fields.String()
    roles = ma.fields.List(ma.fields.String())
    team_id = ma.fields.Integer(allow_none=True)


class TokenSchema(ma.Schema):
    access_token = ma.fields.String()
    refresh_token = ma.fields.String()
    token_type = ma.fields.String()
    expires_in = ma.fields.Integer()
    user = ma.fields.Nested(UserSchema)


class UserCreateSchema(ma.Schema):
    username = ma.fields.String(
        required=True, validate=ma.validate.Regexp(r"^[A-Za-z0-9_.-]{2,64}$")
    )
    password = ma.fields.String(required=True, load_only=True, validate=ma.validate.Length(8, 200))
    display_name = ma.fields.String(required=True, validate=ma.validate.Length(1, 100))
    roles = roles_field(required=True)
    phone = ma.fields.String(validate=ma.validate.Length(1, 32))
    team_id = ma.fields.Integer(allow_none=True, validate=ma.validate.Range(1, 2**31 - 1))


class UserUpdateSchema(ma.Schema):
    password = ma.fields.String(load_only=True, validate=ma.validate.Length(8, 200))
    display_name = ma.fields.String(validate=ma.validate.Length(1, 100))
    roles = roles_field()
    phone = ma.fields.String(allow_none=True, validate=ma.validate.Length(1, 32))
    team_id = ma.fields.Integer(allow_none=True, validate=ma.validate.Range(1, 2**31 - 1))
    active = ma.fields.Boolean()


class AdminUserSchema(UserSchema):
    phone = ma.fields.String(allow_none=True)
    active = ma.fields.Boolean()
    created_at = ma.fields.DateTime()
