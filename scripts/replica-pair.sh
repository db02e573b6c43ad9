#!/usr/bin/env bash
# A throwaway primary and replica on the local host, to try DATABASE_REPLICA_URLS (README, "Read
# replicas") and for tests/db/replicas.test.ts: MariaDB when its server (mariadbd) is installed, else
# MySQL 8.4 (mysqld). The MySQL branch follows the MySQL 8.4 manual and has not been run here (these
# machines have MariaDB only).
#
#   scripts/replica-pair.sh start   start both, wait until replication runs, print the two URLs:
#                                     DATABASE_URL=mysql://root@127.0.0.1:3316/lienthong
#                                     DATABASE_REPLICA_URLS=mysql://lienthong_reader@127.0.0.1:3317/lienthong
#                                   (so `export $(scripts/replica-pair.sh start)` sets them)
#   scripts/replica-pair.sh stop    shut both down and delete their data
#
# Environment: PRIMARY_PORT (3316), REPLICA_PORT (3317), DATABASE (lienthong): the database the
# URLs name (not created: the gateway does that on the primary), and REPLICA_PAIR_DIR (default
# ${TMPDIR:-/tmp}/lienthong-replica-pair): where the data, sockets and logs live; stop needs the same.
#
# The replica runs read_only and the gateway reads it as lienthong_reader, who may only SELECT the
# database: a write sent to the replica by mistake fails instead of silently diverging.
set -euo pipefail

PRIMARY_PORT=${PRIMARY_PORT:-3316}
REPLICA_PORT=${REPLICA_PORT:-3317}
DATABASE=${DATABASE:-lienthong}
DIR=${REPLICA_PAIR_DIR:-${TMPDIR:-/tmp}/lienthong-replica-pair}
MARKER=.lienthong-replica-pair
READER=lienthong_reader
REPL_USER=lienthong_repl
REPL_PASSWORD=lienthong_repl
STARTUP_SECONDS=30

say() { echo "replica-pair: $*" >&2; }
fail() { say "$*"; exit 1; }

find_bin() {
  local name
  for name in "$@"; do
    if command -v "$name" >/dev/null 2>&1; then command -v "$name"; return; fi
    if [ -x "/usr/sbin/$name" ]; then echo "/usr/sbin/$name"; return; fi
  done
  fail "cannot find $1 on PATH or in /usr/sbin (install the MariaDB or MySQL server and client)"
}

# Debian's MariaDB packages also install a `mysqld`: MariaDB's own name decides.
if command -v mariadbd >/dev/null 2>&1 || [ -x /usr/sbin/mariadbd ]; then FLAVOUR=mariadb; else FLAVOUR=mysql; fi

# Fast and unsafe on purpose: the data is thrown away. --no-defaults keeps the local my.cnf out.
SERVER_OPTIONS=(--innodb-buffer-pool-size=64M --innodb-flush-log-at-trx-commit=0 --innodb-doublewrite=0 --innodb-flush-method=nosync)
if [ "$FLAVOUR" = mariadb ]; then
  SERVER_OPTIONS+=(--innodb-log-file-size=16M)
  PRIMARY_OPTIONS=(--log-bin=binlog --binlog-format=ROW)
  REPLICA_OPTIONS=(--relay-log=relay --read-only=1)
else
  # MySQL replicates by GTID only with GTIDs on at both ends (8.4 manual, "Replication with Global Transaction Identifiers").
  SERVER_OPTIONS+=(--innodb-redo-log-capacity=33554432 --gtid-mode=ON --enforce-gtid-consistency=ON --mysqlx=OFF)
  PRIMARY_OPTIONS=(--log-bin=binlog --binlog-format=ROW)
  REPLICA_OPTIONS=(--relay-log=relay --read-only=1 --skip-replica-start)
fi
# mariadbd and mysqld refuse to run as root unless told to.
USER_OPTION=()
if [ "$(id -u)" = 0 ]; then USER_OPTION=(--user=root); fi

sql() { # sql primary|replica STATEMENTS: runs them as root over the server's socket
  "$CLIENT" --no-defaults --protocol=socket --socket="$DIR/$1.sock" -uroot -N -B -e "$2"
}

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

