#!/usr/bin/env bash
# Drives a running devnode (or nitro-devnode) with Foundry's cast, the way a Foundry user would:
# deploys a Stylus contract through StylusDeployer (deploy + activate + constructor in one
# transaction, the data fee estimated with a code override), then sends, calls, estimates, reads
# the receipt and logs, travels in time, snapshots and reverts. Fails on the first mismatch.
#
#   RPC_URL=http://127.0.0.1:8547 bash scripts/devnode-cast.sh [CONTRACT.wasm.br]
#
# Defaults: the nitro-devnode dev key (PRIVATE_KEY to change) and the royalty_splitter built by
# `cargo run -p tributary -- build`.
set -euo pipefail
cd "$(dirname "$0")/.."

RPC_URL=${RPC_URL:-http://127.0.0.1:8547}
CAST=${CAST:-node_modules/.bin/cast}
KEY=${PRIVATE_KEY:-0xb6b15c8cb491557369f3c7d2c287b053eb229daa9c22138887752191c9520659}
BR=${1:-target/stylus/royalty_splitter.wasm.br}
DEPLOYER=0xcEcba2F1DC234f70Dd89F2041029807F8D03A990
ARB_WASM=0x0000000000000000000000000000000000000071
SCRATCH=0x00000000000000000000000000000000000c0de1
OTHER=0x70997970C51812dc3A010C7d01b50e0d17dc79C8
THIRD=0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC
c() { "$CAST" "$@" --rpc-url "$RPC_URL"; }
# json EXPR < JSON: evaluates a JavaScript expression over the parsed input `j` (node is already
# a dependency through npm).
json() { node -e "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>{const j=JSON.parse(s);console.log($1)})"; }
checks=0
expect() { # expect NAME ACTUAL WANTED
  if [ "$2" != "$3" ]; then echo "devnode-cast: $1: got '$2', want '$3'" >&2; exit 1; fi
  checks=$((checks + 1))
}

ME=$("$CAST" wallet address --private-key "$KEY")
[ -f "$BR" ] || { echo "devnode-cast: $BR missing (run: cargo run -p tributary -- build)" >&2; exit 1; }
CODE=eff00000$(od -An -tx1 -v "$BR" | tr -d ' \n')
# cargo-stylus's 43-byte initcode prelude: PUSH32 len, DUP1, PUSH1 43, PUSH1 0, CODECOPY,
# PUSH1 0, RETURN, version byte 0.
PRELUDE=7f$(printf '%064x' $((${#CODE} / 2)))80602b6000396000f300

expect chain-id "$(c chain-id)" 412346

# Data fee: what activateProgram would charge, asked with the code overridden at a scratch address.
FEE=$(c call "$ARB_WASM" "activateProgram(address)(uint16,uint256)" "$SCRATCH" --value 1ether \
  --from "$ME" --override-code "$SCRATCH:0x$CODE" | sed -n 2p | cut -d' ' -f1)
[ "$FEE" -gt 0 ] || { echo "devnode-cast: no data fee" >&2; exit 1; }
CTOR=0x5585258d$("$CAST" abi-encode "constructor(address)" "$ME" | cut -c3-)
DEPLOYED=$(c send "$DEPLOYER" "deploy(bytes,bytes,uint256,bytes32)" "0x$PRELUDE$CODE" "$CTOR" 0 \
  0x0000000000000000000000000000000000000000000000000000000000000000 \
  --value $((FEE * 120 / 100)) --private-key "$KEY" --json)
expect deploy-status "$(echo "$DEPLOYED" | json j.status)" 0x1
ADDR=0x$(echo "$DEPLOYED" | json 'j.logs[j.logs.length-1].data' | cut -c27-66)
expect owner "$(c call "$ADDR" "owner()(address)")" "$ME"
expect code-prefix "$(c code "$ADDR" | cut -c1-8)" 0xeff000

GAS=$(c estimate "$ADDR" "transferOwnership(address)" "$OTHER" --from "$ME")
[ "$GAS" -gt 21000 ] || { echo "devnode-cast: estimate $GAS" >&2; exit 1; }
SENT=$(c send "$ADDR" "transferOwnership(address)" "$OTHER" --private-key "$KEY" --json)
expect send-status "$(echo "$SENT" | json j.status)" 0x1
HASH=$(echo "$SENT" | json j.transactionHash)
expect receipt "$(c receipt "$HASH" blockNumber)" "$(c block-number)"
expect pending-owner "$(c call "$ADDR" "pendingOwner()(address)")" "$OTHER"
LOGS=$(c logs --address "$ADDR" --from-block 0 "OwnershipTransferStarted(address indexed,address indexed)" --json)
expect logs "$(echo "$LOGS" | json j.length)" 1
expect log-topic "$(echo "$LOGS" | json 'j[0].topics[2]' | cut -c27-)" "$(echo "${OTHER#0x}" | tr 'A-F' 'a-f')"

T0=$(c block latest --field timestamp)
c rpc evm_increaseTime 86400 >/dev/null
c rpc evm_mine >/dev/null
T1=$(c block latest --field timestamp)
[ "$T1" -ge $((T0 + 86400)) ] || { echo "devnode-cast: time travel $T0 -> $T1" >&2; exit 1; }
checks=$((checks + 1))

SNAP=$(c rpc evm_snapshot | tr -d '"')
c send "$ADDR" "transferOwnership(address)" "$THIRD" --private-key "$KEY" >/dev/null
expect moved "$(c call "$ADDR" "pendingOwner()(address)")" "$THIRD"
expect revert "$(c rpc evm_revert "$SNAP")" true
expect restored "$(c call "$ADDR" "pendingOwner()(address)")" "$OTHER"

echo "devnode-cast: $checks checks passed against $RPC_URL"
