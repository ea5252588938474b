#!/usr/bin/env bash
# PostgreSQL + PostGIS and Redis for development, tests and benchmarks, owned by this checkout.
#
#   services.sh ensure-packages [--with-browser|--with-bench]   install what is missing (apt, root)
#   services.sh start | stop | status | clean
#   services.sh env [--for app|test]                 export lines for eval "$(...)"
#   services.sh run [--for app|test] -- CMD...       start what is needed, run CMD, then stop
#                                                    what was started once no other run needs it
#
# Our PostgreSQL listens on 127.0.0.1:$PGPORT (54329) and Redis on 127.0.0.1:$REDIS_PORT
# (63799), so they never collide with the system's own servers on 5432 and 6379.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VAR="$ROOT/var"
PGPORT=${PGPORT:-54329}
REDIS_PORT=${REDIS_PORT:-63799}
PG_BIN=/usr/lib/postgresql/15/bin
POSTGIS_CONTROL=/usr/share/postgresql/15/extension/postgis.control
REDIS_DIR="$VAR/redis"
LEASES="$VAR/leases"
DATABASES=(tapline tapline_test)

log() { printf '==> %s\n' "$*"; }
warn() { printf 'warning: %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }
is_root() { [ "$(id -u)" -eq 0 ]; }

# ---------------------------------------------------------------------------- packages

missing_packages() {
    local with_browser=$1 with_bench=${2:-0}
    [ -x "$PG_BIN/initdb" ] || echo postgresql-15
    [ -f "$POSTGIS_CONTROL" ] || echo postgresql-15-postgis-3
    command -v redis-server >/dev/null || echo redis-server
    "$ROOT/scripts/venv.sh" --check-python || echo python3.11 python3.11-venv
    if [ "$with_bench" = 1 ]; then
        command -v wrk >/dev/null || echo wrk  # bench_readpath's HTTP load
    fi
    if [ "$with_browser" = 1 ]; then
        [ -x /usr/bin/chromium ] || echo chromium
        # Chinese for the browser's own words (date pickers) in the browser tests
        [ -f /usr/lib/chromium/locales/zh-CN.pak ] || echo chromium-l10n
        dpkg-query -W -f='${Status}' fonts-noto-cjk 2>/dev/null | grep -q 'install ok installed' \
            || echo fonts-noto-cjk
    fi
}

cmd_ensure_packages() {
    local with_browser=0 with_bench=0 missing
    case "${1:-}" in
        --with-browser) with_browser=1 ;;
        --with-bench) with_bench=1 ;;
        "") ;;
        *) die "unknown option for ensure-packages: $1" ;;
    esac
    missing=$(missing_packages "$with_browser" "$with_bench" | xargs)
    [ -n "$missing" ] || return 0

    if ! is_root; then
        printf 'Missing system packages: %s\nInstall them as root, then rerun:\n' "$missing" >&2
        printf '  apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y %s\n' \
            "$missing" >&2
        exit 1
    fi
    log "installing system packages: $missing"
    apt-get update
    # On a fresh machine postgresql-15 creates and starts its own cluster on 5432; we leave it
    # alone, and a failure of that side job must not stop us, so the files decide, not apt.
    # shellcheck disable=SC2086
    DEBIAN_FRONTEND=noninteractive apt-get install -y $missing \
        || warn "apt-get install reported an error; checking what got installed"
    missing=$(missing_packages "$with_browser" "$with_bench" | xargs)
    [ -z "$missing" ] || die "still missing after apt-get install: $missing"
}

require_server_packages() {
    if ! [ -x "$PG_BIN/initdb" ] || ! [ -f "$POSTGIS_CONTROL" ] || ! command -v redis-server >/dev/null; then
        die "PostgreSQL 15, PostGIS or Redis is not installed: run scripts/services.sh ensure-packages"
    fi
}

# ---------------------------------------------------------------------------- PostgreSQL

# The data live in ./var/pg unless the postgres system user cannot reach it (a checkout under
# root's home, mode 700): then in /var/tmp, under a name derived from the checkout's path.
fallback_pg_area() {
    printf '/var/tmp/tapline-%s/pg' "$(printf '%s' "$ROOT" | sha256sum | cut -c1-8)"
}

existing_pg_area() {
    local area
    for area in "$VAR/pg" "$(fallback_pg_area)"; do
        if [ -f "$area/data/PG_VERSION" ]; then
            printf '%s' "$area"
            return 0
        fi
    done
    return 1
}

