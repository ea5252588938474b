"""schemathesis on the planning operations, with a real plan and roster to find."""

import schemathesis
from hypothesis import HealthCheck, given, settings

from tests.planning.kit import EAST, WEST, propose

EXCLUDED = [schemathesis.checks.positive_data_acceptance]  # as in tests/test_api_schema.py
PATHS = ("/api/dispatch/plans", "/api/dispatch/day-shifts")


def _check(operation, headers):
    @given(case=operation.as_strategy())
    @settings(
        max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), database=None
    )
    def conforms(case):
        case.call_and_validate(headers=headers, excluded_checks=EXCLUDED)

    conforms()


def test_planning_operations_conform(app, client, crew, day):
    crew.technician(at=EAST)
    crew.technician(at=WEST, skills=("plumbing", "meter"))
    crew.order(at=EAST)
    crew.order(at=WEST, type="meter_replacement")
    propose(client, crew, day)
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    failures, checked = [], 0
    for result in schema.get_all_operations():
        operation = result.ok()
        if not operation.path.startswith(PATHS):
            continue
        checked += 1
        try:
            _check(operation, crew.headers)
        except (Exception, BaseExceptionGroup) as exc:
            failures.append(f"{operation.method.upper()} {operation.path}: {str(exc)[:2000]}")
    assert checked == 8
    assert not failures, "\n\n".join(failures)
