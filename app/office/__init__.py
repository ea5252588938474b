"""The office: complaint screens for agents, department leads and the general manager, the
weekly bulletin and the management figures (SPEC R4; issue 14). Pages are build-free ES
modules; every figure and list comes from the API, which refuses a role it does not serve."""

from app.office.pages import pages
from app.office.routes import blp

__all__ = ["blp", "pages"]
