"""Request guards and response headers every route gets (audit items 3, 9, 10).

- JSON bodies: at most JSON_BODY_LIMIT bytes *read*, whether the client sent Content-Length or
  streamed the body chunked (werkzeug enforces `request.max_content_length` on the stream), and
  at most JSON_MAX_DEPTH levels of nesting, checked before any parser recurses.
- Headers (OWASP Secure Headers): nosniff, no referrer (customer links carry tokens in the path),
  no framing, a Content-Security-Policy without inline script on every HTML page, and HSTS
  when the request came over TLS.
"""

import json
from urllib.parse import urlsplit

from flask import current_app, request
from werkzeug.exceptions import BadRequest, RequestEntityTooLarge

BODY_METHODS = ("POST", "PUT", "PATCH", "DELETE")


def limit_json_body():
    if not request.is_json or request.method not in BODY_METHODS:
        return
    limit = current_app.config["JSON_BODY_LIMIT"]
    too_large = RequestEntityTooLarge(f"JSON body over {limit} bytes / 请求体过大")
    if (request.content_length or 0) > limit:
        raise too_large
    # werkzeug stops reading a chunked body at max_content_length without complaint: read one
    # byte more than allowed, so that a body over the limit is told apart from one at it.
    request.max_content_length = limit + 1
    data = request.get_data(cache=True)
    if len(data) > limit:
        raise too_large
    check_json_depth(data, current_app.config["JSON_MAX_DEPTH"])


def check_json_depth(raw, max_depth):
    """400 when `raw` nests arrays/objects deeper than `max_depth` (or the parser's stack)."""
    try:
        document = json.loads(raw)
    except RecursionError as exc:
        raise _too_deep(max_depth) from exc
    except ValueError:
        return  # malformed JSON: the parser's own 400 explains it
    level = [document]
    for _ in range(max_depth + 1):
        level = [
            child
            for node in level
            if isinstance(node, dict | list)
            for child in (node.values() if isinstance(node, dict) else node)
        ]
        if not level:
            return
    raise _too_deep(max_depth)


def _too_deep(max_depth):
    return BadRequest(f"JSON nested deeper than {max_depth} levels / JSON 嵌套层数过多")


def content_security_policy(config):
    images = ["'self'", "data:", "blob:"]
    for setting in ("MAP_TILE_URL", "MAP_TILE_LABEL_URL"):
        source = _tile_source(config.get(setting) or "")
        if source and source not in images:
            images.append(source)
    return "; ".join(
        (
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self' 'unsafe-inline'",
            f"img-src {' '.join(images)}",
            "connect-src 'self'",
            "font-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        )
    )


def _tile_source(url):
    """The CSP source of a tile server: a host whose first label holds Leaflet's subdomain
    placeholder (`{s}.tile.osm.org`, 天地图's `t{s}.tianditu.gov.cn`) becomes `*.` the rest."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    first, _, rest = parts.netloc.partition(".")
    host = f"*.{rest}" if "{" in first and rest else parts.netloc
    return None if "{" in host else f"{parts.scheme}://{host}"


def add_headers(response):
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "no-referrer")
    headers.setdefault("X-Frame-Options", "DENY")
    if response.mimetype in ("text/html", "image/svg+xml"):  # an SVG opened alone may script
        headers.setdefault("Content-Security-Policy", content_security_policy(current_app.config))
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    return response


def init_app(app):
    app.before_request(limit_json_body)
    app.after_request(add_headers)
