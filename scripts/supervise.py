#!/usr/bin/env python3
"""Run every Procfile process under supervisord: one that dies is restarted and reported.

    scripts/supervise.py [--procfile Procfile] [--dir var/supervisor]

The Procfile stays the one list of processes (web, worker, clock). This writes a
supervisord configuration from it and execs supervisord in the foreground: each process in
its own process group, restarted whenever it exits (supervisord logs "exited: ... not
expected" and "spawned"), its output on our stdout; Ctrl-C or SIGTERM stops them all.
WORKERS=N runs N worker processes (default 1). While it runs,
`.venv/bin/supervisorctl -c var/supervisor/supervisord.conf status` lists the processes.
"""

import argparse
import os
import shlex
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def read_procfile(path):
    """[(name, command)] from `name: command` lines; comments and blanks skipped."""
    found = []
    for line in Path(path).read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, command = line.split(":", 1)
            found.append((name.strip(), command.strip()))
    return found


def program(name, command, numprocs=1):
    lines = [
        f"[program:{name}]",
        # bash expands ${PORT:-8000} and friends, as honcho did; exec keeps the pid ours.
        f"command=bash -c {shlex.quote('exec ' + command)}",
        f"directory={ROOT}",
        "autostart=true",
        "autorestart=true",
        "startsecs=2",
        "startretries=100",
        "stopsignal=TERM",
        "stopwaitsecs=20",
        "stopasgroup=true",
        "killasgroup=true",
        "redirect_stderr=true",
        "stdout_logfile=/dev/stdout",
        "stdout_logfile_maxbytes=0",
    ]
    if numprocs > 1:
        lines += [f"numprocs={numprocs}", "process_name=%(program_name)s_%(process_num)02d"]
    return "\n".join(lines)


def config(procfile, directory, workers):
    sock = directory / "supervisor.sock"
    sections = [
        "[supervisord]",
        "nodaemon=true",
        # In the foreground supervisord also logs to stdout: one copy is enough.
        "logfile=/dev/null",
        "logfile_maxbytes=0",
        "loglevel=info",
        f"pidfile={directory / 'supervisord.pid'}",
        f"childlogdir={directory}",
        "",
        "[unix_http_server]",
        f"file={sock}",
        "chmod=0700",
        "",
        "[rpcinterface:supervisor]",
        "supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface",
        "",
        "[supervisorctl]",
        f"serverurl=unix://{sock}",
        "",
    ]
    for name, command in read_procfile(procfile):
        sections += [program(name, command, workers if name == "worker" else 1), ""]
    return "\n".join(sections)


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--procfile", default=str(ROOT / "Procfile"))
    parser.add_argument("--dir", default=os.environ.get("SUPERVISOR_DIR", ROOT / "var/supervisor"))
    args = parser.parse_args(argv)
    workers = int(os.environ.get("WORKERS", "1"))
    if workers < 1:
        sys.exit("WORKERS must be 1 or more")
    directory = Path(args.dir).resolve()
    directory.mkdir(parents=True, exist_ok=True)
    conf = directory / "supervisord.conf"
    conf.write_text(config(args.procfile, directory, workers))
    supervisord = Path(sys.executable).with_name("supervisord")
    os.execv(supervisord, [str(supervisord), "-n", "-c", str(conf)])


if __name__ == "__main__":
    main(sys.argv[1:])
