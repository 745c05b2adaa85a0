#!/usr/bin/env bash
# End-to-end browser test of pdscore-web: installs what is missing (system chromium, the npm
# package), starts the real binary on a free loopback port, runs e2e.mjs, stops the server.
# Exits non-zero on failure; the last line is `browser: N passed, N failed`.
#
# Environment: CARGO_TARGET_DIR (default <workspace>/target), PDSCORE_WEB_BIN (a prebuilt
# binary; default: cargo build --release -p pdscore-web), STARTUP_TIMEOUT (seconds, default 300).
set -uo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../../../.." && pwd)"
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
SAMPLE="$ROOT/data/klarna_synth_sample.csv"
SHOT="$ROOT/target/browser/results.png"
STARTUP_TIMEOUT="${STARTUP_TIMEOUT:-300}"

fail() {
  echo "run.sh: $*" >&2
  echo "browser: 0 passed, 1 failed"
  exit 1
}

# 1. Chromium (Debian package).
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    { DEBIAN_FRONTEND=noninteractive apt-get install -y chromium >/dev/null 2>&1 ||
      { apt-get update >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium >/dev/null; }; } ||
      fail "cannot install chromium"
  else
    fail "/usr/bin/chromium is missing: apt-get install -y chromium"
  fi
fi

# 2. playwright-core from the lock file.
command -v node >/dev/null || fail "node is missing"
if [ ! -d "$HERE/node_modules/playwright-core" ]; then
  (cd "$HERE" && npm ci --no-audit --no-fund >/dev/null) || fail "npm ci failed"
fi

# 3. The server binary.
BIN="${PDSCORE_WEB_BIN:-}"
if [ -z "$BIN" ]; then
  (cd "$ROOT" && cargo build --release -p pdscore-web --quiet) || fail "cargo build failed"
  BIN="$TARGET_DIR/release/pdscore-web"
fi
[ -x "$BIN" ] || fail "no binary at $BIN"
[ -f "$SAMPLE" ] || fail "no sample at $SAMPLE"

# 4. Start it on a free loopback port (port 0: the server prints the address it bound).
LOG="$(mktemp)"
"$BIN" --addr 127.0.0.1:0 --data "$SAMPLE" >"$LOG" 2>&1 &
SERVER_PID=$!
cleanup() {
  kill "$SERVER_PID" 2>/dev/null
  wait "$SERVER_PID" 2>/dev/null
  rm -f "$LOG"
}
trap cleanup EXIT

BASE_URL=""
for _ in $(seq 1 $((STARTUP_TIMEOUT * 5))); do
  BASE_URL="$(sed -n 's/^pdscore-web listening on \(http:\/\/127\.0\.0\.1:[0-9]*\)$/\1/p' "$LOG" | head -n 1)"
  [ -n "$BASE_URL" ] && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$LOG" >&2; fail "the server exited during start-up"; }
  sleep 0.2
done
[ -n "$BASE_URL" ] || { cat "$LOG" >&2; fail "the server did not start within ${STARTUP_TIMEOUT}s"; }
echo "run.sh: server at $BASE_URL" >&2

# 5. The test.
BASE_URL="$BASE_URL" SAMPLE_CSV="$SAMPLE" SHOT_PATH="$SHOT" node "$HERE/e2e.mjs"
STATUS=$?
if [ "$STATUS" -ne 0 ]; then
  echo "run.sh: server log:" >&2
  tail -n 30 "$LOG" >&2
fi
exit "$STATUS"
