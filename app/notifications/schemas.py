import marshmallow as ma

from app.schemas import PageArgsSchema, page_of


class NotificationSchema(ma.Schema):
    id = ma.fields.Integer()
    kind = ma.fields.String()
    payload = ma.fields.Dict()
    created_at = ma.fields.DateTime()
    read_at = ma.fields.DateTime(allow_none=True)


class NotificationPageSchema(page_of(NotificationSchema)):
    unread = ma.fields.Integer(metadata={"description": "unread notifications in all"})


class NotificationQueryArgsSchema(PageArgsSchema):
    unread = ma.fields.Boolean(metadata={"description": "only unread ones"})


class MarkReadSchema(ma.Schema):
    ids = ma.fields.List(ma.fields.Integer(), validate=ma.validate.Length(1, 500))
    up_to_id = ma.fields.Integer(metadata={"description": "every notification with id <= this"})

    @ma.validates_schema
    def _one(self, data, **kwargs):
        if ("ids" in data) == ("up_to_id" in data):
            raise ma.ValidationError("给出 ids 或 up_to_id 之一 / give ids or up_to_id", "ids")


class MarkReadResultSchema(ma.Schema):
    updated = ma.fields.Integer()
    unread = ma.fields.Integer()


class StreamTicketSchema(ma.Schema):
    ticket = ma.fields.String(metadata={"description": "opens GET /api/events/stream?ticket= once"})
    expires_in = ma.fields.Integer(metadata={"description": "seconds it stays valid"})
