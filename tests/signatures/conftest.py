from tests.visits.kit import phone, storage_dir  # noqa: F401
