"""The complaint office's people and complaints (tests/complaints) for the page walks."""

from tests.complaints.kit import file_complaint, handed_off, office  # noqa: F401
