"""Water outage notices (SPEC R8; 城市供水条例 art. 22): declare, notify by SMS, restore."""

from app.outages.pages import pages  # noqa: F401
from app.outages.routes import blp  # noqa: F401
