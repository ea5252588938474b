"""The fixtures of tests/desk, from kit.py (where tests import its helpers from)."""

from tests.desk.kit import (  # noqa: F401
    live_stream,
    page_at,
)
