"""Audit item 7: throttling per (account, address) and per address; no username oracle."""

import statistics
import time

from app.auth.services import hash_password
from app.config import Config
from app.extensions import db
from tests.factories import PASSWORD


def login(client, username, password, addr):
    return client.post(
        "/api/auth/login",
        json={"username": username, "password": password},
        environ_base={"REMOTE_ADDR": addr},
    )


def test_someone_elses_failures_never_lock_the_owner_out(client, make):
    make.user("dispatcher", username="dispatch01")
    for _ in range(5):
        assert login(client, "dispatch01", "wrong", "203.0.113.9").status_code == 401
    attacker = login(client, "dispatch01", PASSWORD, "203.0.113.9")
    assert attacker.status_code == 429 and attacker.json["code"] == "login_throttled"
    assert login(client, "dispatch01", PASSWORD, "10.1.2.3").status_code == 200


def test_spraying_one_password_over_many_accounts_is_throttled(client, make, app):
    make.user("dispatcher", username="dispatch02")
    limit = app.config["LOGIN_ADDR_MAX_FAILURES"]
    for n in range(limit):
        assert login(client, f"user{n:03d}", "Summer2026!", "198.51.100.7").status_code == 401
    sprayed = login(client, "dispatch02", PASSWORD, "198.51.100.7")
    assert sprayed.status_code == 429 and sprayed.json["code"] == "login_throttled"
    assert login(client, "dispatch02", PASSWORD, "10.1.2.4").status_code == 200


def test_an_unknown_username_takes_as_long_as_a_wrong_password(client, make, app, monkeypatch):
    for name in ("PASSWORD_HASH_TIME_COST", "PASSWORD_HASH_MEMORY_KIB", "PASSWORD_HASH_THREADS"):
        monkeypatch.setitem(app.config, name, getattr(Config, name))  # the production cost
    user = make.user("dispatcher", username="dispatch03")
    user.password_hash = hash_password(PASSWORD)
    db.session.commit()

    def median_seconds(username, addr_prefix):
        times = []
        for n in range(4):
            start = time.perf_counter()
            assert login(client, username, "wrong", f"{addr_prefix}.{n}").status_code == 401
            times.append(time.perf_counter() - start)
        return statistics.median(times)

    known = median_seconds("dispatch03", "192.0.2")
    unknown = median_seconds("nobody-here", "192.0.3")
    # Without the stand-in verification an unknown name answered ~40x faster.
    assert unknown > 0.5 * known, (unknown, known)


def test_hashes_carry_their_cost_so_a_cheap_test_hash_is_no_production_default(app):
    assert Config.PASSWORD_HASH_MEMORY_KIB == 65536 and Config.PASSWORD_HASH_TIME_COST == 3
    assert "$m=64,t=1,p=1$" in hash_password("x")  # this suite's configuration
