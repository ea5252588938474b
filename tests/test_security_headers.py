"""Audit item 9: every response carries the security headers; every HTML page a CSP without
inline script, and no page has an inline script or an inline event handler."""

import re
from pathlib import Path

import pytest
from werkzeug.routing import IntegerConverter

from app.security import content_security_policy

HTML_TEMPLATES = sorted(Path("app").glob("**/templates/**/*.html"))
# A script without src, unless it is a data block (type="application/json"), which the
# browser never runs and the CSP does not govern.
INLINE_SCRIPT = re.compile(
    r"<script\b(?![^>]*\bsrc=)(?![^>]*\btype=[\"']application/(ld\+)?json[\"'])[^>]*>",
    re.IGNORECASE,
)
INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)
JS_URL = re.compile(r"""(href|src|action)\s*=\s*["']?\s*javascript:""", re.IGNORECASE)


def example_url(rule):
    values = {
        name: 1 if isinstance(conv, IntegerConverter) else "x"
        for name, conv in rule._converters.items()
    }
    return rule.build(values, append_unknown=False)[1]


def assert_secure_headers(resp, url):
    headers = resp.headers
    assert headers.get("X-Content-Type-Options") == "nosniff", url
    assert headers.get("Referrer-Policy") == "no-referrer", url
    assert headers.get("X-Frame-Options") == "DENY", url
    if resp.mimetype != "text/html":
        return
    csp = dict(part.strip().split(" ", 1) for part in headers["Content-Security-Policy"].split(";"))
    assert csp["script-src"] == "'self'", url
    assert csp["frame-ancestors"] == "'none'" and csp["object-src"] == "'none'", url
    html = resp.get_data(as_text=True)
    assert not INLINE_SCRIPT.search(html), (url, INLINE_SCRIPT.search(html).group(0))
    assert not INLINE_HANDLER.search(html), (url, INLINE_HANDLER.search(html).group(0))
    assert not JS_URL.search(html), url


def test_every_get_route_answers_with_the_security_headers(app, client, make):
    admin = make.headers(make.user("admin"))
    html_pages = set()
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint.endswith("static"):
            continue
        url = example_url(rule)
        for headers in ({}, admin):
            resp = client.get(url, headers=headers)
            assert_secure_headers(resp, url)
            if resp.mimetype == "text/html":
                html_pages.add(rule.rule)
    # The pages people open: desk, console, phone, API docs, and the customer's token pages.
    assert {"/desk/", "/dispatch/", "/m/", "/api/docs", "/verify/<token>"} <= html_pages


def test_error_pages_and_static_files_carry_them_too(client):
    for url in ("/no-such-page", "/static/vendor/leaflet/leaflet.js", "/m/sw.js"):
        assert_secure_headers(client.get(url), url)


def test_hsts_only_over_tls(client):
    assert "Strict-Transport-Security" not in client.get("/m/").headers
    secure = client.get("/m/", base_url="https://tapline.example")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=")


@pytest.mark.parametrize("template", HTML_TEMPLATES, ids=str)
def test_no_template_holds_inline_script_or_handlers(template):
    text = template.read_text(encoding="utf-8")
    assert not INLINE_SCRIPT.search(text), INLINE_SCRIPT.search(text).group(0)
    assert not INLINE_HANDLER.search(text), INLINE_HANDLER.search(text).group(0)
    assert not JS_URL.search(text)


def test_the_csp_lets_in_the_configured_tile_servers_and_nothing_else():
    def images(**config):
        csp = content_security_policy(config)
        return next(p for p in csp.split("; ") if p.startswith("img-src")).split()[1:]

    tianditu = "https://t{s}.tianditu.gov.cn/vec_w/wmts?TILEMATRIX={z}&tk={tk}"
    assert images(MAP_TILE_URL=tianditu, MAP_TILE_LABEL_URL=tianditu.replace("vec", "cva")) == [
        "'self'",
        "data:",
        "blob:",
        "https://*.tianditu.gov.cn",
    ]
    osm = images(MAP_TILE_URL="https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png")
    assert osm[-1] == "https://*.tile.openstreetmap.org"
    assert (
        images(MAP_TILE_URL="")
        == images(MAP_TILE_URL="javascript:alert(1)")
        == [
            "'self'",
            "data:",
            "blob:",
        ]
    )
