"""`make run`'s supervisor: every Procfile process runs, one killed is restarted and reported."""

import re
import signal
import subprocess

import pytest

from tests.ops.processes import ROOT, free_port, start_python, wait_until


def status(conf):
    """{process name: (state, pid)} from supervisorctl."""
    out = subprocess.run(
        [str(ROOT / ".venv/bin/supervisorctl"), "-c", str(conf), "status"],
        capture_output=True,
        text=True,
        timeout=20,
    ).stdout
    found = {}
    for line in out.splitlines():
        match = re.match(r"(\S+)\s+(\S+)\s+(?:pid (\d+))?", line)
        if match:
            found[match[1]] = (match[2], int(match[3]) if match[3] else None)
    return found


def all_running(conf, names):
    states = status(conf)
    return set(states) == names and all(state == "RUNNING" for state, _ in states.values())


@pytest.fixture
def supervised(app, tmp_path):
    env = {
        "PORT": str(free_port()),
        "WEB_WORKERS": "1",
        "WORKERS": "2",
        "SUPERVISOR_DIR": str(tmp_path),
        "REDIS_URL": app.config["REDIS_URL"],
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "PATH": f"{ROOT / '.venv/bin'}:/usr/bin:/bin",
    }
    proc = start_python([str(ROOT / "scripts/supervise.py")], env, tmp_path / "supervisord.log")
    names = {"web", "worker:worker_00", "worker:worker_01", "clock"}
    try:
        wait_until(lambda: all_running(tmp_path / "supervisord.conf", names), 90, "all running")
        yield proc, tmp_path
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)  # Ctrl-C
            proc.wait(60)
        proc.log_file.close()


def test_a_killed_worker_is_restarted_and_reported_and_ctrl_c_stops_all(supervised):
    proc, where = supervised
    conf = where / "supervisord.conf"
    _, old_pid = status(conf)["worker:worker_00"]
    subprocess.run(["kill", "-9", str(old_pid)], check=True)
    wait_until(
        lambda: (
            status(conf)["worker:worker_00"] not in {("RUNNING", old_pid)}
            and status(conf)["worker:worker_00"][0] == "RUNNING"
        ),
        60,
        "the worker to be restarted",
    )
    log = (where / "supervisord.log").read_text()
    assert re.search(r"exited: worker_00 \(terminated by SIGKILL; not expected\)", log)
    assert proc.poll() is None
    pids = [pid for _, pid in status(conf).values()]
    proc.send_signal(signal.SIGINT)
    assert proc.wait(60) == 0
    for pid in pids:  # every child went with it
        assert subprocess.run(["kill", "-0", str(pid)], capture_output=True).returncode != 0
