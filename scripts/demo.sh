#!/usr/bin/env bash
# The main job: installs what is missing, then plays the case study end to end on real WASM
# (build, in-process devnode, deploy, the story, the reconciled payout table).
#
#   bash scripts/demo.sh [--rpc-url URL]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec cargo run --quiet -p tributary --locked -- demo "$@"
