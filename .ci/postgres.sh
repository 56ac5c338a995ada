#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests (issue #14).
#
#   .ci/postgres.sh start   initdb in a new temporary directory, start the server on a free
#                           loopback port, create the database `upkeep_test`, and print exactly
#                           one line on stdout:
#                             UPKEEP_TEST_POSTGRES_URL=postgres://upkeep@127.0.0.1:PORT/upkeep_test
#   .ci/postgres.sh stop    stop it and remove the directory (safe to run twice).
#
# PostgreSQL's programs are taken from PATH or /usr/lib/postgresql/*/bin (newest first); when
# missing, Debian's `postgresql` package is installed. Run as root, the server runs as the system
# user `upkeep-pg` (created when missing): PostgreSQL refuses to run as root.
# The cluster trusts every local connection (no password) and listens on 127.0.0.1 only, with its
# unix socket inside the temporary directory. Durability is off (fsync, synchronous_commit,
# full_page_writes): a test database is thrown away. The C locale makes text order byte order
# and lower() fold ASCII only, as SQLite's BINARY and NOCASE do.
# Everything but the URL line goes to stderr. The state file (the directory, the port) lives in
# target/ of this checkout, or at $UPKEEP_PG_STATE.
set -euo pipefail

cd "$(dirname "$0")/.."
STATE="${UPKEEP_PG_STATE:-$PWD/target/ci-postgres.state}"
PG_USER=upkeep-pg       # the system user the server runs as when we are root
DB_USER=upkeep          # the cluster's superuser
DB_NAME=upkeep_test
START_TIMEOUT=30        # seconds pg_ctl waits for the server to accept connections
PORT_ATTEMPTS=5         # a port picked free may be taken before the server binds it

say() { echo "postgres.sh: $*" >&2; }
die() { say "$*"; exit 1; }

# Runs a PostgreSQL program as the cluster's owner.
as_owner() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u "$PG_USER" -- "$@"
  else
    "$@"
  fi
}

# Prints the directory holding initdb, pg_ctl and postgres, or nothing.
find_bindir() {
  local p
  p="$(command -v pg_ctl 2>/dev/null || true)"
  # A symbolic link on PATH (to /usr/lib/postgresql/N/bin) names the directory it points into.
  if [ -n "$p" ]; then p="$(readlink -f "$p")"; fi
  if [ -n "$p" ] && [ -x "$(dirname "$p")/initdb" ] && [ -x "$(dirname "$p")/postgres" ]; then
    dirname "$p"
    return
  fi
  # Debian keeps them out of PATH, one directory per major version; take the newest.
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && [ -x "$d/postgres" ]; then
      echo "$d"
      return
    fi
  done
}

install_postgres() {
  local sudo=""
  if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null || die "PostgreSQL is not installed, and installing it needs root or sudo"
    sudo="sudo"
  fi
  say "PostgreSQL not found: installing Debian's postgresql package"
  export DEBIAN_FRONTEND=noninteractive
  if ! $sudo apt-get install -y -qq --no-install-recommends postgresql >&2; then
    $sudo apt-get update -qq >&2
    $sudo apt-get install -y -qq --no-install-recommends postgresql >&2
  fi
}

# Prints a TCP port on 127.0.0.1 that was free a moment ago.
free_port() {
  python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()'
}

# Reads the state file into DIR, BINDIR and PORT; fails when there is none.
read_state() {
  [ -f "$STATE" ] || return 1
  DIR="$(sed -n 's/^dir=//p' "$STATE")"
  BINDIR="$(sed -n 's/^bindir=//p' "$STATE")"
  PORT="$(sed -n 's/^port=//p' "$STATE")"
  [ -n "$DIR" ] && [ -n "$BINDIR" ] && [ -n "$PORT" ]
}

url() { echo "UPKEEP_TEST_POSTGRES_URL=postgres://$DB_USER@127.0.0.1:$1/$DB_NAME"; }

