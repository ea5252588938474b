"""Benchmark: the live layer with thousands of open streams (issue 11).

    python -m bench.bench_live [--streams 2000] [--gets 300] [--posts 60] [--emergencies 20]
                               [--fan-outs 2] [--fan-out-only] [--server live|gthread] [--keep]

Everything real: the Procfile's web process (gunicorn supervising 2 uvicorn workers: streams
in the event loop, Flask through a2wsgi) and `python worker.py`, on PostgreSQL (a database of
its own) and Redis, plus a twin web process (same code, database and Redis) that never holds
a stream. The benchmark makes --streams technicians, then, in one run:

1. baseline, no stream open: p95 of GET /api/workorders/{id} and POST /api/workorders
   (4 clients at once, fixed counts), and the rate of a trivial JSON endpoint
   (GET /api/signatures/public-key);
2. opens one stream per technician (each with its own ticket), and measures the web
   processes' RSS before and after: memory per idle stream = RSS delta / streams;
3. the same API calls with every stream open: the ratio to step 1; then the same calls
   alternating call by call between this server and its twin, so that both ratios' sides
   see the same moments of a shared machine (step 1 and 3 are minutes apart: other work on
   the machine moved that ratio between 0.6x and 3.7x from run to run);
4. --fan-outs rounds of one notification to each technician, in one commit, by a publisher
   process started beforehand: publish-to-receive first/median/p99/max, how many never
   arrived (10 s), and the CPU the web server and this client spent meanwhile;
5. emergencies (POST /api/workorders -> routed by the worker -> the on-call technician's
   stream) with every stream open.

`--server gthread` runs the same API steps (1 and 3 without streams) on the old gunicorn
gthread server, for the choice of server. The client is one asyncio process on the same
2-core machine; its streams are protocols (no await per line), and its CPU is printed with
each fan-out. Raise `ulimit -n` above 2 x streams.
"""

import argparse
import asyncio
import json
import multiprocessing
import os
import pathlib
import resource
import statistics
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor

import sqlalchemy as sa
import uvloop

from app.auth import tokens
from app.auth.models import User
from app.database import point_wkt
from app.dispatch.models import ServiceZone, Skill, Team, Technician
from app.extensions import db
from bench import bench_app, free_port, serving

SQUARE = (
    "SRID=4326;MULTIPOLYGON(((121.10 36.72,121.22 36.72,121.22 36.82,121.10 36.82,121.10 36.72)))"
)
SECRET = "bench-live-secret-of-32-bytes-or-more-000"
ROOT = pathlib.Path(__file__).resolve().parents[1]
PREFIX = f"tapline-bench-{os.getpid()}"  # the server's channels, and this process's publishes


# ---- set-up ---------------------------------------------------------------------------
def seed(count):
    team = Team(code="QX", name="抢修班")
    db.session.add(team)
    db.session.flush()
    db.session.add(ServiceZone(code="QXZ", name="城区", team_id=team.id, geom=SQUARE))
    staff = {
        role: User(username=f"b_{role}", password_hash="-", display_name=role, roles=[role])
        for role in ("hotline_agent", "dispatcher")
    }
    db.session.add_all(staff.values())
    techs = [
        User(
            username=f"b_tech{n}",
            password_hash="-",
            display_name=f"t{n}",
            roles=["technician"],
            team_id=team.id,
        )
        for n in range(count + 1)
    ]
    db.session.add_all(techs)
    db.session.flush()
    on_call = Technician(
        user_id=techs[-1].id,
        employee_no="QX001",
        name="值班师傅",
        team_id=team.id,
        base_point=point_wkt(121.16, 36.77),
        on_call=True,
    )
    on_call.skills = [db.session.scalars(sa.select(Skill).filter_by(code="emergency")).one()]
    db.session.add(on_call)
    db.session.commit()
    return (
        {role: tokens.access_token(user) for role, user in staff.items()},
        [(user.id, tokens.access_token(user)) for user in techs],
    )


