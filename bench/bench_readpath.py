"""Benchmark 4: the read path over HTTP, against a bare Flask endpoint in the same server.

    python -m bench.bench_readpath [--seconds 8] [--connections 16] [--rounds 2] [--keep]

The web server is started from the Procfile's `web:` line, as `make run` starts it (same
server, workers and threads), on the demo city in a database of its own with 60 more new
orders so that the dispatch queue fills a page of 50. Its app is bench/readpath_wsgi.py: the
real app plus GET /bench/bare (no database, no token, no schema), the named baseline.

For each endpoint: one request at a time (p50/p95 over --single requests, keep-alive), with
the CPU time those requests cost the web server's processes and our database's PostgreSQL
backends (from /proc; what a shared machine's load hardly changes), then throughput with wrk
(--connections, --seconds), the bare endpoint measured right before it, so the ratio compares
two figures taken under the same load. --rounds repeats it all; the
worse round is the one reported against the goals (issue 16). Needs wrk (Debian package).
"""

import argparse
import http.client
import json
import os
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import time

import sqlalchemy as sa

from app.demo import loader
from app.extensions import db
from bench import bench_app, drop_database, free_port

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXTRA_QUEUE_ORDERS = 60

# name -> (path template, single-request goal in ms, throughput goal as a ratio to bare)
ENDPOINTS = {
    "GET /api/workorders/{id}": ("/api/workorders/{order}", 2.0, 0.25),
    "GET /api/workorders?per_page=20": ("/api/workorders?per_page=20", None, 0.15),
    "GET /api/dispatch/queue (50 items)": ("/api/dispatch/queue?per_page=50", 10.0, None),
    "GET /api/workorders/{id}/suggestions": ("/api/workorders/{new}/suggestions", 5.0, None),
}


def web_command(port):
    """The Procfile's web line, serving bench/readpath_wsgi.py instead of wsgi.py."""
    with open(os.path.join(ROOT, "Procfile")) as procfile:
        line = next(raw for raw in procfile if raw.startswith("web:"))
    command = line.split(":", 1)[1].strip()
    served = {"wsgi:app": "bench.readpath_wsgi:app", "asgi:app": "bench.readpath_wsgi:asgi"}
    for entry, ours in served.items():
        if re.search(rf"(?<![\w.]){entry}\b", command):
            return re.sub(rf"(?<![\w.]){entry}\b", ours, command), {"PORT": str(port)}
    sys.exit("bench_readpath: the Procfile's web line serves neither wsgi:app nor asgi:app")


def seed():
    """The demo city, ANALYZEd by the loader, and a queue of at least 50."""
    loader.load()
    db.session.execute(
        sa.text("""
        INSERT INTO work_orders (number, type_code, channel, status, priority, customer_id,
          caller_name, caller_phone, address, location, description, limited_mobility,
          property_side, flags, zone_id, team_id, deadline_at, deadline_rule,
          calendar_unconfirmed, last_announced_sla_state, first_contact_user_id, created_by_id,
          created_at, updated_at, version_id)
        SELECT 'BQ' || lpad(g::text, 6, '0'), w.type_code, w.channel, 'new', w.priority,
          w.customer_id, w.caller_name, w.caller_phone, w.address, w.location, w.description,
          w.limited_mobility, w.property_side, w.flags, w.zone_id, w.team_id,
          now() + (g % 5) * interval '1 day', w.deadline_rule, false, 'on_track',
          w.first_contact_user_id, w.created_by_id, now() - (g % 7) * interval '1 day', now(), 1
        FROM generate_series(1, :n) g
        JOIN LATERAL (SELECT * FROM work_orders WHERE status = 'new' AND location IS NOT NULL
                      ORDER BY id OFFSET g % 5 LIMIT 1) w ON true"""),
        {"n": EXTRA_QUEUE_ORDERS},
    )
    db.session.commit()
    db.session.execute(sa.text("ANALYZE work_orders"))
    db.session.commit()
    detail = db.session.scalar(
        sa.text("""
        SELECT w.id FROM work_orders w JOIN work_order_events e ON e.work_order_id = w.id
        WHERE w.customer_id IS NOT NULL AND w.technician_id IS NOT NULL
        GROUP BY w.id ORDER BY count(*) DESC, w.id LIMIT 1""")
    )
    new = db.session.scalar(
        sa.text(
            "SELECT id FROM work_orders WHERE status = 'new' AND team_id IS NOT NULL"
            " AND location IS NOT NULL AND number NOT LIKE 'BQ%' ORDER BY id LIMIT 1"
        )
    )
    return {"order": detail, "new": new}


