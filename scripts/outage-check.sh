#!/usr/bin/env bash
# MySQL outage check against the real thing: starts a gateway on a throwaway database, stops the
# local MariaDB under it, checks that GraphQL says 503 SERVICE_UNAVAILABLE, /readyz 503 and the
# process stays up, starts MariaDB again and checks the gateway serves again without a restart,
# then stops the gateway (SIGTERM, exit 0) and drops the database. Prints PASS/FAIL lines; exits 1
# on any failure.
#
# It takes the local MariaDB down for a few seconds: do not run it while tests use that server.
# MariaDB is started again on every exit path (trap), including Ctrl-C.
#
# Environment: MYSQL_HOST (127.0.0.1), MYSQL_PORT (3306), MYSQL_USER (root, no password),
# MARIADBD (the server binary start-stop-daemon starts; default: mariadbd on PATH, else Debian's),
# MARIADBD_ARGS (arguments for it, e.g. --defaults-file=… to try the check on a private server).
set -uo pipefail
cd "$(dirname "$0")/.."

MYSQL_HOST=${MYSQL_HOST:-127.0.0.1}
MYSQL_PORT=${MYSQL_PORT:-3306}
MYSQL_USER=${MYSQL_USER:-root}
MARIADBD=${MARIADBD:-$(command -v mariadbd || echo /usr/sbin/mariadbd)}
MARIADBD_ARGS=${MARIADBD_ARGS:-}
DB="lt_outage_check_$$_${RANDOM}"
LOG=$(mktemp)
BODY=$(mktemp)
HEADERS=$(mktemp)
GATEWAY_PID=
# The server's pid file (asked before stopping it): tells this server apart from others on the machine.
PIDFILE_ARGS=()
failures=0

pass() { echo "PASS $*"; }
fail() { echo "FAIL $*"; failures=$((failures + 1)); }
check() {
  local what=$1
  shift
  if "$@"; then pass "$what"; else fail "$what"; fi
}

mysql_cli() { # program, arguments...
  local program=$1
  shift
  "$program" --protocol=tcp -h "$MYSQL_HOST" -P "$MYSQL_PORT" -u "$MYSQL_USER" --connect-timeout=2 "$@"
}
mariadb_answers() { mysql_cli mariadb-admin ping >/dev/null 2>&1; }
mariadbd_running() { start-stop-daemon --status "${PIDFILE_ARGS[@]}" --exec "$MARIADBD" >/dev/null 2>&1; }
mariadbd_gone() { ! mariadbd_running; }
answers_or_gone() { mariadb_answers || mariadbd_gone; }

wait_for() { # seconds, command...: polls every 0.25 s
  local tries=$(($1 * 4))
  shift
  for ((i = 0; i < tries; i++)); do
    "$@" && return 0
    sleep 0.25
  done
  return 1
}

start_mariadb() {
  mariadb_answers && return 0
  # A server still shutting down would make --oknodo a no-op: let it finish (or finish starting) first.
  wait_for 60 answers_or_gone || true
  # shellcheck disable=SC2086 # MARIADBD_ARGS is a list of arguments
  mariadbd_running || start-stop-daemon --start --oknodo --background "${PIDFILE_ARGS[@]}" --exec "$MARIADBD" -- $MARIADBD_ARGS
  wait_for 60 mariadb_answers
}

gateway_alive() { [ -n "$GATEWAY_PID" ] && kill -0 "$GATEWAY_PID" 2>/dev/null; }

cleanup() {
  local status=$?
  if ! start_mariadb; then
    echo "FAIL MariaDB did not come back: start it with start-stop-daemon --start --oknodo --background --exec $MARIADBD"
    status=1
  fi
  if gateway_alive; then
    kill -TERM "$GATEWAY_PID" 2>/dev/null
    wait_for 15 bash -c "! kill -0 $GATEWAY_PID 2>/dev/null" || kill -KILL "$GATEWAY_PID" 2>/dev/null
  fi
  mysql_cli mariadb -e "DROP DATABASE IF EXISTS \`$DB\`" >/dev/null 2>&1 || echo "FAIL could not drop database $DB"
  rm -f "$LOG" "$BODY" "$HEADERS"
  exit "$status"
}
trap cleanup EXIT
trap 'echo "FAIL interrupted"; exit 130' INT TERM