def start(kind, url, redis_url, port, streams, web_only=False):
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "REDIS_URL": redis_url,
        "TAPLINE_MODE": "demo",
        "SECRET_KEY": SECRET,
        "LIVE_CHANNEL_PREFIX": PREFIX,
        "LIVE_ADDRESS_STREAMS": str(streams + 100),  # every stream comes from 127.0.0.1
        "PORT": str(port),
        "WEB_WORKERS": "2",
    }
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "env": env, "cwd": ROOT}
    gunicorn = str(pathlib.Path(sys.executable).parent / "gunicorn")
    if kind == "live":
        web = [gunicorn, "--config", "python:app.webserver", "asgi:app"]
    else:
        web = [gunicorn, "-k", "gthread", "-w", "2", "--threads", "16", "--no-control-socket"]
        web += ["-b", f"127.0.0.1:{port}", "wsgi:app"]
    processes = [subprocess.Popen(web, **quiet)]
    if not web_only:
        processes.append(subprocess.Popen([sys.executable, "worker.py"], **quiet))
    return processes


def web_pids(master_pid):
    pids = [master_pid]
    for entry in pathlib.Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == master_pid:
                pids.append(int(entry.name))
    return pids


def cpu_seconds(master_pid):
    """User + system CPU time of the web server's processes so far."""
    total = 0
    for pid in web_pids(master_pid):
        fields = pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


async def idle_cpu(master_pid, seconds=10):
    before = cpu_seconds(master_pid)
    await asyncio.sleep(seconds)
    return (cpu_seconds(master_pid) - before) / seconds * 100


def sockets_per_worker(master_pid):
    """How the accepted connections spread over the workers (they share one listener)."""
    counts = []
    for pid in web_pids(master_pid)[1:]:
        fds = pathlib.Path(f"/proc/{pid}/fd")
        counts.append(sum(1 for fd in fds.iterdir() if "socket" in _readlink(fd)))
    return counts


def _readlink(path):
    try:
        return os.readlink(path)
    except OSError:
        return ""


def rss_kb(master_pid):
    """Resident memory of the web server: its master and every worker it forked."""
    total = 0
    for pid in web_pids(master_pid):
        for line in pathlib.Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total


# ---- a small HTTP/1.1 client on asyncio -------------------------------------------------
class Http:
    """One keep-alive connection; responses carry Content-Length (Flask through a2wsgi)."""

    def __init__(self, port):
        self.port, self.reader, self.writer = port, None, None

    async def call(self, method, path, token=None, body=None):
        """One request; a reused connection the server had just closed (its keep-alive timed
        out) is replaced and the request sent again, as browsers do."""
        reused = self.writer is not None
        try:
            return await self._call(method, path, token, body)
        except (ConnectionError, asyncio.IncompleteReadError, RuntimeError):
            if not reused:
                raise
            self.writer = None
            return await self._call(method, path, token, body)

    async def _call(self, method, path, token, body):
        if self.writer is not None and self.reader.at_eof():
            self.writer.close()
            self.writer = None  # the server closed an idle keep-alive connection
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        payload = json.dumps(body).encode() if body is not None else b""
        head = f"{method} {path} HTTP/1.1\r\nHost: bench\r\nContent-Length: {len(payload)}\r\n"
        if token:
            head += f"Authorization: Bearer {token}\r\n"
        if body is not None:
            head += "Content-Type: application/json\r\n"
        self.writer.write(head.encode() + b"\r\n" + payload)
        status, headers = await read_head(self.reader)
        data = await self.reader.readexactly(int(headers.get("content-length", 0)))
        if headers.get("connection") == "close":
            self.writer.close()
            self.writer = None
        return status, (json.loads(data) if data else None)


async def read_head(reader):
    lines = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            key, value = line.split(":", 1)
            headers[key.strip().lower()] = value.strip()
    return status, headers


