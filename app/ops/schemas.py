"""What the ops API answers: readiness, the sweep's findings, failed jobs."""

import marshmallow as ma


class OpsFailedJobSchema(ma.Schema):
    id = ma.fields.String()
    queue = ma.fields.String()
    job = ma.fields.String()
    args = ma.fields.List(ma.fields.String())
    error = ma.fields.String()
    ended_at = ma.fields.String(allow_none=True)
    outbox_id = ma.fields.Integer(allow_none=True)
    status = ma.fields.String()


class OpsSweepFindingsSchema(ma.Schema):
    at = ma.fields.String()
    relayed = ma.fields.Integer()
    checked = ma.fields.Integer()
    missing = ma.fields.Integer()
    abandoned = ma.fields.Integer()
    failed = ma.fields.Integer()
    waiting = ma.fields.Integer()
    redriven = ma.fields.List(ma.fields.Dict())


class OpsStatusSchema(ma.Schema):
    status = ma.fields.String(metadata={"description": "ok | degraded | down"})
    problems = ma.fields.List(ma.fields.String())
    checks = ma.fields.Dict(metadata={"description": "postgres, redis, workers, queues, ..."})
    sweep = ma.fields.Nested(OpsSweepFindingsSchema, allow_none=True)
    failed_jobs = ma.fields.List(ma.fields.Nested(OpsFailedJobSchema))
