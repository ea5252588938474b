"""The fixtures of tests/dispatch, from kit.py (where tests import its helpers from)."""

from tests.dispatch.kit import (  # noqa: F401
    office_closed,
    office_open,
)