postgres_can_use() {
    local dir=$1
    mkdir -p "$dir"
    chown postgres:postgres "$dir"
    runuser -u postgres -- test -w "$dir"
}

choose_pg_area() {
    existing_pg_area && return 0
    if ! is_root || postgres_can_use "$VAR/pg"; then
        printf '%s' "$VAR/pg"
        return 0
    fi
    rmdir "$VAR/pg" 2>/dev/null || true
    local fallback
    fallback=$(fallback_pg_area)
    mkdir -p "$(dirname "$fallback")"
    postgres_can_use "$fallback" || die "the postgres user cannot write $fallback"
    printf '%s' "$fallback"
}

set_pg_paths() {
    PG_AREA=$1
    PGDATA="$PG_AREA/data"
    PG_SOCKETS="$PG_AREA/run"
    PG_LOG="$PG_AREA/postgresql.log"
}

# initdb and the server refuse to run as root; the postgres system user owns the files then.
as_pg_owner() {
    if is_root; then
        (cd / && runuser -u postgres -- "$@")
    else
        "$@"
    fi
}

pg_is_running() {
    [ -f "$PGDATA/PG_VERSION" ] && as_pg_owner "$PG_BIN/pg_ctl" status -D "$PGDATA" >/dev/null 2>&1
}

port_is_taken() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

init_pg() {
    log "initialising a PostgreSQL cluster in $PGDATA"
    as_pg_owner mkdir -p "$PGDATA" "$PG_SOCKETS"
    as_pg_owner "$PG_BIN/initdb" -D "$PGDATA" --username=postgres --auth=trust \
        --encoding=UTF8 --locale=C.UTF-8 >"$PG_AREA/initdb.log" 2>&1 \
        || { cat "$PG_AREA/initdb.log" >&2; die "initdb failed"; }
    echo "include_if_exists = 'tapline.conf'" | as_pg_owner tee -a "$PGDATA/postgresql.conf" >/dev/null
}

# Written on every start so that PGPORT can change between runs.
write_pg_settings() {
    as_pg_owner tee "$PGDATA/tapline.conf" >/dev/null <<EOF
# Written by scripts/services.sh on each start.
port = $PGPORT
listen_addresses = '127.0.0.1'
unix_socket_directories = '$PG_SOCKETS'
# A throwaway development cluster: speed matters more than surviving a power cut.
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
}

start_pg() {
    local area
    area=$(choose_pg_area)
    set_pg_paths "$area"
    pg_is_running && return 0
    port_is_taken "$PGPORT" \
        && die "port $PGPORT is taken by another process; choose another with PGPORT=..."
    note_starting pg
    [ -f "$PGDATA/PG_VERSION" ] || init_pg
    as_pg_owner mkdir -p "$PG_SOCKETS"
    write_pg_settings
    log "starting PostgreSQL on 127.0.0.1:$PGPORT (data: $PGDATA, log: $PG_LOG)"
    as_pg_owner "$PG_BIN/pg_ctl" start -D "$PGDATA" -l "$PG_LOG" -w -t 60 >/dev/null 9>&- \
        || { tail -n 20 "$PG_LOG" >&2; die "PostgreSQL did not start; see $PG_LOG"; }
}

psql_as_superuser() {
    local database=$1
    shift
    PGOPTIONS='-c client_min_messages=warning' "$PG_BIN/psql" -X -q -w -v ON_ERROR_STOP=1 \
        -h 127.0.0.1 -p "$PGPORT" -U postgres -d "$database" "$@"
}

ensure_databases() {
    local name
    for name in "${DATABASES[@]}"; do
        if [ -z "$(psql_as_superuser postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$name'")" ]; then
            log "creating database $name"
            psql_as_superuser postgres -c "CREATE DATABASE $name"
        fi
        psql_as_superuser "$name" -c 'CREATE EXTENSION IF NOT EXISTS postgis'
    done
}

stop_pg() {
    local area
    area=$(existing_pg_area) || return 0
    set_pg_paths "$area"
    pg_is_running || return 0
    log "stopping PostgreSQL ($PGDATA)"
    as_pg_owner "$PG_BIN/pg_ctl" stop -D "$PGDATA" -m fast -w >/dev/null
}

# ---------------------------------------------------------------------------- Redis

redis_pid() {
    [ -f "$REDIS_DIR/redis.pid" ] && cat "$REDIS_DIR/redis.pid"
}

