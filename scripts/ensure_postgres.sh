#!/usr/bin/env bash
# Print a DATABASE_URL for the PostgreSQL test pass on stdout (its last line); everything else
# goes to stderr.
#
#   1. DATABASE_URL already set            -> print it unchanged.
#   2. a server answers on 127.0.0.1:5432  -> use it.
#   3. a local Debian cluster exists        -> start it (pg_ctlcluster), use it.
#   4. nothing                              -> apt-get install postgresql, start it, use it.
#
# On the server it ensures a role that may CREATE DATABASE (pytest-django creates
# test_autocrm), the database `autocrm`, and that the pg_trgm extension is available.
# Login is tried without a password as postgres, root and the current user; when none of
# those works (Debian's default pg_hba.conf asks for a password on TCP) a local role
# `autocrm` with password `autocrm` is created through the postgres OS account. pg_hba.conf
# is never edited.
set -euo pipefail
shopt -s inherit_errexit

HOST=127.0.0.1
DB_NAME=autocrm
APP_ROLE=autocrm
APP_PASSWORD=autocrm
WAIT_SECONDS=60

log() { printf 'ensure_postgres: %s\n' "$*" >&2; }
die() {
  log "ERROR: $*"
  log "Set DATABASE_URL=postgres://USER:PASSWORD@HOST:PORT/autocrm to use another server."
  exit 1
}

if [[ -n "${DATABASE_URL:-}" ]]; then
  log "using DATABASE_URL from the environment"
  printf '%s\n' "$DATABASE_URL"
  exit 0
fi

# Run a command as root (directly, or through sudo on a developer's machine).
as_root() {
  if [[ $EUID -eq 0 ]]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    die "need root (or sudo) to run: $*"
  fi
}

# Run psql as the postgres OS account over the local socket (peer auth): admin access
# that works on a stock Debian cluster without knowing any password.
admin_psql() {
  local port="$1"
  shift
  if [[ $EUID -eq 0 ]] && command -v runuser >/dev/null 2>&1; then
    runuser -u postgres -- psql -X -A -t -q -v ON_ERROR_STOP=1 -p "$port" -d postgres "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo -u postgres psql -X -A -t -q -v ON_ERROR_STOP=1 -p "$port" -d postgres "$@"
  else
    return 1
  fi
}

apt_install() {
  log "installing with apt-get: $*"
  as_root apt-get update -qq >&2
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    "$@" >&2
}

is_ready() { pg_isready -q -h "$HOST" -p "$1" -t 2 >/dev/null 2>&1; }

wait_ready() {
  local port="$1" i
  for ((i = 0; i < WAIT_SECONDS; i++)); do
    if is_ready "$port"; then
      return 0
    fi
    sleep 1
  done
  die "PostgreSQL on $HOST:$port did not become ready within ${WAIT_SECONDS}s"
}

# psql over TCP as USER[:PASSWORD], never prompting.
user_psql() {
  local port="$1" user="$2" password="$3"
  shift 3
  PGPASSWORD="$password" PGCONNECT_TIMEOUT=5 psql -w -X -A -t -q -v ON_ERROR_STOP=1 \
    -h "$HOST" -p "$port" -U "$user" -d postgres "$@"
}

# Can USER log in and create databases?
usable_role() {
  local port="$1" user="$2" password="$3" ok
  ok="$(user_psql "$port" "$user" "$password" \
    -c "select rolsuper or rolcreatedb from pg_roles where rolname = current_user" \
    2>/dev/null)" || return 1
  [[ "$ok" == "t" ]]
}

start_cluster() {
  local version="$1" name="$2"
  log "starting PostgreSQL cluster $version/$name"
  as_root install -d -o postgres -g postgres -m 2775 /var/run/postgresql
  as_root pg_ctlcluster --skip-systemctl-redirect "$version" "$name" start >&2 ||
    as_root pg_ctlcluster "$version" "$name" start >&2 ||
    die "could not start cluster $version/$name (see /var/log/postgresql/)"
}

