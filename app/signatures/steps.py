"""The signature package's phone steps, added to the one table in app/visits/steps.py.

Both run through POST /api/sync like every other step; their single endpoints are routed
in app/signatures/routes.py.
"""

from app.signatures import schemas, services
from app.visits.steps import Step, register

METER_DAMAGE = Step(
    "meter-damage",
    "DamageRecordViews",
    schemas.DamageRecordCreateSchema,
    services.record_damage,
    schemas.DamageRecordSchema,
    "Record meter damage caused by the customer: parts, agreed cause, photos, charge",
    status=201,
    routed_here=False,
    label="表具损坏记录",
)
SIGN = Step(
    "sign",
    "SignatureViews",
    schemas.SignatureCreateSchema,
    services.sign,
    schemas.SignatureSchema,
    "The customer signs a damage record: strokes and PNG; the server signs the document",
    status=201,
    fixed_path="/api/signatures",
    label="客户签字",
)

register(METER_DAMAGE, SIGN)
