import uuid

import pytest


@pytest.fixture(autouse=True)
def _own_live_channels(app):
    """Redis pub/sub ignores db numbers: keep other suites' live events off our channels."""
    before = app.config.get("LIVE_CHANNEL_PREFIX", "tapline")
    app.config["LIVE_CHANNEL_PREFIX"] = f"tapline-test-{uuid.uuid4().hex[:8]}"
    yield
    app.config["LIVE_CHANNEL_PREFIX"] = before
