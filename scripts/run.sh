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

echo
echo "autocrm is running at http://127.0.0.1:${PORT}  (Ctrl+C to stop)"
echo
exec gunicorn autocrm.wsgi:application \
  --bind "127.0.0.1:${PORT}" \
  --workers 2 \
  --threads 4 \
  --access-logfile - \
  --error-logfile -
