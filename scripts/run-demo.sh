#!/usr/bin/env bash
# The body of `make run`: migrate, load the demo data, then every Procfile process under
# supervisord (scripts/supervise.py), which restarts and reports a process that dies.
# Runs inside `services.sh run`, which provides DATABASE_URL and REDIS_URL and stops the
# services it started once supervisord is gone. WORKERS=N runs N RQ workers (default 2).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH="$PWD/.venv/bin:$PATH"
export TAPLINE_MODE=demo
export PORT=${PORT:-8000}
export WORKERS=${WORKERS:-2}

flask --app wsgi db upgrade
flask --app wsgi demo load

cat <<BANNER

  Tapline demo (TAPLINE_MODE=demo: the logins below exist in demo mode only)

    web        http://127.0.0.1:$PORT
                 desk /desk/   dispatch console /dispatch/   technician's phone /m/
    API docs   http://127.0.0.1:$PORT/api/docs

    logins, password demo1234:
      admin              administrator
      agent01            hotline agent
      dispatch01         dispatcher
      lead01             department lead
      gm01               general manager
      tech01 .. tech30   technicians

    processes  web, $WORKERS x worker, clock under supervisord: one that dies is restarted
               (.venv/bin/supervisorctl -c var/supervisor/supervisord.conf status)
    health     http://127.0.0.1:$PORT/readyz     ops page /ops/ (admin)

  Ctrl-C stops web, workers and clock, and the PostgreSQL/Redis this run started.
  The data stay in ./var between runs; make clean-var deletes them.

BANNER

exec python scripts/supervise.py
