#!/usr/bin/env bash
# THE test command: every check CI runs, in order. `.ci/run` calls exactly this.
#
#   bash scripts/test.sh
#
# PROPTEST_CASES=100000 bash scripts/test.sh runs the long property tests.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

# A clean CI build gains nothing from incremental compilation, and its caches take gigabytes
# of disk. Export CARGO_INCREMENTAL=1 to keep them on a development machine.
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"
df -h . | awk 'NR==2 { print "disk: " $4 " free of " $2 " at the start" }'

step "setup"
bash scripts/setup.sh

step "rustfmt"
cargo fmt --all --check

step "clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings

# Before the tests: the end-to-end tests deploy these artifacts on the devnode.
step "WASM build: round trip, Nitro validation, size limit"
cargo run --quiet -p tributary --locked -- build

step "unit, property, integration and end-to-end tests"
cargo test --workspace --locked

step "exported Solidity interfaces are up to date"
cargo run --quiet -p tributary --locked -- export-abi --check

step "cast against a fresh devnode"
bash scripts/with-devnode.sh bash scripts/devnode-cast.sh

step "viem against a fresh devnode: watchContractEvent through filters, signTypedData (scripts/viem-check.mjs)"
bash scripts/with-devnode.sh node scripts/viem-check.mjs

step "the Foundry path: tributary deploy, then cast only (scripts/ops.sh)"
bash scripts/with-devnode.sh bash scripts/ops-smoke.sh

step "the cargo-stylus path: check, deploy --no-verify, cast wiring, cache bid (scripts/cargo-stylus-smoke.sh)"
bash scripts/with-devnode.sh bash scripts/cargo-stylus-smoke.sh
