#!/usr/bin/env bash
# Creates .venv with Python 3.11 and installs requirements.lock into it, again only when the
# lock file's content changed since the last successful install.
#   venv.sh                  create or update .venv
#   venv.sh --check-python   exit 0 if a Python 3.11 able to create a venv is installed
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VENV="$ROOT/.venv"
LOCK="$ROOT/requirements.lock"
# A content hash, not a timestamp: a fresh clone or a branch switch touches mtimes only.
STAMP="$VENV/.requirements.lock.sha256"

log() { printf '==> %s\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

is_python311_with_venv() {
    "$1" -c 'import sys, venv, ensurepip; sys.exit(sys.version_info[:2] != (3, 11))' \
        >/dev/null 2>&1
}

pick_python() {
    local candidate
    for candidate in python3.11 python3; do
        if command -v "$candidate" >/dev/null && is_python311_with_venv "$candidate"; then
            command -v "$candidate"
            return 0
        fi
    done
    return 1
}

venv_is_usable() {
    [ -x "$VENV/bin/python" ] && "$VENV/bin/python" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null
}

create_venv() {
    local python
    python=$(pick_python) || die "Python 3.11 with venv support not found
  (on Debian 12 as root: apt-get install -y python3.11 python3.11-venv)"
    log "creating .venv with $python ($("$python" --version))"
    rm -rf "$VENV"
    "$python" -m venv "$VENV"
}

lock_hash() { sha256sum "$LOCK" | cut -d' ' -f1; }

install_lock_if_changed() {
    local wanted
    wanted=$(lock_hash)
    if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$wanted" ]; then
        return 0
    fi
    log "installing requirements.lock into .venv"
    "$VENV/bin/python" -m pip install --quiet -r "$LOCK"
    printf '%s\n' "$wanted" >"$STAMP"
}

case "${1:-}" in
    --check-python) pick_python >/dev/null ;;
    "") venv_is_usable || create_venv; install_lock_if_changed ;;
    *) die "usage: venv.sh [--check-python]" ;;
esac
