"""The fixtures of tests/complaints, from kit.py (where tests import its helpers from)."""

from tests.complaints.kit import (  # noqa: F401
    _storage,
    file_complaint,
    handed_off,
    office,
)
