from tests.messaging.kit import page_at, sms_config  # noqa: F401
from tests.visits.kit import storage_dir  # noqa: F401  (the phone tests' storage)
