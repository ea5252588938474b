import marshmallow as ma


class HolidaySpanSchema(ma.Schema):
    name = ma.fields.String(required=True, validate=ma.validate.Length(1, 100))
    start = ma.fields.Date(required=True)
    end = ma.fields.Date(required=True)

    @ma.validates_schema
    def _ordered(self, data, **kwargs):
        if data["end"] < data["start"]:
            raise ma.ValidationError("end is before start / 结束日期早于开始日期", "end")


class NoticeSchema(ma.Schema):
    source = ma.fields.String(
        required=True,
        validate=ma.validate.Length(1, 255),
        metadata={"description": "The notice, e.g. 国办发明电〔2026〕x号"},
    )
    holidays = ma.fields.List(ma.fields.Nested(HolidaySpanSchema), required=True)
    workdays = ma.fields.List(ma.fields.Date(), load_default=list)


class CalendarYearSchema(ma.Schema):
    year = ma.fields.Integer()
    source = ma.fields.String()
    loaded_at = ma.fields.DateTime()


class DayQueryArgsSchema(ma.Schema):
    start = ma.fields.Date(required=True, data_key="from")
    end = ma.fields.Date(required=True, data_key="to")

    @ma.validates_schema
    def _range(self, data, **kwargs):
        if not 0 <= (data["end"] - data["start"]).days <= 400:
            raise ma.ValidationError("from..to must span 0-400 days", "to")


class DaySchema(ma.Schema):
    day = ma.fields.Date()
    is_working = ma.fields.Boolean()
    source = ma.fields.String(metadata={"description": "notice | package | weekends_only"})
