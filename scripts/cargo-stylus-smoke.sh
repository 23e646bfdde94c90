#!/usr/bin/env bash
# The cargo-stylus path end to end against a running chain, exactly as README §"The cargo-stylus
# path" describes it: `cargo stylus check` every contract, `cargo stylus deploy --no-verify` each
# with the constructor arguments `tributary deploy` uses (printed by `tributary
# constructor-args`), wire them with cast, `cargo stylus cache bid` one and `cache status` it,
# and call a view on each. Fails on the first mismatch.
#
#   RPC_URL=http://127.0.0.1:8547 bash scripts/cargo-stylus-smoke.sh
#
# Needs cargo-stylus (scripts/setup.sh installs the pinned version) and binaryen's wasm-opt at
# the version Stylus.toml pins. The deployer key is nitro-devnode's funded dev key.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${RPC_URL:?set RPC_URL}"
CAST=${CAST:-node_modules/.bin/cast}
KEY=0xb6b15c8cb491557369f3c7d2c287b053eb229daa9c22138887752191c9520659
OWNER=$("$CAST" wallet address --private-key "$KEY")
LOG=$(mktemp)
trap 'rm -f "$LOG"' EXIT
fail() {
  cat "$LOG" >&2
  echo "cargo-stylus-smoke: $*" >&2
  exit 1
}
plain() { sed 's/\x1b\[[0-9;]*m//g' "$LOG"; }
same() { [ "${1,,}" = "${2,,}" ]; }

# tributary deploy's order: each constructor takes the addresses of contracts before it.
ORDER="royalty_splitter attribution_registry license_nft revenue_router license_offers usage_escrow usage_anchor usage_disputes model_nft datanets"
declare -A AT
DEPLOYED=()
for dir in $ORDER; do
  (cd "contracts/$dir" && cargo stylus check --endpoint "$RPC_URL") >"$LOG" 2>&1 ||
    fail "cargo stylus check failed for $dir"
  size=$(plain | sed -n 's/.*contract size: *\(.*\)/\1/p' | head -1)
  ARGS=$(cargo run --quiet --locked -p tributary -- constructor-args "$dir" --owner "$OWNER" "${DEPLOYED[@]}")
  # shellcheck disable=SC2086 # the arguments are space-separated addresses and integers
  (cd "contracts/$dir" && cargo stylus deploy --no-verify --endpoint "$RPC_URL" \
    --private-key "$KEY" --constructor-args $ARGS) >"$LOG" 2>&1 ||
    fail "cargo stylus deploy failed for $dir"
  address=$(plain | sed -n 's/.*deployed code at address: *\(0x[0-9a-fA-F]\{40\}\).*/\1/p' | head -1)
  [ -n "$address" ] || fail "no address in the deploy output of $dir"
  AT[$dir]=$address
  DEPLOYED+=(--at "$dir=$address")
  echo "cargo-stylus-smoke: $dir checked ($size) and deployed at $address"
done

# The wiring `tributary deploy` does (README §"Contracts, wiring and sizes").
send() { "$CAST" send --rpc-url "$RPC_URL" --private-key "$KEY" "$@" >"$LOG" 2>&1 || fail "cast send $*"; }
send "${AT[attribution_registry]}" 'setModelNft(address)' "${AT[model_nft]}"
send "${AT[attribution_registry]}" 'setLicenseNft(address)' "${AT[license_nft]}"
send "${AT[license_nft]}" 'setLicenseOffers(address)' "${AT[license_offers]}"
send "${AT[license_nft]}" 'setUsageAnchor(address)' "${AT[usage_escrow]}"
send "${AT[usage_anchor]}" 'setDisputes(address)' "${AT[usage_disputes]}"
send "${AT[usage_escrow]}" 'setUsageAnchor(address)' "${AT[usage_anchor]}"
echo "cargo-stylus-smoke: wired with cast"

# The Stylus cache: the devnode's CacheManager, registered with ArbWasmCache at genesis.
cargo stylus cache bid "${AT[royalty_splitter]}" 0 --endpoint "$RPC_URL" --private-key "$KEY" \
  >"$LOG" 2>&1 || fail "cargo stylus cache bid failed"
cargo stylus cache status --address "${AT[royalty_splitter]}" --endpoint "$RPC_URL" >"$LOG" 2>&1 ||
  fail "cargo stylus cache status failed"
plain | grep -q "is cached" || fail "royalty_splitter is not cached after the bid"
echo "cargo-stylus-smoke: cache bid and cache status (royalty_splitter is cached)"

# A view on each contract, checking the constructor arguments and the wiring.
view() { "$CAST" call --rpc-url "$RPC_URL" "$@" 2>"$LOG" || fail "cast call $*"; }
[ "$(view "${AT[royalty_splitter]}" 'splitCount()(uint256)')" = 0 ] || fail "royalty_splitter.splitCount"
same "$(view "${AT[attribution_registry]}" 'licenseNft()(address)')" "${AT[license_nft]}" ||
  fail "attribution_registry.licenseNft"
same "$(view "${AT[license_nft]}" 'licenseOffers()(address)')" "${AT[license_offers]}" ||
  fail "license_nft.licenseOffers"
same "$(view "${AT[license_offers]}" 'registry()(address)')" "${AT[attribution_registry]}" ||
  fail "license_offers.registry"
view "${AT[revenue_router]}" 'config()(address,address,address)' | grep -qi "${AT[royalty_splitter]}" ||
  fail "revenue_router.config"
view "${AT[usage_escrow]}" 'config()(address,address,address,address,uint64,uint64)' |
  grep -qi "${AT[usage_anchor]}" || fail "usage_escrow.config"
view "${AT[usage_anchor]}" 'config()(address,address,address,uint64,uint256,uint64,bytes32)' |
  grep -qi "${AT[usage_disputes]}" || fail "usage_anchor.config"
same "$(view "${AT[usage_disputes]}" 'owner()(address)')" "$OWNER" || fail "usage_disputes.owner"
same "$(view "${AT[attribution_registry]}" 'modelNft()(address)')" "${AT[model_nft]}" ||
  fail "attribution_registry.modelNft"
same "$(view "${AT[model_nft]}" 'router()(address)')" "${AT[revenue_router]}" || fail "model_nft.router"
same "$(view "${AT[license_offers]}" 'router()(address)')" "${AT[revenue_router]}" ||
  fail "license_offers.router"
# Datanets(registry) needs no wiring: its constructor reads the splitter from the registry.
same "$(view "${AT[datanets]}" 'registry()(address)')" "${AT[attribution_registry]}" ||
  fail "datanets.registry"
same "$(view "${AT[datanets]}" 'splitter()(address)')" "${AT[royalty_splitter]}" ||
  fail "datanets.splitter"
echo "cargo-stylus-smoke: check, deploy --no-verify, cast wiring, cache bid/status and a view on all 10 contracts passed against $RPC_URL"