class Stream(asyncio.Protocol):
    """One user's open stream: records when each notification id arrived.

    A protocol, not a StreamReader loop: the bytes of a whole read are parsed in one call,
    with no await per line, so the 2,000 streams of the benchmark cost its client little CPU
    (the client shares the machine with the server: its CPU is printed with each figure)."""

    def __init__(self, user_id):
        self.user_id, self.arrived, self.byes, self.ok = user_id, {}, [], asyncio.Event()
        self.transport = None
        self.head = None  # the response's status line and headers, once read
        self.raw = bytearray()  # received, not parsed yet (chunked framing)
        self.events = bytearray()  # de-chunked, not yet split into SSE frames
        self.done = asyncio.get_running_loop().create_future()

    async def open(self, port, ticket):
        loop = asyncio.get_running_loop()
        self.opened = loop.create_future()
        await loop.create_connection(lambda: self, "127.0.0.1", port)
        self.transport.write(
            f"GET /api/events/stream?ticket={ticket} HTTP/1.1\r\nHost: bench\r\n\r\n".encode()
        )
        status = await self.opened
        if status != 200:
            raise RuntimeError(f"stream refused: {status}")

    @property
    def task(self):  # what the measurements look at: done once the stream has ended
        return self.done

    def connection_made(self, transport):
        self.transport = transport

    def data_received(self, data):
        now = time.monotonic()
        self.raw += data
        if self.head is None:
            end = self.raw.find(b"\r\n\r\n")
            if end < 0:
                return
            self.head = bytes(self.raw[:end])
            del self.raw[: end + 4]
            if not self.opened.done():
                self.opened.set_result(int(self.head.split(b" ", 2)[1]))
        while True:  # chunked transfer encoding: "<size hex>\r\n<bytes>\r\n"
            line = self.raw.find(b"\r\n")
            if line < 0:
                break
            size = int(self.raw[:line], 16)
            if size == 0:
                self.transport.close()
                break
            if len(self.raw) < line + 2 + size + 2:
                break
            self.events += self.raw[line + 2 : line + 2 + size]
            del self.raw[: line + 2 + size + 2]
        while True:
            end = self.events.find(b"\n\n")
            if end < 0:
                break
            frame = self.events[:end].decode()
            del self.events[: end + 2]
            self.on_frame(frame, now)

    def on_frame(self, frame, now):
        if frame.startswith("retry:"):
            self.ok.set()
        for line in frame.split("\n"):
            if line.startswith("data: "):
                data = json.loads(line[6:])
                if "reason" in data:
                    self.byes.append(data["reason"])
                elif "id" in data:
                    self.arrived.setdefault(data["id"], (now, data))

    def connection_lost(self, exc):
        if not self.opened.done():
            self.opened.set_exception(ConnectionError("stream closed before its head"))
        if not self.done.done():
            self.done.set_result(None)

    def close(self):
        if self.transport is not None:
            self.transport.close()


# ---- the measurements -------------------------------------------------------------------
def pct(values, q):
    return (
        statistics.quantiles(values, n=100, method="inclusive")[q - 1]
        if len(values) > 1
        else values[0]
    )


async def timed_calls(port, make_call, count, clients=4):
    """`count` calls by `clients` connections at once; returns latencies (ms) and failures."""
    latencies, failures, queue = [], [], list(range(count))

    async def client():
        http = Http(port)
        while queue:
            i = queue.pop()
            method, path, token, body = make_call(i)
            started = time.perf_counter()
            try:
                status, data = await asyncio.wait_for(http.call(method, path, token, body), 30)
            except Exception as exc:
                failures.append(repr(exc))
                http = Http(port)
                continue
            latencies.append((time.perf_counter() - started) * 1000)
            if status >= 400:
                failures.append(f"{status} {data}")

    await asyncio.gather(*(client() for _ in range(clients)))
    return latencies, failures


def order_body(i, kind="general_repair"):
    return {
        "type": kind,
        "channel": "hotline",
        "caller_name": "基准来电",
        "caller_phone": "13800000000",
        "address": f"海阳市方圆街道{i}号",
        "location": {"lon": 121.15 + (i % 50) * 1e-3, "lat": 36.76 + (i % 30) * 1e-3},
        "description": "基准测试 / benchmark",
    }


async def api_round(port, staff, order_ids, args, label):
    agent = staff["hotline_agent"]
    gets, gfail = await timed_calls(
        port,
        lambda i: ("GET", f"/api/workorders/{order_ids[i % len(order_ids)]}", agent, None),
        args.gets,
    )
    posts, pfail = await timed_calls(
        port, lambda i: ("POST", "/api/workorders", agent, order_body(i)), args.posts
    )
    started = time.perf_counter()
    trivial, tfail = await timed_calls(
        port, lambda i: ("GET", "/api/signatures/public-key", None, None), args.gets
    )
    rate = len(trivial) / (time.perf_counter() - started)
    print(
        f"  {label:<22} GET /api/workorders/{{id}} p50 {pct(gets, 50):7.1f} "
        f"p95 {pct(gets, 95):7.1f} ms"
        f" | POST /api/workorders p50 {pct(posts, 50):7.1f} p95 {pct(posts, 95):7.1f} ms"
        f" | trivial JSON {rate:6.0f}/s | errors {len(gfail) + len(pfail) + len(tfail)}"
    )
    for failure in (gfail + pfail + tfail)[:3]:
        print(f"    e.g. {failure[:200]}")
    return {"get95": pct(gets, 95), "post95": pct(posts, 95), "rate": rate}


