"""Desk fixtures: the catalogue seed as the migration writes it, desk pages in the session's
browser (tests/conftest.py) at 1366x768, and a reader of a user's live stream."""

import importlib.util
import pathlib
import threading

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]


def _seed_migration():
    path = ROOT / "migrations" / "versions" / "0005_desk.py"
    spec = importlib.util.spec_from_file_location("tapline_migration_0005_desk", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


SEED = _seed_migration()


@pytest.fixture
def page_at(browser, live_server):
    """page_at(path, token=None): a 1366x768 desk page, signed in when a token is given."""
    contexts, errors = [], []

    def open_page(path, token=None, viewport=(1366, 768)):
        context = browser.new_context(
            viewport={"width": viewport[0], "height": viewport[1]},
            locale="zh-CN",
            timezone_id="Asia/Shanghai",
            # Playwright's wait_for_function evals its predicate, which our CSP forbids;
            # tests/test_csp_browser.py opens every page with the CSP enforced.
            bypass_csp=True,
        )
        contexts.append(context)
        if token:
            context.add_init_script(f"sessionStorage.setItem('tapline.token', {token!r});")
        page = context.new_page()
        page.on("pageerror", lambda exc: errors.append(f"{path}: {exc}"))
        page.set_default_timeout(20_000)  # the machine is shared: be patient
        page.goto(live_server + path)
        return page

    yield open_page
    for context in contexts:
        context.close()
    assert not errors, f"JavaScript errors: {errors}"


class StreamReader:
    """A user's /api/events/stream read by a plain HTTP client in a thread, as a phone would."""

    def __init__(self, base_url, token):
        import http.client
        import json
        from urllib.parse import urlsplit

        self.events, self._json = [], json
        parts = urlsplit(base_url)
        self.conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        self.conn.request("GET", "/api/events/stream", headers={"Authorization": f"Bearer {token}"})
        self.response = self.conn.getresponse()
        assert self.response.status == 200
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self):
        try:
            for line in self.response:
                if line.startswith(b"data:"):
                    self.events.append(self._json.loads(line[5:]))
        except Exception:  # closed by the test
            pass

    def wait_for(self, predicate, timeout=10):
        import time

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = [e for e in self.events if predicate(e)]
            if found:
                return found[0]
            time.sleep(0.1)
        raise AssertionError(f"no such event in {self.events}")

    def close(self):
        self.conn.sock and self.conn.sock.close()
        self.conn.close()


@pytest.fixture
def live_stream(live_server, app, monkeypatch):
    """live_stream(token): open a stream; a short heartbeat lets the server notice the close."""
    monkeypatch.setitem(app.config, "SSE_HEARTBEAT_SECONDS", 1)
    readers = []

    def open_stream(token):
        readers.append(StreamReader(live_server, token))
        return readers[-1]

    yield open_stream
    for reader in readers:
        reader.close()


def token_of(make, user):
    return make.headers(user)["Authorization"].split(" ", 1)[1]
