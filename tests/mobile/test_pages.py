"""What the server gives the phone before any script runs: the shell, the service worker with
everything it precaches, and the web manifest."""

import json
import re


def test_the_shell_is_a_chinese_page_that_loads_the_app_module(client):
    resp = client.get("/m/")
    assert resp.status_code == 200 and resp.headers["Cache-Control"] == "no-cache"
    html = resp.get_data(as_text=True)
    assert '<html lang="zh-CN">' in html and 'type="module"' in html
    assert "/m/static/app.js" in html and "/m/manifest.webmanifest" in html
    assert client.get("/m").status_code in (301, 308)


def test_the_service_worker_precaches_every_file_of_the_shell(client):
    resp = client.get("/m/sw.js")
    assert resp.status_code == 200 and resp.mimetype == "text/javascript"
    assert resp.headers["Service-Worker-Allowed"] == "/m/"
    body = resp.get_data(as_text=True)
    version = re.search(r'const CACHE = "tapline-m-([0-9a-f]{12})"', body).group(1)
    urls = json.loads(re.search(r"const SHELL = (\[.*?\]);", body).group(1))
    assert {
        "/m/",
        "/m/static/app.js",
        "/m/static/outbox.js",
        "/m/static/mobile.css",
        "/static/vendor/signature_pad/signature_pad.umd.min.js",
    } <= set(urls)
    for url in urls:  # one missing file would make the worker's install fail
        assert client.get(url).status_code == 200, url
    assert client.get("/m/").get_data(as_text=True).count(version) == 1


def test_the_manifest_installs_the_app_on_its_own_scope(client):
    resp = client.get("/m/manifest.webmanifest")
    assert resp.status_code == 200 and resp.mimetype == "application/manifest+json"
    manifest = resp.get_json(force=True)
    assert manifest["start_url"] == "/m/" and manifest["scope"] == "/m/"
    assert manifest["lang"] == "zh-CN" and manifest["short_name"] == "外勤"
    assert client.get(manifest["icons"][0]["src"]).status_code == 200


def test_every_page_has_a_favicon(client):
    resp = client.get("/favicon.ico")
    assert resp.status_code == 200 and resp.mimetype == "image/svg+xml"
    assert resp.get_data(as_text=True).startswith("<svg")
