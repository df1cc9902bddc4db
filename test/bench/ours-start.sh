#!/usr/bin/env bash
# Start our archive for ../shared/bench/suite.sh (OURS_START): an empty data folder, port 8080,
# in the background in its own session; wait until it listens, then print its PID (the node
# process itself: the compiled server with the flags of `npm start`, no npm wrapper in between, so
# RSS and CPU are right).
#
#   test/bench/ours-start.sh            → prints the PID on the last line of stdout
#
# Every endpoint requires authentication: the server starts with an admin account taken from
# BENCH_AUTH=user:password (the variable suite.sh / run.mjs send as HTTP Basic on every request),
# default bench-admin:bench-admin-password (the account of npm run bench:*). Call suite.sh with it:
#
#   BENCH_AUTH=bench-admin:bench-admin-password \
#   OURS_START="$PWD/test/bench/ours-start.sh" OURS_STOP='kill $1; while kill -0 $1 2>/dev/null; do sleep 0.1; done' \
#   OURS_BASE=http://127.0.0.1:8080/dicom-web ../shared/bench/suite.sh 3
#
# (Orthanc ignores the header.) The password needs at least 10 characters.
# Environment: BENCH_AUTH, OURS_PORT (default 8080), BENCH_TMP (default /tmp/dicomweb-bench); other
# PACS_* variables pass through (e.g. PACS_STORAGE=s3 ...). Data: $BENCH_TMP/ours-data, wiped at
# each start. Log: $BENCH_TMP/ours.log. Stop: kill -TERM <PID> (the server closes its index and exits).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BENCH_TMP="${BENCH_TMP:-/tmp/dicomweb-bench}"
PORT="${OURS_PORT:-8080}"
DATA="$BENCH_TMP/ours-data"
LOG="$BENCH_TMP/ours.log"
if [[ -z "${BENCH_AUTH:-}" ]]; then
  echo "BENCH_AUTH is not set: starting with bench-admin:bench-admin-password; a client without it gets 401" >&2
fi
AUTH="${BENCH_AUTH:-bench-admin:bench-admin-password}"
if [[ "$AUTH" != *:* ]]; then echo "BENCH_AUTH must be user:password" >&2; exit 1; fi
ADMIN_USER="${AUTH%%:*}"
ADMIN_PASSWORD="${AUTH#*:}"

if curl -s -o /dev/null -m 1 "http://127.0.0.1:$PORT/"; then
  echo "something already answers on port $PORT; refusing to start a second server" >&2; exit 1
fi
mkdir -p "$BENCH_TMP"
rm -rf "$DATA"
mkdir -p "$DATA"

cd "$ROOT"
# What `npm start` runs after its build steps: "node <flags> dist/server/main.js" (package.json).
node_modules/.bin/tsx server/build-server.ts
read -r -a START <<<"$(node -p "require('./package.json').scripts.start.split('&&').at(-1).trim()")"
PACS_HOST=127.0.0.1 PACS_PORT="$PORT" PACS_DIMSE_PORT=0 PACS_DATA_DIR="$DATA" PACS_LOG_LEVEL="${PACS_LOG_LEVEL:-error}" \
  PACS_ADMIN_USER="$ADMIN_USER" PACS_ADMIN_PASSWORD="$ADMIN_PASSWORD" setsid "${START[@]}" >"$LOG" 2>&1 </dev/null &
pid=$!

for _ in $(seq 1 300); do
  if grep -q "listening on" "$LOG" 2>/dev/null; then echo "$pid"; exit 0; fi
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "our server exited during start-up; log: $LOG" >&2; tail -20 "$LOG" >&2; exit 1
  fi
  sleep 0.1
done
echo "our server did not start listening within 30 s; log: $LOG" >&2
kill -TERM "$pid" 2>/dev/null || true
exit 1
