#!/usr/bin/env bash
# `make test`: the whole suite, in order.
#   1. lint        ruff check + ruff format --check + lint-imports (the layer contracts)
#                  + mypy (the types of rules, core, services, selectors, policies)
#   2. migrations  makemigrations --check (models changed without a migration fail)
#   3. postgres    pytest -m "not e2e" on PostgreSQL (scripts/ensure_postgres.sh)
#   4. sqlite      pytest -m "not e2e and not postgres_only" on the embedded SQLite
#   5. browser     pytest -m e2e: headless Chromium against live_server, on SQLite
# Every step runs even when an earlier one failed; the last line is "N passed, M failed"
# (pytest tests summed over all passes, plus one failure per failed non-pytest step) and the
# exit status is non-zero when anything failed.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT="$PWD"

# Use the project venv when called directly rather than through make.
if [[ -z "${VIRTUAL_ENV:-}" && -x "$ROOT/.venv/bin/python" ]]; then
  export VIRTUAL_ENV="$ROOT/.venv"
  export PATH="$VIRTUAL_ENV/bin:$PATH"
fi

# The test tools come with requirements/dev.txt, which `make test` installs; a venv made by
# `make run` has requirements/base.txt alone.
if ! command -v ruff >/dev/null 2>&1 || ! python -c 'import pytest_django, playwright' 2>/dev/null
then
  echo "scripts/test.sh: no test tools here: run \`make test\` (installs requirements/dev.txt)" >&2
  exit 1
fi

RESULTS="$ROOT/var/test-results"
rm -rf "$RESULTS"
mkdir -p "$RESULTS"

export PYTHONDONTWRITEBYTECODE=1
export FAST_PASSWORD_HASHER="${FAST_PASSWORD_HASHER:-1}"
PYTEST=(python -m pytest -p no:cacheprovider -q)

STEP_FAILURES=0  # failed steps that are not pytest runs (lint, migrations, setup)
STATUS=()        # one line per step for the recap
SECONDS=0

header() {
  printf '\n==================== %s ====================\n' "$*"
}

# step NAME CMD...: run a non-pytest check and record its outcome.
step() {
  local name="$1" rc=0
  shift
  "$@" || rc=$?
  if [[ $rc -eq 0 ]]; then
    STATUS+=("$name: ok")
  else
    STATUS+=("$name: FAILED (exit $rc)")
    STEP_FAILURES=$((STEP_FAILURES + 1))
  fi
  return 0
}

# pytest_pass NAME ALLOW_EMPTY CMD...: run a pytest command that writes the junit report
# var/test-results/NAME.xml. Exit 5 (no tests collected) is accepted only with ALLOW_EMPTY=1.
pytest_pass() {
  local name="$1" allow_empty="$2" rc=0
  shift 2
  "$@" || rc=$?
  if [[ $rc -eq 0 ]]; then
    STATUS+=("$name: ok")
  elif [[ $rc -eq 5 && $allow_empty -eq 1 ]]; then
    STATUS+=("$name: ok (no tests collected)")
    rm -f "$RESULTS/$name.xml"
  else
    STATUS+=("$name: FAILED (pytest exit $rc)")
    # Make sure a run that failed without reporting a failing test still counts as failed.
    echo "$rc" >"$RESULTS/$name.rc"
  fi
  return 0
}

header "1/5 lint: ruff check, ruff format --check, lint-imports, mypy"
step lint bash -c 'rc=0; ruff check . || rc=1; ruff format --check . || rc=1; exit $rc'
step layers lint-imports --no-cache
step types mypy

header "2/5 migrations: makemigrations --check --dry-run"
step migrations env -u DATABASE_URL python manage.py makemigrations --check --dry-run

header "3/5 PostgreSQL: pytest -m 'not e2e'"
PG_URL=""
if PG_URL="$(bash scripts/ensure_postgres.sh | tail -n 1)" && [[ -n "$PG_URL" ]]; then
  echo "DATABASE_URL=${PG_URL//:*@/:***@}"
  pytest_pass postgres 0 env DATABASE_URL="$PG_URL" \
    "${PYTEST[@]}" --junitxml="$RESULTS/postgres.xml" -m "not e2e"
else
  echo "could not get a PostgreSQL server (scripts/ensure_postgres.sh failed)" >&2
  STATUS+=("postgres: FAILED (no PostgreSQL server)")
  STEP_FAILURES=$((STEP_FAILURES + 1))
fi

header "4/5 SQLite: pytest -m 'not e2e and not postgres_only'"
pytest_pass sqlite 0 env -u DATABASE_URL \
  "${PYTEST[@]}" --junitxml="$RESULTS/sqlite.xml" -m "not e2e and not postgres_only"

header "5/5 browser: pytest -m e2e (headless Chromium, SQLite)"
if bash scripts/ensure_browser.sh; then
  # Playwright's sync API runs an event loop in the test thread; Django's ORM would refuse.
  pytest_pass e2e 1 env -u DATABASE_URL DJANGO_ALLOW_ASYNC_UNSAFE=true \
    "${PYTEST[@]}" --junitxml="$RESULTS/e2e.xml" -m e2e
else
  STATUS+=("e2e: FAILED (could not install chromium / fonts-noto-cjk)")
  STEP_FAILURES=$((STEP_FAILURES + 1))
fi

header "summary ($((SECONDS / 60))m $((SECONDS % 60))s)"
printf '  %s\n' "${STATUS[@]}"
python - "$RESULTS" "$STEP_FAILURES" <<'PY'
import pathlib
import sys
import xml.etree.ElementTree as ET

results, step_failures = pathlib.Path(sys.argv[1]), int(sys.argv[2])
passed = failed = skipped = 0
for name in ("postgres", "sqlite", "e2e"):
    xml, rc = results / f"{name}.xml", results / f"{name}.rc"
    bad = 0
    if xml.exists():
        root = ET.parse(xml).getroot()
        for suite in [root] if root.tag == "testsuite" else root.iter("testsuite"):
            tests = int(suite.get("tests", 0))
            bad_here = int(suite.get("failures", 0)) + int(suite.get("errors", 0))
            skip_here = int(suite.get("skipped", 0))
            passed += tests - bad_here - skip_here
            skipped += skip_here
            bad += bad_here
    if rc.exists() and bad == 0:
        bad = 1  # pytest failed (internal error, usage error, nothing collected...)
    failed += bad
failed += step_failures
print(f"  (skipped: {skipped})")
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
PY