redis_is_running() {
    local pid
    pid=$(redis_pid) && kill -0 "$pid" 2>/dev/null \
        && [ "$(redis-cli -p "$REDIS_PORT" ping 2>/dev/null)" = PONG ]
}

start_redis() {
    redis_is_running && return 0
    port_is_taken "$REDIS_PORT" \
        && die "port $REDIS_PORT is taken by another process; choose another with REDIS_PORT=..."
    note_starting redis
    mkdir -p "$REDIS_DIR"
    log "starting Redis on 127.0.0.1:$REDIS_PORT (log: $REDIS_DIR/redis.log)"
    # AOF (fsync every second): queued jobs survive a Redis restart, so work resumes at once.
    # It is not the guarantee: PostgreSQL is the truth, and the reconciliation sweep
    # (app/ops/reconcile.py) re-drives whatever Redis loses anyway.
    redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$REDIS_DIR" \
        --daemonize yes --pidfile "$REDIS_DIR/redis.pid" --logfile "$REDIS_DIR/redis.log" \
        --save '' --appendonly yes --appendfsync everysec 9>&-
    local _
    for _ in $(seq 50); do
        redis_is_running && return 0
        sleep 0.1
    done
    tail -n 20 "$REDIS_DIR/redis.log" >&2
    die "Redis did not start; see $REDIS_DIR/redis.log"
}

stop_redis() {
    redis_is_running || return 0
    log "stopping Redis (port $REDIS_PORT)"
    local pid
    pid=$(redis_pid)
    redis-cli -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
    while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
}

# ---------------------------------------------------------------------------- URLs

own_database_url() { printf 'postgresql+psycopg://postgres@127.0.0.1:%s/%s' "$PGPORT" "$1"; }
# Tests empty their Redis database, so they get one of their own: a demo running beside them
# keeps its queues.
own_redis_url() {
    local db=0
    [ "$PURPOSE" = app ] || db=1
    printf 'redis://127.0.0.1:%s/%s' "$REDIS_PORT" "$db"
}

# Decides, from the URLs already in the environment, which services we must run ourselves.
plan_services() {
    PURPOSE=$1
    local given_db
    case "$PURPOSE" in
        app) given_db=${DATABASE_URL:-} ;;
        test) given_db=${TEST_DATABASE_URL:-} ;;
        *) die "unknown purpose: $PURPOSE (app or test)" ;;
    esac
    NEED_PG=0
    NEED_REDIS=0
    [ -n "$given_db" ] || NEED_PG=1
    [ -n "${REDIS_URL:-}" ] || NEED_REDIS=1
}

export_urls() {
    if [ "$NEED_PG" = 1 ]; then
        export DATABASE_URL=${DATABASE_URL:-$(own_database_url tapline)}
        export TEST_DATABASE_URL=${TEST_DATABASE_URL:-$(own_database_url tapline_test)}
    fi
    [ "$NEED_REDIS" = 0 ] || export REDIS_URL=${REDIS_URL:-$(own_redis_url)}
}

print_urls() {
    local name
    for name in DATABASE_URL TEST_DATABASE_URL REDIS_URL; do
        [ -z "${!name:-}" ] || printf 'export %s=%q\n' "$name" "${!name}"
    done
}

# ---------------------------------------------------------------------------- start / stop

start_planned_services() {
    [ "$NEED_PG" = 0 ] && [ "$NEED_REDIS" = 0 ] && return 0
    require_server_packages
    mkdir -p "$VAR"
    if [ "$NEED_PG" = 1 ]; then
        start_pg
        ensure_databases
    fi
    [ "$NEED_REDIS" = 0 ] || start_redis
}

# Marks tell whether a service was brought up by a `run` session, so that the last session to
# end stops it; a service brought up by `start` stays until `stop`.
auto_mark() { printf '%s/auto-started.%s' "$VAR" "$1"; }

STARTS_ARE_AUTO=0

# Marked before the start, so that an interrupt half-way through still stops the service.
note_starting() {
    [ "$STARTS_ARE_AUTO" = 0 ] || touch "$(auto_mark "$1")"
}

# Daemons started under the lock must not inherit its descriptor, or they would hold it forever:
# hence the 9>&- on pg_ctl and redis-server.
with_lock() {
    mkdir -p "$VAR"
    (
        flock 9
        "$@"
    ) 9>"$VAR/services.lock"
}

