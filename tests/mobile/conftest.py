"""The fixtures of tests/mobile, from kit.py (where tests import its helpers from)."""

from tests.mobile.kit import (  # noqa: F401
    contexts,
    field_visit,
)
from tests.visits.kit import storage_dir  # noqa: F401
