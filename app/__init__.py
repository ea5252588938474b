"""Tapline: the field-service backend of a water-supply company."""

import importlib
import logging
import os
from urllib.parse import urlsplit

from flask import Flask
from werkzeug.routing import IntegerConverter

from app import security
from app.config import DEFAULT_SECRET, Config
from app.database import ping_when_idle
from app.errors import register_error_handlers
from app.extensions import api, db, migrate

# Packages with tables but no web surface of their own.
MODEL_PACKAGES = ("common", "zones", "customers")

# Every domain package with a web surface, in one place, lowest first; each may expose `blp`
# (API), `pages` (HTML) and `init_app`. Their imports run one way: tests/test_import_graph.py.
DOMAIN_MODULES = (
    "auth",
    "calendar",
    "workorders",
    "dispatch",
    "planning",
    "notifications",
    "visits",
    "signatures",
    "complaints",
    "desk",
    "mobile",
    "ops",
    "office",
    "messaging",
    "outages",
)


class DatabaseIdConverter(IntegerConverter):
    """`<int:id>` that only matches what fits a PostgreSQL integer: larger ids are 404."""

    def __init__(self, url_map, fixed_digits=0, min=None, max=2**31 - 1, signed=False):
        super().__init__(url_map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def create_app(config_class=Config):
    app = Flask(__name__)
    app.config.from_object(config_class)
    app.url_map.converters["int"] = DatabaseIdConverter
    _refuse_default_secret(app)
    logging.basicConfig(level=logging.INFO)
    db.init_app(app)
    with app.app_context():
        ping_when_idle(db.engine, app.config["DB_IDLE_PING_SECONDS"])
    migrate.init_app(app, db, directory=_migrations_dir())
    api.init_app(app)
    register_error_handlers(app, db)
    security.init_app(app)
    import_models()
    for name in DOMAIN_MODULES:
        _register_domain(app, importlib.import_module(f"app.{name}"))
    from app import cli

    cli.register(app)
    return app


def import_models():
    """Import every models module so the metadata (and Alembic) sees all tables."""
    import app.outbox  # noqa: F401

    for name in MODEL_PACKAGES + DOMAIN_MODULES:
        try:
            importlib.import_module(f"app.{name}.models")
        except ModuleNotFoundError as exc:
            if exc.name != f"app.{name}.models":
                raise


def _register_domain(app, module):
    if hasattr(module, "blp"):
        api.register_blueprint(module.blp)
    if hasattr(module, "pages"):
        app.register_blueprint(module.pages)
    if hasattr(module, "init_app"):
        module.init_app(app)


def _refuse_default_secret(app):
    if app.config["MODE"] in ("demo", "test"):
        return
    if app.config["SECRET_KEY"] == DEFAULT_SECRET or not app.config["SIGNING_KEY_SET"]:
        raise RuntimeError(
            "SECRET_KEY (and SIGNING_KEY) must be set outside demo/test mode "
            "(TAPLINE_MODE=demo for the demo)."
        )
    # Links sent to customers (receipt, QR verify, survey) must not follow the Host header.
    base = urlsplit(app.config.get("PUBLIC_BASE_URL") or "")
    if base.scheme not in ("http", "https") or not base.netloc:
        raise RuntimeError(
            "PUBLIC_BASE_URL (e.g. https://service.example-water.cn) must be set outside "
            "demo/test mode: customer links are built from it, never from the Host header."
        )


def _migrations_dir():
    return os.path.join(os.path.dirname(os.path.dirname(__file__)), "migrations")
