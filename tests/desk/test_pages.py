"""The pages are served by the app itself, Chinese first, with no third-party host."""

import re

import pytest


@pytest.mark.parametrize("path", ["/desk/", "/dispatch/"])
def test_pages_are_chinese_first_and_load_nothing_from_elsewhere(client, path):
    resp = client.get(path)
    assert resp.status_code == 200 and resp.mimetype == "text/html"
    html = resp.get_data(as_text=True)
    assert '<html lang="zh-CN">' in html
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources and all(s.startswith("/") for s in sources), sources
    for source in sources:
        assert client.get(source).status_code == 200, source


def test_the_modules_are_served_as_javascript(client):
    for name in ("common.js", "desk.js", "dispatch.js", "mapview.js"):
        resp = client.get(f"/desk/static/{name}")
        assert resp.status_code == 200 and "javascript" in resp.mimetype
        assert "http://" not in resp.get_data(as_text=True)