start() {
  if read_state && [ -d "$DIR/data" ] && as_owner "$BINDIR/pg_ctl" -D "$DIR/data" status >/dev/null 2>&1; then
    say "already running in $DIR"
    url "$PORT"
    return
  fi
  rm -f "$STATE"

  local bindir
  bindir="$(find_bindir)"
  if [ -z "$bindir" ]; then
    install_postgres
    bindir="$(find_bindir)"
    [ -n "$bindir" ] || die "installed postgresql, but found no initdb/pg_ctl/postgres"
  fi
  say "using $bindir ($("$bindir/postgres" --version))"

  if [ "$(id -u)" = 0 ] && ! id -u "$PG_USER" >/dev/null 2>&1; then
    say "creating the system user $PG_USER"
    useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$PG_USER" \
      || die "cannot create the system user $PG_USER"
  fi

  local dir
  dir="$(mktemp -d "${TMPDIR:-/tmp}/upkeep-pg.XXXXXX")"
  # From here on a failure removes the directory (and stops a server that did start).
  trap 'cleanup_failed "$dir" "$bindir"' EXIT
  mkdir "$dir/sock"
  if [ "$(id -u)" = 0 ]; then chown -R "$PG_USER" "$dir"; fi

  as_owner "$bindir/initdb" -D "$dir/data" --auth=trust -U "$DB_USER" --encoding=UTF8 --locale=C \
    --no-sync >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; die "initdb failed"; }
  cat >>"$dir/data/postgresql.conf" <<EOF

# .ci/postgres.sh: a throwaway test cluster.
listen_addresses = '127.0.0.1'
unix_socket_directories = '$dir/sock'
fsync = off
synchronous_commit = off
full_page_writes = off
EOF

  local port attempt started=""
  for attempt in $(seq 1 "$PORT_ATTEMPTS"); do
    port="$(free_port)"
    if as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t "$START_TIMEOUT" \
        -o "-p $port" start >/dev/null 2>&1; then
      started=1
      break
    fi
    say "the server did not start on port $port (attempt $attempt of $PORT_ATTEMPTS)"
  done
  if [ -z "$started" ]; then
    tail -n 20 "$dir/server.log" >&2 || true
    die "the server did not start in $PORT_ATTEMPTS attempts"
  fi

  mkdir -p "$(dirname "$STATE")"
  printf 'dir=%s\nbindir=%s\nport=%s\n' "$dir" "$bindir" "$port" >"$STATE.tmp"
  mv "$STATE.tmp" "$STATE"

  local psql="$bindir/psql"
  [ -x "$psql" ] || psql="$(command -v psql)" || die "found no psql"
  "$psql" -X -q -h 127.0.0.1 -p "$port" -U "$DB_USER" -d postgres -v ON_ERROR_STOP=1 \
    -c "CREATE DATABASE $DB_NAME TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'" >&2 \
    || die "cannot create the database $DB_NAME"
  trap - EXIT
  say "running in $dir (log: $dir/server.log); stop with .ci/postgres.sh stop"
  url "$port"
}

# On a failed start: stop the server if it runs, remove the directory and the state file.
cleanup_failed() {
  local status=$? dir="$1" bindir="$2"
  if [ "$status" != 0 ]; then
    as_owner "$bindir/pg_ctl" -D "$dir/data" stop -m immediate >/dev/null 2>&1 || true
    rm -rf "$dir"
    rm -f "$STATE" "$STATE.tmp"
  fi
}

stop() {
  if ! read_state; then
    say "no cluster recorded in $STATE: nothing to stop"
    rm -f "$STATE"
    return
  fi
  if [ -d "$DIR/data" ]; then
    if as_owner "$BINDIR/pg_ctl" -D "$DIR/data" status >/dev/null 2>&1; then
      as_owner "$BINDIR/pg_ctl" -D "$DIR/data" -w -t "$START_TIMEOUT" stop -m fast >/dev/null \
        || die "pg_ctl stop failed; the cluster stays in $DIR"
    fi
  fi
  # Only ever a directory this script made.
  case "$DIR" in
    */upkeep-pg.*) rm -rf "$DIR" ;;
    *) say "not removing $DIR: not a directory made by this script" ;;
  esac
  rm -f "$STATE"
  say "stopped"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: .ci/postgres.sh start|stop" >&2; exit 2 ;;
esac