# graphql QUERY: POSTs it; sets STATUS, leaves the body in $BODY and the headers in $HEADERS.
graphql() {
  local payload
  payload=$(jq -cn --arg q "$1" '{query: $q}')
  STATUS=$(curl -s -m 10 -o "$BODY" -D "$HEADERS" -w '%{http_code}' -H 'content-type: application/json' --data "$payload" "$URL/graphql")
}
status_of() { curl -s -m 10 -o /dev/null -w '%{http_code}' "$URL$1"; }
body_has() { jq -e "$1" "$BODY" >/dev/null 2>&1; }
serves() { graphql "$1" && [ "$STATUS" = 200 ] && body_has '.data.unit.visits.total != null and (.errors | not)'; }

echo "building"
npm run --silent build || { echo "FAIL npm run build"; exit 1; }
mariadb_answers || { echo "FAIL MariaDB does not answer at $MYSQL_HOST:$MYSQL_PORT before the check"; exit 1; }

PORT=$(node -e "const s = require('net').createServer().listen(0, '127.0.0.1', () => { console.log(s.address().port); s.close(); })")
URL="http://127.0.0.1:$PORT"
DATABASE_URL="mysql://$MYSQL_USER@$MYSQL_HOST:$MYSQL_PORT/$DB" PORT=$PORT HOST=127.0.0.1 LOG_LEVEL=warn NODE_ENV=production \
  node dist/src/main.js >"$LOG" 2>&1 &
GATEWAY_PID=$!
if wait_for 90 grep -q 'serves GraphQL' "$LOG"; then pass "gateway started on database $DB"; else
  fail "gateway did not start:"
  cat "$LOG"
  exit 1
fi

# Units and anonymous content may be answered from the gateway's caches during an outage, which is
# right; visit counters always read MySQL, and each unit is asked about for the first time when
# MySQL is down, so the answer cannot come from any cache.
BEFORE='{ unit(code: "14620") { fullName visits { total } } }'
DURING='{ unit(code: "14623") { fullName visits { total } } }'
check "a query succeeds while MariaDB is up" serves "$BEFORE"

PIDFILE=$(mysql_cli mariadb -Nse 'SELECT IF(@@pid_file LIKE "/%", @@pid_file, CONCAT(@@datadir, @@pid_file))' 2>/dev/null)
[ -n "$PIDFILE" ] && PIDFILE_ARGS=(--pidfile "$PIDFILE")
echo "stopping MariaDB"
if mysql_cli mariadb-admin shutdown && wait_for 30 mariadbd_gone; then
  pass "MariaDB stopped"
else
  fail "MariaDB did not stop"
  exit 1
fi

graphql "$DURING"
check "a query during the outage answers HTTP 503 (got $STATUS)" [ "$STATUS" = 503 ]
check "... with extensions.code SERVICE_UNAVAILABLE and retryable: true" body_has '.errors[0].extensions == {code: "SERVICE_UNAVAILABLE", retryable: true}'
check "... with Retry-After: 1" grep -qi '^retry-after: 1' "$HEADERS"
check "... without host, SQL or stack in the answer" bash -c "! grep -Eqi '127\.0\.0\.1|$MYSQL_HOST|ECONN|PROTOCOL_|select |mysql|\.js:[0-9]' '$BODY'"
check "/readyz answers 503 during the outage" [ "$(status_of /readyz)" = 503 ]
check "the gateway is still alive (/healthz 200)" bash -c "kill -0 $GATEWAY_PID && [ \"\$(curl -s -m 5 -o /dev/null -w '%{http_code}' $URL/healthz)\" = 200 ]"

echo "starting MariaDB"
if start_mariadb; then pass "MariaDB answers again"; else
  fail "MariaDB did not come back"
  exit 1
fi

check "the query that failed succeeds again within 15 s, without restarting the gateway" wait_for 15 serves "$DURING"
check "/readyz answers 200 again" [ "$(status_of /readyz)" = 200 ]
check "the gateway process is the same one" gateway_alive

kill -TERM "$GATEWAY_PID"
if wait_for 15 bash -c "! kill -0 $GATEWAY_PID 2>/dev/null"; then
  wait "$GATEWAY_PID"
  code=$?
  GATEWAY_PID=
else
  code="none: still running 15 s after SIGTERM"
fi
check "the gateway stops on SIGTERM with exit code 0 (got $code)" [ "$code" = 0 ]

if [ "$failures" -eq 0 ]; then echo "PASS outage check"; else echo "FAIL outage check: $failures failure(s)"; exit 1; fi
