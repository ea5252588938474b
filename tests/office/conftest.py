"""Office fixtures: the complaint people (tests/complaints) and desk pages in Chromium."""

from tests.complaints.kit import (  # noqa: F401  (fixtures shared with the API tests)
    _storage,
    file_complaint,
    handed_off,
    office,
)
from tests.desk.kit import page_at  # noqa: F401
