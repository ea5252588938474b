from tests.messaging.conftest import sms_config  # noqa: F401  (no quiet hours, dev provider)
