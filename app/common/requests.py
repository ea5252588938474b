"""The user of the current request, as app.auth's check left it on `flask.g`."""

from flask import g


def current_user():
    return g.get("user")
