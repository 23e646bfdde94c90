#!/usr/bin/env bash
# The main job: installs what is missing, then plays the case study end to end on real WASM
# (build, in-process devnode, deploy, the story, the reconciled payout table).
#
#   bash scripts/demo.sh [--rpc-url URL] [--explore]
#
# Run in a terminal, it then keeps the devnode and the explorer (docs/explorer.md) up and
# prints their URLs until Ctrl-C (`--explore`); TRIBUTARY_DEMO_EXPLORE=0 turns that off, and
# without a terminal (CI, pipes) the demo ends after the table.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
args=("$@")
if [ -t 0 ] && [ -t 1 ] && [ "${TRIBUTARY_DEMO_EXPLORE:-1}" != 0 ] && [[ " $* " != *" --explore "* ]]; then
  args+=(--explore)
fi
exec cargo run --quiet -p tributary --locked -- demo "${args[@]}"
