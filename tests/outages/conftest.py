from tests.messaging.kit import page_at, sms_config  # noqa: F401  (dev provider, pages)
