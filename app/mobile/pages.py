"""Serves the phone client: the app shell, its service worker (scope /m/) and web manifest.

The service worker's cache name is a hash of every file it precaches, so a changed module
installs a new worker and the old cache is dropped; nothing here depends on a build step.
"""

import hashlib
import pathlib

from flask import Blueprint, Response, jsonify, render_template, send_from_directory, url_for

from app.mobile.tables import tables, tables_version

pages = Blueprint(
    "mobile",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/m/static",
)

HERE = pathlib.Path(__file__).parent
STATIC = HERE / "static"
SHARED = HERE.parent / "static"
VENDOR = SHARED / "vendor"
SIGNATURE_PAD = "signature_pad/signature_pad.umd.min.js"
GCOORD = "gcoord/gcoord.esm-browser.prod.js"
VENDORED = (SIGNATURE_PAD, GCOORD)
NO_CACHE = {"Cache-Control": "no-cache"}


def _static_names():
    return sorted(p.relative_to(STATIC).as_posix() for p in STATIC.rglob("*") if p.is_file())


def shell_version():
    """A short hash of the shell's files and the server tables embedded in it: it names the
    service worker's cache, so changed labels or steps reach the phone with a new worker."""
    digest = hashlib.sha256(tables_version().encode())
    files = [HERE / "templates" / "mobile" / "index.html", SHARED / "live.js"]
    files += [VENDOR / f for f in VENDORED]
    files += [STATIC / name for name in _static_names()]
    for path in files:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def precache_urls():
    urls = ["/m/", url_for("mobile.manifest"), "/static/live.js"]
    urls += [f"/static/vendor/{f}" for f in VENDORED]
    return urls + [url_for("mobile.static", filename=name) for name in _static_names()]


@pages.get("/m/")
def shell():
    """The app shell; every screen is drawn by the modules from the API and IndexedDB."""
    return (
        render_template("mobile/index.html", version=shell_version(), tables=tables()),
        200,
        NO_CACHE,
    )


@pages.get("/m/sw.js")
def service_worker():
    body = render_template("mobile/sw.js", version=shell_version(), urls=precache_urls())
    return Response(
        body, mimetype="text/javascript", headers={**NO_CACHE, "Service-Worker-Allowed": "/m/"}
    )


@pages.get("/m/manifest.webmanifest")
def manifest():
    response = jsonify(
        {
            "name": "Tapline 外勤服务",
            "short_name": "外勤",
            "lang": "zh-CN",
            "start_url": "/m/",
            "scope": "/m/",
            "display": "standalone",
            "background_color": "#f3f6f9",
            "theme_color": "#0b5cad",
            "icons": [
                {
                    "src": url_for("mobile.static", filename="icon.svg"),
                    "sizes": "any",
                    "type": "image/svg+xml",
                    "purpose": "any",
                }
            ],
        }
    )
    response.mimetype = "application/manifest+json"
    return response


@pages.get("/favicon.ico")
def favicon():
    """The water-drop icon for every page (browsers ask for /favicon.ico without a link)."""
    response = send_from_directory(HERE.parent / "static", "favicon.svg", mimetype="image/svg+xml")
    response.cache_control.max_age = 86400
    return response