async def alternating_calls(port, twin, make_call, count, clients=4):
    """`count` calls to each of two servers, every client alternating call by call."""
    latencies, failures, queue = {port: [], twin: []}, [], list(range(2 * count))

    async def client():
        https = {port: Http(port), twin: Http(twin)}
        while queue:
            i = queue.pop()
            target = (port, twin)[i % 2]
            method, path, token, body = make_call(i // 2)
            started = time.perf_counter()
            try:
                status, data = await asyncio.wait_for(
                    https[target].call(method, path, token, body), 30
                )
            except Exception as exc:
                failures.append(repr(exc))
                https[target] = Http(target)
                continue
            latencies[target].append((time.perf_counter() - started) * 1000)
            if status >= 400:
                failures.append(f"{status} {data}")

    await asyncio.gather(*(client() for _ in range(clients)))
    return latencies[port], latencies[twin], failures


async def paired_round(port, twin, staff, order_ids, args):
    """The API calls of api_round, alternating call by call between the server holding the
    streams and its twin holding none (same code, database and Redis): both see the same
    moment of this shared machine, so its other load cancels in the ratio."""
    agent = staff["hotline_agent"]
    calls = {
        "GET": lambda i: ("GET", f"/api/workorders/{order_ids[i % len(order_ids)]}", agent, None),
        "POST": lambda i: ("POST", "/api/workorders", agent, order_body(i)),
    }
    ratios = {}
    for name, make_call in calls.items():
        count = args.gets if name == "GET" else args.posts
        mine, other, failures = await alternating_calls(port, twin, make_call, count)
        ratios[name] = pct(mine, 95) / pct(other, 95)
        print(
            f"  {name:<4} interleaved: streams open p50 {pct(mine, 50):6.1f} p95 "
            f"{pct(mine, 95):6.1f} ms | twin, none open p50 {pct(other, 50):6.1f} p95 "
            f"{pct(other, 95):6.1f} ms | ratio p95 {ratios[name]:.2f}x (target <= 1.5x)"
            f" | errors {len(failures)}"
        )
        for failure in failures[:3]:
            print(f"    e.g. {failure[:200]}")
    return ratios


async def open_streams(port, techs, concurrency=50):
    streams, queue = [], list(techs)
    failures = []

    async def opener():
        http = Http(port)
        while queue:
            user_id, token = queue.pop()
            try:
                status, body = await http.call("POST", "/api/events/ticket", token)
                stream = Stream(user_id)
                await stream.open(port, body["ticket"])
                await asyncio.wait_for(stream.ok.wait(), 30)
                streams.append(stream)
            except Exception as exc:
                failures.append(repr(exc))
                http = Http(port)

    await asyncio.gather(*(opener() for _ in range(concurrency)))
    return streams, failures


_publisher = {}


def publisher_ready(url, prefix):
    """Initialiser of the publisher process: the app is built before any clock starts."""
    from app import create_app
    from app.config import Config
    from app.notifications import services

    settings = {"MODE": "demo", "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": SECRET}
    _publisher["app"] = create_app(
        type("BenchConfig", (Config,), {**settings, "LIVE_CHANNEL_PREFIX": prefix})
    )
    real_publish_many = services.publish_many

    def clocked(pending):  # called by the after-commit hook, once the rows are committed
        _publisher["publishing"] = time.monotonic()  # CLOCK_MONOTONIC: one clock for all
        _publisher["cpu"] = time.process_time()
        real_publish_many(pending)

    services.publish_many = clocked
    with _publisher["app"].app_context():
        db.session.execute(db.text("SELECT 1"))
        db.session.remove()


def notify_everyone(user_ids, tag):
    """In the publisher process (the readers' GIL is not the publisher's): one notification
    per user in one commit; the after-commit hook publishes them all. A real kind (a kind
    needs its words in labels.py); the round is told by its payload's tag."""
    from app.notifications.services import notify

    with _publisher["app"].app_context():
        for user_id in user_ids:
            notify([user_id], "day_plan", {"n": user_id, "bench": tag})
        committing = time.monotonic()
        db.session.commit()
        published = time.monotonic()
        cpu = time.process_time() - _publisher["cpu"]
        started = _publisher["publishing"]
        print(
            f"  commit of {len(user_ids)} notifications {(started - committing) * 1000:.0f} ms,"
            f" then publishing them {(published - started) * 1000:.0f} ms"
            f" (publisher CPU {cpu * 1000:.0f} ms)"
        )
        rows = db.session.execute(
            db.text("SELECT recipient_id, id FROM notifications WHERE payload->>'bench' = :tag"),
            {"tag": tag},
        )
        ids = dict(rows.all())
        db.session.remove()
    return started, published, ids


def start_publisher(url):
    # Not `with`: its exit waits for the child to end and would stall this loop's reading.
    return ProcessPoolExecutor(
        1,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=publisher_ready,
        initargs=(url, PREFIX),
    )


async def fan_out(pool, streams, kind, master_pid):
    """One notification to each stream's user: publish-to-receive times, and the CPU that
    the web server and this client (the readers) spent from the commit to the last arrival."""
    loop = asyncio.get_running_loop()
    client_cpu, web_cpu = time.process_time(), cpu_seconds(master_pid)
    started, published, ids = await loop.run_in_executor(
        pool, notify_everyone, [s.user_id for s in streams], kind
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(ids[s.user_id] not in s.arrived for s in streams):
        await asyncio.sleep(0.02)
    client_cpu, web_cpu = time.process_time() - client_cpu, cpu_seconds(master_pid) - web_cpu
    latencies = sorted(
        (s.arrived[ids[s.user_id]][0] - started) * 1000
        for s in streams
        if ids[s.user_id] in s.arrived
    )
    lost = len(streams) - len(latencies)
    print(
        f"  one event to each of {len(streams)} users, publish -> receive: first "
        f"{latencies[0]:.0f} ms median {statistics.median(latencies):.0f} ms"
        f" p99 {pct(latencies, 99):.0f} ms max {latencies[-1]:.0f} ms; lost {lost}"
        f"  (targets: median <= 200, p99 <= 1000, none lost)\n"
        f"    CPU from the commit to the last arrival: web server {web_cpu * 1000:.0f} ms,"
        f" benchmark client {client_cpu * 1000:.0f} ms; load average {os.getloadavg()[0]:.1f}"
    )
    return {"median": statistics.median(latencies), "p99": pct(latencies, 99), "lost": lost}


async def emergencies(port, staff, on_call_stream, count):
    http = Http(port)
    latencies, missed = [], 0
    for i in range(count):
        started = time.monotonic()
        status, order = await http.call(
            "POST", "/api/workorders", staff["hotline_agent"], order_body(i, "emergency_repair")
        )
        assert status == 201, order
        arrival = None
        deadline = started + 10
        while time.monotonic() < deadline and arrival is None:
            for at, data in on_call_stream.arrived.values():
                if data.get("payload", {}).get("order_id") == order["id"]:
                    arrival = at
            await asyncio.sleep(0.005)
        if arrival is None:
            missed += 1
        else:
            latencies.append((arrival - started) * 1000)
        status, _ = await http.call(
            "POST",
            f"/api/workorders/{order['id']}/cancel",
            staff["dispatcher"],
            {"reason": "基准测试结束 / benchmark done"},
        )
        assert status == 200
    print(
        f"  emergency POST -> technician's stream: median {statistics.median(latencies):.0f} ms"
        f" p95 {pct(latencies, 95):.0f} ms max {max(latencies):.0f} ms; {missed} not seen in 10 s"
    )


async def wait_up(port, kind):
    # The live app answers 401 once its hub is connected; Flask alone has no stream (503).
    ready = 401 if kind == "live" else 503
    for _ in range(240):
        try:
            status, _ = await Http(port).call("GET", "/api/events/stream")
            if status == ready:
                return
        except (OSError, asyncio.IncompleteReadError):
            pass
        await asyncio.sleep(0.5)
    raise RuntimeError("the web process did not start")


async def run(app, staff, techs, args, port, master_pid, twin=None):
    loop = asyncio.get_running_loop()
    await wait_up(port, args.server)
    if twin:
        await wait_up(twin, args.server)
    order_ids = []
    http = Http(port)
    for i in range(20):
        status, order = await http.call(
            "POST", "/api/workorders", staff["hotline_agent"], order_body(i)
        )
        order_ids.append(order["id"])
    if not args.fan_out_only:
        await api_round(port, staff, order_ids, args, "warm-up")
        before = await api_round(port, staff, order_ids, args, "no stream open")
        idle = await idle_cpu(master_pid)
        print(f"  web CPU while idle, no stream open: {idle:.1f} % of a core")
    if args.server != "live":
        return
    rss_before = rss_kb(master_pid)
    started = time.monotonic()
    streams, failures = await open_streams(port, techs[:-1])
    await asyncio.sleep(3)
    rss_after = rss_kb(master_pid)
    print(
        f"  opened {len(streams)} streams in {time.monotonic() - started:.1f} s "
        f"({len(failures)} failed{': ' + failures[0][:120] if failures else ''}); web RSS "
        f"{rss_before / 1024:.0f} -> {rss_after / 1024:.0f} MB: "
        f"{(rss_after - rss_before) / max(len(streams), 1):.1f} KB per idle stream (target <= 64);"
        f" open sockets per web worker {sockets_per_worker(master_pid)}"
    )
    if not args.fan_out_only:
        cpu = await idle_cpu(master_pid)
        print(f"  web CPU while idle, {len(streams)} streams open: {cpu:.1f} % of a core")
        during = await api_round(port, staff, order_ids, args, f"{len(streams)} streams open")
        print(
            f"  ratio open/none: GET p95 {during['get95'] / before['get95']:.2f}x, POST p95 "
            f"{during['post95'] / before['post95']:.2f}x (target <= 1.5x); trivial JSON rate "
            f"{during['rate'] / before['rate']:.2f}x"
        )
        if twin:
            await paired_round(port, twin, staff, order_ids, args)
    pool = start_publisher(app.config["SQLALCHEMY_DATABASE_URI"])
    await loop.run_in_executor(pool, time.sleep, 0)  # started and initialised: no clock yet
    for round_ in range(args.fan_outs):
        await fan_out(pool, streams, f"bench-{round_}", master_pid)
    await loop.run_in_executor(None, pool.shutdown)
    if args.fan_out_only:
        for stream in streams:
            stream.close()
        return
    on_call = Stream(techs[-1][0])
    http = Http(port)
    status, body = await http.call("POST", "/api/events/ticket", techs[-1][1])
    await on_call.open(port, body["ticket"])
    await on_call.ok.wait()
    await emergencies(port, staff, on_call, args.emergencies)
    still_open = sum(1 for s in streams if not s.task.done())
    byes = sum(len(s.byes) for s in streams)
    print(f"  streams still open at the end: {still_open} of {len(streams)}; byes {byes}")
    for stream in streams + [on_call]:
        stream.close()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--streams", type=int, default=2000)
    parser.add_argument("--gets", type=int, default=300)
    parser.add_argument("--posts", type=int, default=60)
    parser.add_argument("--emergencies", type=int, default=20)
    parser.add_argument("--fan-outs", type=int, default=2, help="rounds of one event to all")
    parser.add_argument("--fan-out-only", action="store_true", help="skip the API steps")
    parser.add_argument("--server", choices=("live", "gthread"), default="live")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database")
    args = parser.parse_args(argv)
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = min(hard, max(soft, 3 * args.streams + 1000))
    resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
    app, _, url = bench_app("tapline_bench_live", SECRET_KEY=SECRET, LIVE_CHANNEL_PREFIX=PREFIX)
    redis_url = app.config["REDIS_URL"]
    print(
        f"bench_live ({args.server}) on {url.render_as_string(hide_password=True)}, Redis "
        f"{redis_url}, load average {os.getloadavg()[0]:.1f}, ulimit -n {wanted}"
    )
    with app.app_context():
        staff, techs = seed(args.streams)
        db.session.remove()
    port = free_port()
    processes = start(args.server, url.render_as_string(False), redis_url, port, args.streams)
    twin = free_port() if args.server == "live" and not args.fan_out_only else None
    if twin:
        processes += start("live", url.render_as_string(False), redis_url, twin, 0, web_only=True)
    with serving(app, url, processes, keep=args.keep):
        uvloop.run(run(app, staff, techs, args, port, processes[0].pid, twin))


if __name__ == "__main__":
    main()