start_and_keep() {
    start_planned_services
    [ "$NEED_PG" = 0 ] || rm -f "$(auto_mark pg)"
    [ "$NEED_REDIS" = 0 ] || rm -f "$(auto_mark redis)"
}

cmd_start() {
    plan_services app
    if [ "$NEED_PG" = 0 ] && [ "$NEED_REDIS" = 0 ]; then
        log "DATABASE_URL and REDIS_URL are set: using those servers, starting nothing"
    else
        with_lock start_and_keep
        log "services are up until 'scripts/services.sh stop' (or make stop)"
        cmd_status
    fi
    export_urls
    log "to use them in a shell: eval \"\$(scripts/services.sh env)\""
    print_urls
}

stop_all() {
    stop_pg
    stop_redis
    rm -f "$(auto_mark pg)" "$(auto_mark redis)"
}

cmd_stop() { with_lock stop_all; }

cmd_env() {
    local purpose=app
    case "${1:-}" in
        --for) purpose=${2:?usage: services.sh env [--for app|test]} ;;
        "") ;;
        *) die "usage: services.sh env [--for app|test]" ;;
    esac
    plan_services "$purpose"
    export_urls
    print_urls
}

cmd_clean() {
    with_lock stop_all
    local fallback
    fallback=$(dirname "$(fallback_pg_area)")
    log "removing $VAR"
    rm -rf "$VAR"
    if [ -d "$fallback" ]; then
        log "removing $fallback"
        rm -rf "$fallback"
    fi
}

cmd_status() {
    local area
    if area=$(existing_pg_area); then
        set_pg_paths "$area"
        if pg_is_running; then
            echo "PostgreSQL: running on 127.0.0.1:$PGPORT, data in $PGDATA, log $PG_LOG"
        else
            echo "PostgreSQL: stopped (data in $PGDATA)"
        fi
    else
        echo "PostgreSQL: not initialised (created by: scripts/services.sh start)"
    fi
    if redis_is_running; then
        echo "Redis: running on 127.0.0.1:$REDIS_PORT, pid $(redis_pid), dir $REDIS_DIR"
    else
        echo "Redis: stopped"
    fi
    prune_dead_leases
    echo "Sessions using them (make run/test/bench): $(find "$LEASES" -type f 2>/dev/null | wc -l)"
}

# ---------------------------------------------------------------------------- run

prune_dead_leases() {
    local lease
    for lease in "$LEASES"/*; do
        [ -e "$lease" ] || continue
        kill -0 "$(basename "$lease")" 2>/dev/null || rm -f "$lease"
    done
}

take_lease() {
    mkdir -p "$LEASES"
    touch "$LEASES/$$"
    STARTS_ARE_AUTO=1
    start_planned_services
}

return_lease() {
    rm -f "$LEASES/$$"
    prune_dead_leases
    [ -z "$(ls -A "$LEASES" 2>/dev/null)" ] || return 0
    if [ -f "$(auto_mark pg)" ]; then stop_pg; rm -f "$(auto_mark pg)"; fi
    if [ -f "$(auto_mark redis)" ]; then stop_redis; rm -f "$(auto_mark redis)"; fi
}

cmd_run() {
    local purpose=app
    while [ $# -gt 0 ]; do
        case "$1" in
            --for) purpose=$2; shift 2 ;;
            --) shift; break ;;
            *) die "usage: services.sh run [--for app|test] -- CMD..." ;;
        esac
    done
    [ $# -gt 0 ] || die "usage: services.sh run [--for app|test] -- CMD..."
    plan_services "$purpose"
    if [ "$NEED_PG" = 1 ] || [ "$NEED_REDIS" = 1 ]; then
        trap 'with_lock return_lease' EXIT
        # Signals from the terminal reach CMD too; we only wait for it, then clean up.
        trap 'exit 130' INT
        trap 'exit 143' TERM
        trap 'exit 129' HUP
        with_lock take_lease
    fi
    export_urls
    print_urls
    local status=0
    "$@" || status=$?
    exit "$status"
}

usage() {
    sed -n '2,10s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"
}

main() {
    local command=${1:-}
    [ $# -eq 0 ] || shift
    case "$command" in
        ensure-packages) cmd_ensure_packages "$@" ;;
        start) cmd_start ;;
        stop) cmd_stop ;;
        status) cmd_status ;;
        env) cmd_env "$@" ;;
        clean) cmd_clean ;;
        run) cmd_run "$@" ;;
        -h|--help|help) usage ;;
        *) usage >&2; exit 2 ;;
    esac
}

main "$@"