running() { # running primary|replica: its server (started by this script) is alive
  [ -f "$DIR/$1.pid" ] && kill -0 "$(cat "$DIR/$1.pid")" 2>/dev/null
}

start_server() { # start_server primary|replica PORT MORE_OPTIONS...
  local name=$1 port=$2
  shift 2
  "$SERVER" --no-defaults "${USER_OPTION[@]}" --datadir="$DIR/$name" --socket="$DIR/$name.sock" --pid-file="$DIR/$name.pid" \
    --port="$port" --bind-address=127.0.0.1 --skip-name-resolve --log-error="$DIR/$name.err" "${SERVER_OPTIONS[@]}" "$@" \
    </dev/null >>"$DIR/$name.out" 2>&1 &
  local pid=$! waited=0
  until "$ADMIN" --no-defaults --protocol=socket --socket="$DIR/$name.sock" -uroot ping >/dev/null 2>&1; do
    if ! kill -0 "$pid" 2>/dev/null; then tail -n 20 "$DIR/$name.err" >&2 || true; fail "the $name ($FLAVOUR, port $port) stopped while starting; its log is above"; fi
    if [ "$waited" -ge $((STARTUP_SECONDS * 10)) ]; then fail "the $name (port $port) did not answer within ${STARTUP_SECONDS}s; see $DIR/$name.err"; fi
    sleep 0.1
    waited=$((waited + 1))
  done
  # The pid file is written a moment after the socket opens; stop relies on it.
  echo "$pid" >"$DIR/$name.pid"
}

stop_server() { # stop_server primary|replica
  local name=$1
  running "$name" || return 0
  local pid
  pid=$(cat "$DIR/$name.pid")
  "$ADMIN" --no-defaults --protocol=socket --socket="$DIR/$name.sock" -uroot shutdown >/dev/null 2>&1 || kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  say "the $name (pid $pid) did not shut down within 30s; killing it"
  kill -9 "$pid" 2>/dev/null || true
}

abandon_start() { # on any failure of start: leave nothing running or on disk
  local status=$?
  if [ "$status" != 0 ]; then
    stop_server replica
    stop_server primary
    rm -rf "$DIR"
  fi
}

