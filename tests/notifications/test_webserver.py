"""The web process as the Procfile runs it (gunicorn + uvicorn workers, app/webserver.py):
each worker listens on a socket of its own, so connections spread over the workers."""

import os
import pathlib
import socket
import subprocess
import sys

from tests.liveserver import free_port, wait_until

ROOT = pathlib.Path(__file__).resolve().parents[2]


def children(pid):
    found = []
    for entry in pathlib.Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def socket_inodes(pid):
    inodes = set()
    for fd in pathlib.Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(int(target[len("socket:[") : -1]))
    return inodes


def tcp_sockets(port, timers=None):
    """inode -> state ("0A" listening, "01" established) of the sockets on local `port`;
    `timers` gets inode -> the kernel's pending timer ("02": keepalive)."""
    found = {}
    for line in pathlib.Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if int(fields[1].split(":")[1], 16) == port:
            found[int(fields[9])] = fields[3]
            if timers is not None:
                timers[int(fields[9])] = fields[5].split(":")[0]
    return found


def test_each_worker_listens_on_its_own_socket_and_connections_spread_evenly(app):
    """And each binds it once its app is loaded (a connection never waits for a worker that
    is still starting), with the dead-peer options that accepted connections inherit."""
    port = free_port()
    env = {
        **os.environ,
        "TAPLINE_MODE": "test",
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "REDIS_URL": app.config["REDIS_URL"],
        "LIVE_CHANNEL_PREFIX": app.config["LIVE_CHANNEL_PREFIX"],
        "WEB_WORKERS": "2",
        "PORT": str(port),
    }
    gunicorn = pathlib.Path(sys.executable).parent / "gunicorn"
    proc = subprocess.Popen(
        [gunicorn, "-c", "python:app.webserver", "asgi:app"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    held = []
    try:
        workers = []

        def both_listening():
            workers[:] = children(proc.pid)
            listening = {i for i, state in tcp_sockets(port).items() if state == "0A"}
            return len(workers) == 2 and all(socket_inodes(w) & listening for w in workers)

        wait_until(both_listening, 60, "two workers listening")
        listening = {i for i, state in tcp_sockets(port).items() if state == "0A"}
        assert len(listening) == 2  # one each, none left in the master
        assert not socket_inodes(proc.pid) & listening
        for _ in range(80):  # held open, as phones hold their streams
            conn = socket.create_connection(("127.0.0.1", port), timeout=10)
            conn.sendall(b"GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n")
            assert conn.recv(4096).startswith(b"HTTP/1.1 200")
            held.append(conn)
        timers = {}
        established = {i for i, state in tcp_sockets(port, timers).items() if state == "01"}
        per_worker = [len(socket_inodes(w) & established) for w in workers]
        assert sum(per_worker) == 80
        assert {timers[i] for i in established} == {"02"}  # keepalive armed (tune_listener)
        # A fair coin per connection: below 20 of 80 has odds of about 1 in 10^5.
        assert min(per_worker) >= 20, per_worker
    finally:
        for conn in held:
            conn.close()
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
