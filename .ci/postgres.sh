#!/usr/bin/env bash
# A throwaway PostgreSQL server for the mirror's PostgreSQL tests.
#
#   source .ci/postgres.sh          # starts it, exports INTERCOM_TEST_POSTGRES, stops it on exit
#   .ci/postgres.sh CMD ARGS...     # runs CMD with the server up, then stops it
#
# Installs PostgreSQL with apt-get when no server binaries are found, makes a cluster in a
# fresh directory under target/postgres/ (or /tmp when the postgres user cannot reach the
# checkout), starts it on 127.0.0.1 on a free port (password
# authentication, fsync off: the data is disposable), creates the role `intercom` and the
# database `intercom_test`, and exports
#   INTERCOM_TEST_POSTGRES=postgres://intercom:PASSWORD@127.0.0.1:PORT/intercom_test
# The server is stopped and its directory removed when the calling shell exits. PostgreSQL
# refuses to run as root: as root the cluster belongs to the `postgres` user (created by the
# Debian package) and runs through `runuser`.

pg_ci_find_bin() {
  local dir
  for dir in "${PG_BIN:-}" $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -n "$dir" ] && [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then
      echo "$dir"
      return 0
    fi
  done
  if command -v initdb >/dev/null && command -v pg_ctl >/dev/null; then
    dirname "$(command -v initdb)"
    return 0
  fi
  return 1
}

pg_ci_start() {
  local root bin
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  if ! bin="$(pg_ci_find_bin)"; then
    echo "--- installing PostgreSQL (apt-get)"
    local sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    bin="$(pg_ci_find_bin)" || { echo "postgres.sh: PostgreSQL installed but initdb not found" >&2; return 1; }
  fi

  mkdir -p "$root/target/postgres"
  PG_CI_DIR="$(mktemp -d "$root/target/postgres/cluster.XXXXXX")"
  local run=()
  if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
    chown postgres "$PG_CI_DIR"
    run=(runuser -u postgres --)
    # A checkout the postgres user cannot reach (under /root, say): the cluster goes to /tmp.
    if ! "${run[@]}" test -w "$PG_CI_DIR"; then
      rmdir "$PG_CI_DIR"
      PG_CI_DIR="$(mktemp -d /tmp/intercom-postgres.XXXXXX)"
      chown postgres "$PG_CI_DIR"
    fi
  fi
  PG_CI_RUN=("${run[@]}")
  PG_CI_BIN="$bin"

  local password port
  password="$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
  port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
  printf '%s\n' "$password" >"$PG_CI_DIR/pwfile"
  [ "$(id -u)" -eq 0 ] && chown postgres "$PG_CI_DIR/pwfile"

  "${run[@]}" "$bin/initdb" -D "$PG_CI_DIR/data" -U intercom --pwfile="$PG_CI_DIR/pwfile" \
    --auth-host=scram-sha-256 --auth-local=trust --encoding=UTF8 --locale=C.UTF-8 >"$PG_CI_DIR/initdb.log" 2>&1 \
    || { cat "$PG_CI_DIR/initdb.log" >&2; return 1; }
  rm -f "$PG_CI_DIR/pwfile"
  "${run[@]}" "$bin/pg_ctl" -D "$PG_CI_DIR/data" -l "$PG_CI_DIR/data/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $PG_CI_DIR/data -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
    start >/dev/null || { cat "$PG_CI_DIR/data/server.log" >&2; return 1; }
  trap pg_ci_stop EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  "${run[@]}" "$bin/psql" -h "$PG_CI_DIR/data" -p "$port" -U intercom -d postgres -q -v ON_ERROR_STOP=1 \
    -c "CREATE DATABASE intercom_test" >/dev/null
  export INTERCOM_TEST_POSTGRES="postgres://intercom:$password@127.0.0.1:$port/intercom_test"
  echo "--- PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port (cluster in $PG_CI_DIR)"
}

pg_ci_stop() {
  if [ -n "${PG_CI_DIR:-}" ] && [ -d "$PG_CI_DIR/data" ]; then
    "${PG_CI_RUN[@]}" "$PG_CI_BIN/pg_ctl" -D "$PG_CI_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
  fi
  [ -n "${PG_CI_DIR:-}" ] && rm -rf "$PG_CI_DIR"
  PG_CI_DIR=""
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -euo pipefail
  pg_ci_start
  if [ $# -gt 0 ]; then
    "$@"
  fi
else
  pg_ci_start
fi
