#!/usr/bin/env bash
# The body of `make test`; arguments go to pytest. Runs inside `services.sh run --for test`.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
export TAPLINE_MODE=test

status=0
.venv/bin/pytest "$@" || status=$?
if [ "$status" -eq 5 ]; then
    # A run that finds nothing has not passed: a wrong path or -k would otherwise look green.
    echo "error: pytest collected no tests (exit code 5)" >&2
fi
exit "$status"
