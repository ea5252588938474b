"""Command-line verbs: `flask demo load`."""

import click
from flask.cli import AppGroup

from app.demo import loader

demo = AppGroup("demo", help="Demo data.")


@demo.command("load")
def load_demo():
    """Load the Haiyang demo data (idempotent: a second run changes nothing)."""
    summary = loader.load()
    for name, count in summary.items():
        click.echo(f"{name}: {count}")


def register(app):
    app.cli.add_command(demo)