# Pick a port: a server already on 5432, else a local cluster (started when down),
# else a freshly installed one.
find_port() {
  if command -v pg_isready >/dev/null 2>&1 && is_ready 5432; then
    echo 5432
    return
  fi
  if ! command -v pg_lsclusters >/dev/null 2>&1 || [[ -z "$(ls /etc/postgresql 2>/dev/null)" ]]; then
    log "no local PostgreSQL found"
    apt_install postgresql postgresql-contrib
  fi
  local line version name port status
  line="$(pg_lsclusters -h 2>/dev/null | awk '$4 ~ /^online/' | head -1)"
  if [[ -z "$line" ]]; then
    line="$(pg_lsclusters -h 2>/dev/null | head -1)"
  fi
  if [[ -z "$line" ]]; then
    version="$(ls /usr/lib/postgresql 2>/dev/null | sort -V | tail -1 || true)"
    [[ -n "$version" ]] || die "PostgreSQL packages are installed but no server binaries found"
    log "creating cluster $version/main"
    as_root pg_createcluster "$version" main >&2
    line="$(pg_lsclusters -h | head -1)"
  fi
  read -r version name port status _ <<<"$line"
  if [[ "$status" != online* ]]; then
    start_cluster "$version" "$name"
  fi
  wait_ready "$port"
  echo "$port"
}

PORT="$(find_port)"
log "PostgreSQL is ready on $HOST:$PORT"

USER_NAME=""
PASSWORD=""
for candidate in postgres root "$(id -un)"; do
  if usable_role "$PORT" "$candidate" ""; then
    USER_NAME="$candidate"
    break
  fi
done

if [[ -z "$USER_NAME" ]]; then
  log "no passwordless role with CREATEDB over TCP; setting up role '$APP_ROLE'"
  admin_psql "$PORT" >/dev/null <<SQL ||
DO \$\$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$APP_ROLE') THEN
    CREATE ROLE $APP_ROLE LOGIN CREATEDB PASSWORD '$APP_PASSWORD';
  ELSE
    ALTER ROLE $APP_ROLE LOGIN CREATEDB PASSWORD '$APP_PASSWORD';
  END IF;
END
\$\$;
SQL
    die "cannot log in to $HOST:$PORT and have no admin access to create a role"
  USER_NAME="$APP_ROLE"
  PASSWORD="$APP_PASSWORD"
  usable_role "$PORT" "$USER_NAME" "$PASSWORD" ||
    die "role '$APP_ROLE' was created but cannot log in over TCP (check pg_hba.conf)"
fi
log "connecting as role '$USER_NAME'"

# pg_trgm must be available (Debian 12 ships it in postgresql-15 / postgresql-contrib).
has_trgm="$(user_psql "$PORT" "$USER_NAME" "$PASSWORD" \
  -c "select count(*) from pg_available_extensions where name = 'pg_trgm'")"
if [[ "$has_trgm" != "1" ]]; then
  log "extension pg_trgm is not available; installing postgresql-contrib"
  apt_install postgresql-contrib
  has_trgm="$(user_psql "$PORT" "$USER_NAME" "$PASSWORD" \
    -c "select count(*) from pg_available_extensions where name = 'pg_trgm'")"
  [[ "$has_trgm" == "1" ]] || die "extension pg_trgm is still not available on $HOST:$PORT"
fi

exists="$(user_psql "$PORT" "$USER_NAME" "$PASSWORD" \
  -c "select count(*) from pg_database where datname = '$DB_NAME'")"
if [[ "$exists" != "1" ]]; then
  log "creating database $DB_NAME"
  user_psql "$PORT" "$USER_NAME" "$PASSWORD" -c "create database $DB_NAME" >&2
fi

if [[ -n "$PASSWORD" ]]; then
  printf 'postgres://%s:%s@%s:%s/%s\n' "$USER_NAME" "$PASSWORD" "$HOST" "$PORT" "$DB_NAME"
else
  printf 'postgres://%s@%s:%s/%s\n' "$USER_NAME" "$HOST" "$PORT" "$DB_NAME"
fi
