#!/usr/bin/env bash
# The body of `make bench`: runs each named benchmark as `python -m bench.<name>`, all of them
# even when one fails, and fails if any did. Runs inside `services.sh run`; each benchmark makes
# its own database next to DATABASE_URL.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

failed=()
for name in "$@"; do
    printf '\n==> python -m bench.%s\n' "$name"
    .venv/bin/python -m "bench.$name" || failed+=("$name")
done
if [ ${#failed[@]} -gt 0 ]; then
    echo "error: failed benchmarks: ${failed[*]}" >&2
    exit 1
fi
