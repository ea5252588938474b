"""The technician's phone at /m/: an offline-first web app of plain ES modules, no build step."""

from app.mobile.pages import pages  # noqa: F401