start() {
  [[ "$DATABASE" =~ ^[A-Za-z0-9_]{1,64}$ ]] || fail "DATABASE must be letters, digits and _, got \"$DATABASE\""
  if [ -e "$DIR" ]; then
    [ -f "$DIR/$MARKER" ] || fail "$DIR exists and was not made by this script; set REPLICA_PAIR_DIR to another place"
    if running primary || running replica; then fail "a pair is already running in $DIR; run \`$0 stop\` first"; fi
    rm -rf "$DIR"
  fi
  local port
  for port in "$PRIMARY_PORT" "$REPLICA_PORT"; do
    if port_busy "$port"; then fail "port $port is in use; choose others with PRIMARY_PORT and REPLICA_PORT"; fi
  done
  mkdir -p "$DIR"
  touch "$DIR/$MARKER"
  trap abandon_start EXIT

  say "creating the data directories in $DIR"
  if [ "$FLAVOUR" = mariadb ]; then
    "$INSTALL_DB" --no-defaults "${USER_OPTION[@]}" --datadir="$DIR/primary" --auth-root-authentication-method=normal --skip-test-db \
      "${SERVER_OPTIONS[@]}" >"$DIR/install.log" 2>&1 || { tail -n 20 "$DIR/install.log" >&2; fail "mariadb-install-db failed; its log is above"; }
  else
    # root@localhost with no password (8.4 manual, "Initializing the Data Directory").
    "$SERVER" --no-defaults "${USER_OPTION[@]}" --initialize-insecure --datadir="$DIR/primary" \
      >"$DIR/install.log" 2>&1 || { tail -n 20 "$DIR/install.log" >&2; fail "mysqld --initialize-insecure failed; its log is above"; }
    # Each server needs its own server UUID, which --initialize writes into auto.cnf.
  fi
  # Both start from the same system tables, so everything the primary logs from now on replays cleanly.
  cp -a "$DIR/primary" "$DIR/replica"
  rm -f "$DIR/replica/auto.cnf"

  start_server primary "$PRIMARY_PORT" --server-id=1 "${PRIMARY_OPTIONS[@]}"
  start_server replica "$REPLICA_PORT" --server-id=2 "${REPLICA_OPTIONS[@]}"
  say "primary on port $PRIMARY_PORT, replica on port $REPLICA_PORT (logs: $DIR/*.err)"

  # Run on the primary and replicated, so the replica gets the same users.
  sql primary "
    CREATE USER IF NOT EXISTS 'root'@'127.0.0.1';
    GRANT ALL PRIVILEGES ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;
    CREATE USER '$REPL_USER'@'127.0.0.1' IDENTIFIED BY '$REPL_PASSWORD';
    GRANT REPLICATION SLAVE ON *.* TO '$REPL_USER'@'127.0.0.1';
    CREATE USER '$READER'@'127.0.0.1';
    GRANT SELECT ON \`$DATABASE\`.* TO '$READER'@'127.0.0.1';"
  local position reached
  if [ "$FLAVOUR" = mariadb ]; then
    # An empty gtid_slave_pos: replicate the primary's binlog from its start.
    sql replica "
      CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=$PRIMARY_PORT, MASTER_USER='$REPL_USER',
        MASTER_PASSWORD='$REPL_PASSWORD', MASTER_USE_GTID=slave_pos, MASTER_CONNECT_RETRY=1;
      START SLAVE;"
    position=$(sql primary "SELECT @@gtid_binlog_pos")
    reached=$(sql replica "SELECT MASTER_GTID_WAIT('$position', $STARTUP_SECONDS)")
  else
    # 8.4 manual, "CHANGE REPLICATION SOURCE TO Statement": GTID auto-positioning; the replication user
    # has a caching_sha2_password password and there is no TLS here, so the replica asks for the key.
    sql replica "
      CHANGE REPLICATION SOURCE TO SOURCE_HOST='127.0.0.1', SOURCE_PORT=$PRIMARY_PORT, SOURCE_USER='$REPL_USER',
        SOURCE_PASSWORD='$REPL_PASSWORD', SOURCE_AUTO_POSITION=1, GET_SOURCE_PUBLIC_KEY=1, SOURCE_CONNECT_RETRY=1;
      START REPLICA;"
    position=$(sql primary "SELECT @@GLOBAL.gtid_executed" | tr -d '\n')
    # "Functions Used with Global Transaction Identifiers": 0 once the set is applied, 1 on timeout.
    reached=$(sql replica "SELECT WAIT_FOR_EXECUTED_GTID_SET('$position', $STARTUP_SECONDS)")
  fi
  if [ "$reached" != 0 ]; then
    if [ "$FLAVOUR" = mariadb ]; then sql replica "SHOW SLAVE STATUS\G" >&2 || true; else sql replica "SHOW REPLICA STATUS\G" >&2 || true; fi
    fail "the replica did not catch up with the primary within ${STARTUP_SECONDS}s (status above)"
  fi
  trap - EXIT
  say "replication runs; stop both with: $0 stop"

  echo "DATABASE_URL=mysql://root@127.0.0.1:$PRIMARY_PORT/$DATABASE"
  echo "DATABASE_REPLICA_URLS=mysql://$READER@127.0.0.1:$REPLICA_PORT/$DATABASE"
}

stop() {
  if [ ! -e "$DIR" ]; then say "nothing to stop in $DIR"; return; fi
  [ -f "$DIR/$MARKER" ] || fail "$DIR was not made by this script; not touching it"
  stop_server replica &
  stop_server primary &
  wait
  rm -rf "$DIR"
  say "stopped; $DIR deleted"
}

case "${1:-}" in
  start)
    if [ "$FLAVOUR" = mariadb ]; then
      SERVER=$(find_bin mariadbd)
      INSTALL_DB=$(find_bin mariadb-install-db)
      CLIENT=$(find_bin mariadb)
      ADMIN=$(find_bin mariadb-admin)
    else
      SERVER=$(find_bin mysqld)
      CLIENT=$(find_bin mysql)
      ADMIN=$(find_bin mysqladmin)
    fi
    start
    ;;
  stop)
    if [ "$FLAVOUR" = mariadb ]; then ADMIN=$(find_bin mariadb-admin); else ADMIN=$(find_bin mysqladmin); fi
    stop
    ;;
  *)
    echo "usage: $0 start|stop   (see the top of this file)" >&2
    exit 2
    ;;
esac
