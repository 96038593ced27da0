#!/usr/bin/env bash
# `make run`: migrate the embedded SQLite database, load the demo dealership once, collect
# static files and serve on http://127.0.0.1:${PORT:-8000}. Expects the venv to be active
# (the Makefile installs requirements/base.txt into .venv and puts .venv/bin first on PATH;
# run directly, it uses .venv when present).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [[ -z "${VIRTUAL_ENV:-}" && -x .venv/bin/python ]]; then
  export VIRTUAL_ENV="$PWD/.venv"
  export PATH="$VIRTUAL_ENV/bin:$PATH"
fi

PORT="${PORT:-8000}"
DEMO_CUSTOMERS="${DEMO_CUSTOMERS:-5000}"

# `make run` is the embedded setup: SQLite under var/ unless DATABASE_URL says otherwise.
if [[ -n "${DATABASE_URL:-}" ]]; then
  echo "Using DATABASE_URL from the environment." >&2
fi

python manage.py migrate --noinput
python manage.py demo --customers "$DEMO_CUSTOMERS" --seed 42 --if-empty
python manage.py collectstatic --noinput -v 0

# Background work (checking an uploaded file, applying an import, duplicate detection) runs
# in a huey consumer beside the web server, not inside a request: queued in var/huey.sqlite3
# (or Redis with HUEY_REDIS_URL). HUEY_IMMEDIATE=1 runs it inline instead, as the tests do.
export HUEY_IMMEDIATE="${HUEY_IMMEDIATE:-0}"
consumer=""
if [[ "$HUEY_IMMEDIATE" != "1" ]]; then
  mkdir -p var
  python manage.py run_huey --workers 2 --flush-locks >> var/huey.log 2>&1 &
  consumer=$!
  trap '[[ -n "$consumer" ]] && kill "$consumer" 2>/dev/null; wait' EXIT
  trap 'exit 130' INT TERM
fi

echo
echo "autocrm is running at http://127.0.0.1:${PORT}  (Ctrl+C to stop)"
echo
gunicorn autocrm.wsgi:application \
  --bind "127.0.0.1:${PORT}" \
  --workers 2 \
  --threads 4 \
  --access-logfile - \
  --error-logfile -
