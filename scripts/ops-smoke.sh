#!/usr/bin/env bash
# The Foundry path end to end against a running chain: `tributary deploy`, then only cast via
# scripts/ops.sh: register a dataset, create an offer, mint, fund escrow, see and withdraw what a
# contributor is owed. Fails on the first mismatch.
#
#   RPC_URL=http://127.0.0.1:8547 bash scripts/ops-smoke.sh
set -euo pipefail
cd "$(dirname "$0")/.."
: "${RPC_URL:?set RPC_URL}"
CAST=${CAST:-node_modules/.bin/cast}
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
export DEPLOYMENT=$OUT/deployment.json
DEPLOYER=0xb6b15c8cb491557369f3c7d2c287b053eb229daa9c22138887752191c9520659
CREATOR=0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80
LAB=0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d
addr() { "$CAST" wallet address --private-key "$1"; }
fail() { echo "ops-smoke: $*" >&2; exit 1; }

cargo run --quiet -p tributary -- deploy --no-build --rpc-url "$RPC_URL" --private-key "$DEPLOYER" \
  --out "$OUT" >/dev/null
mv "$OUT/$("$CAST" chain-id --rpc-url "$RPC_URL").json" "$DEPLOYMENT"

A=$(addr "$CREATOR") B=$(addr "$LAB")
[[ "${A,,}" < "${B,,}" ]] && RECIPIENTS="[$A,$B]" SHARES="[75,25]" || RECIPIENTS="[$B,$A]" SHARES="[25,75]"
PRIVATE_KEY=$CREATOR bash scripts/ops.sh register-dataset "$("$CAST" keccak ops-smoke)" ipfs://ops "$RECIPIENTS" "$SHARES" >/dev/null
PRIVATE_KEY=$CREATOR bash scripts/ops.sh create-offer 1 1000000000000000 10000000000 0 9 700 "$A" ipfs://ops-terms >/dev/null 2>&1
PRIVATE_KEY=$LAB bash scripts/ops.sh mint 1 "$B" 1000000000000000 >/dev/null
# The license's token id names its offer: offerId * 2^32 + serial, so license 1 of offer 1.
PRIVATE_KEY=$LAB bash scripts/ops.sh fund-escrow $(((1 << 32) + 1)) 5000000000000000 >/dev/null
OWED=$(PRIVATE_KEY=$LAB bash scripts/ops.sh claimable 1 "$A" | cut -d' ' -f1)
[ "$OWED" = 750000000000000 ] || fail "creator owed $OWED, want 750000000000000 (75 % of the price)"
BEFORE=$("$CAST" balance "$A" --rpc-url "$RPC_URL")
PRIVATE_KEY=$LAB bash scripts/ops.sh withdraw 1 "$A" >/dev/null
AFTER=$("$CAST" balance "$A" --rpc-url "$RPC_URL")
[ "$(node -p "(BigInt('$AFTER') - BigInt('$BEFORE')).toString()")" = 750000000000000 ] || fail "withdrawal paid $BEFORE -> $AFTER"
[ "$(PRIVATE_KEY=$LAB bash scripts/ops.sh claimable 1 "$A" | cut -d' ' -f1)" = 0 ] || fail "still owed after withdrawal"
echo "ops-smoke: deploy, register-dataset, create-offer, mint, fund-escrow, claimable, withdraw all passed against $RPC_URL"
