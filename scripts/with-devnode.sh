#!/usr/bin/env bash
# Runs a command against a fresh local devnode on a free port, then stops the devnode.
#
#   bash scripts/with-devnode.sh COMMAND [ARGS...]
#
# The command sees RPC_URL. The devnode binary is built (debug) if it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=${DEVNODE_BIN:-target/debug/tributary-devnode}
[ -x "$BIN" ] || cargo build --quiet -p tributary-devnode --bin tributary-devnode
LOG=$(mktemp)
"$BIN" --port 0 >"$LOG" 2>&1 &
PID=$!
trap 'kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; rm -f "$LOG"' EXIT
for _ in $(seq 1 100); do
  RPC_URL=$(sed -n 's/^devnode: listening on \(http[^ ]*\).*/\1/p' "$LOG")
  [ -n "$RPC_URL" ] && break
  kill -0 "$PID" 2>/dev/null || { cat "$LOG" >&2; echo "with-devnode: devnode exited" >&2; exit 1; }
  sleep 0.1
done
[ -n "$RPC_URL" ] || { cat "$LOG" >&2; echo "with-devnode: devnode did not start" >&2; exit 1; }
export RPC_URL
"$@"
