"""The fixtures of tests/planning, from kit.py (where tests import its helpers from)."""

from tests.planning.kit import (  # noqa: F401
    crew,
    day,
    non_working_day,
)