def wait_up(port, proc, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            sys.exit("bench_readpath: the web server exited during start-up")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/bench/bare")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.3)
    sys.exit("bench_readpath: the web server did not answer in time")


def login(port, username):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    body = json.dumps({"username": username, "password": loader.DEMO_PASSWORD})
    conn.request("POST", "/api/auth/login", body, {"Content-Type": "application/json"})
    resp = conn.getresponse()
    assert resp.status == 200, resp.read()
    return json.loads(resp.read())["access_token"]


def single(port, path, headers, count):
    """Milliseconds of `count` sequential requests on one keep-alive connection."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    out = []
    for i in range(count + 10):
        start = time.perf_counter()
        conn.request("GET", path, headers=headers)
        resp = conn.getresponse()
        resp.read()
        if resp.status != 200:
            sys.exit(f"bench_readpath: GET {path} answered {resp.status}")
        if i >= 10:  # the first ones warm the worker's caches
            out.append((time.perf_counter() - start) * 1000)
    return out


def wrk(port, path, headers, seconds, connections):
    """Requests per second by wrk, and its count of non-2xx answers and socket errors."""
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    out = subprocess.run(
        [*command, f"http://127.0.0.1:{port}{path}"],
        capture_output=True,
        text=True,
        timeout=seconds + 60,
        check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    return rps, (int(bad.group(1)) if bad else 0), (errors.group(1) if errors else "none")


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _proc_stats():
    """{pid: (parent pid, CPU seconds used)} of every process, from /proc."""
    out = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    fields = stat.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            out[int(entry)] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / CLOCK_TICKS)
    return out


def _cpu(root, backends):
    """(CPU seconds of the web server's process tree, of our database's PostgreSQL backends)."""
    stats = _proc_stats()
    tree, frontier = {root}, [root]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, (ppid, _) in stats.items() if ppid == parent]
        tree.update(children)
        frontier += children
    return tuple(sum(stats[p][1] for p in pids if p in stats) for pids in (tree, backends))


def backend_pids(engine):
    """Our database's backends but the asking one: the web workers' pooled connections."""
    with engine.connect() as conn:
        return set(
            conn.scalars(
                sa.text(
                    "SELECT pid FROM pg_stat_activity"
                    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            )
        )


def single_with_cpu(port, path, headers, count, server):
    """single(), and the CPU milliseconds per request it cost the web server and PostgreSQL:
    unlike latency, hardly inflated by other processes' load (a busy core runs others
    instead, it does not charge them to us)."""
    single(port, path, headers, 5)  # the pool's connections are open before they are listed
    backends = backend_pids(server["engine"])
    before = _cpu(server["pid"], backends)
    times = single(port, path, headers, count)
    after = _cpu(server["pid"], backends)
    requests = count + 10
    return times, tuple((a - b) * 1000 / requests for a, b in zip(after, before, strict=True))


def pct(values, q):
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def one_round(port, ids, headers, args, server):
    rows = []
    bare_single, bare_cpu = single_with_cpu(port, "/bench/bare", {}, args.single, server)
    for name, (template, single_goal, ratio_goal) in ENDPOINTS.items():
        path = template.format(**ids)
        bare_rps, _, _ = wrk(port, "/bench/bare", {}, args.seconds, args.connections)
        rps, bad, errors = wrk(port, path, headers, args.seconds, args.connections)
        times, cpu = single_with_cpu(port, path, headers, args.single, server)
        rows.append(
            {
                "name": name,
                "p50": pct(times, 50),
                "p95": pct(times, 95),
                "cpu": cpu,
                "rps": rps,
                "bare_rps": bare_rps,
                "ratio": rps / bare_rps,
                "bad": bad,
                "errors": errors,
                "single_goal": single_goal,
                "ratio_goal": ratio_goal,
            }
        )
    return {
        "bare_p50": pct(bare_single, 50),
        "bare_p95": pct(bare_single, 95),
        "bare_cpu": bare_cpu,
        "rows": rows,
    }


def verdict(value, goal, better_low):
    if goal is None:
        return "no goal"
    met = value <= goal if better_low else value >= goal
    return f"goal {'<=' if better_low else '>='} {goal:g}: {'met' if met else 'NOT met'}"


def report(rounds, args):
    for i, r in enumerate(rounds, 1):
        print(
            f"\nround {i} (1-min load average {r['load'][0]:.1f} -> {r['load'][1]:.1f} on "
            f"{os.cpu_count()} cores; wrk -t2 -c{args.connections} -d{args.seconds}s)"
        )
        print(
            f"  {'bare Flask endpoint (baseline)':<38} one request p50 {r['bare_p50']:6.2f} ms"
            f"  p95 {r['bare_p95']:6.2f} ms | CPU per request: web {r['bare_cpu'][0]:.2f} ms,"
            f" PostgreSQL {r['bare_cpu'][1]:.2f} ms"
        )
        for row in r["rows"]:
            print(
                f"  {row['name']:<38} one request p50 {row['p50']:6.2f} ms  p95 "
                f"{row['p95']:6.2f} ms | {row['rps']:7.1f} req/s vs bare {row['bare_rps']:7.1f}"
                f" = {row['ratio']:5.3f}x  (non-2xx {row['bad']}, socket errors "
                f"{row['errors']}) | CPU per request: web {row['cpu'][0]:.2f} ms, PostgreSQL"
                f" {row['cpu'][1]:.2f} ms"
            )
    print("\nworst of the rounds, against the goals (issue 16):")
    for j, (name, *_rest) in enumerate(ENDPOINTS.items()):
        rows = [r["rows"][j] for r in rounds]
        p50 = max(row["p50"] for row in rows)
        ratio = min(row["ratio"] for row in rows)
        row = rows[0]
        web = max(row["cpu"][0] for row in rows)
        pg = max(row["cpu"][1] for row in rows)
        print(
            f"  {name:<38} one request p50 {p50:6.2f} ms "
            f"({verdict(p50, row['single_goal'], True)}); "
            f"throughput {ratio:5.3f}x bare ({verdict(ratio, row['ratio_goal'], False)}); "
            f"CPU per request web {web:.2f} ms + PostgreSQL {pg:.2f} ms"
        )
    bare = max(r["bare_cpu"][0] for r in rounds)
    print(f"  {'bare Flask endpoint (baseline)':<38} CPU per request web {bare:.2f} ms")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--single", type=int, default=200, help="sequential requests")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database")
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        sys.exit("bench_readpath: wrk is not installed (scripts/services.sh ensure-packages)")
    app, _db, url = bench_app("tapline_bench_readpath")
    print(f"bench_readpath on {url.render_as_string(hide_password=True)}")
    with app.app_context():
        ids = seed()
        db.session.remove()
        db.engine.dispose()
    port = free_port()
    command, extra_env = web_command(port)
    print(f"server: {command} (PORT={port})")
    env = {
        **os.environ,
        **extra_env,
        "TAPLINE_MODE": "demo",
        "DATABASE_URL": url.render_as_string(hide_password=False),
        "PATH": os.path.join(ROOT, ".venv", "bin") + os.pathsep + os.environ.get("PATH", ""),
    }
    proc = subprocess.Popen(
        ["bash", "-c", "exec " + command],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        wait_up(port, proc)
        headers = {"Authorization": f"Bearer {login(port, 'dispatch01')}"}
        rounds = []
        server = {"pid": proc.pid, "engine": sa.create_engine(env["DATABASE_URL"])}
        for _ in range(args.rounds):
            load_before = os.getloadavg()[0]
            r = one_round(port, ids, headers, args, server)
            r["load"] = (load_before, os.getloadavg()[0])
            rounds.append(r)
        server["engine"].dispose()
        report(rounds, args)
    finally:
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)
        if not args.keep:
            drop_database(url)


if __name__ == "__main__":
    main(shlex.split(os.environ.get("BENCH_ARGS", "")) or None)
