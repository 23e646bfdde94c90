#!/usr/bin/env bash
# Operate a Tributary deployment with Foundry's cast, without the tributary CLI.
#
#   RPC_URL=http://127.0.0.1:8547 PRIVATE_KEY=0x... bash scripts/ops.sh ACTION ARGS...
#
# DEPLOYMENT (default deployments/<chainId>.json, written by `tributary deploy`) gives the
# contract addresses. Amounts are in wei. Actions:
#
#   register-dataset CONTENT_HASH URI RECIPIENTS SHARES   e.g. "[0xA..,0xB..]" "[60,40]" (sorted)
#   create-offer DATASET_ID PRICE RATE_PER_UNIT DURATION_S SCOPE TIERS_BPS ARBITER TERMS_URI
#       SCOPE: 1 TRAIN, 2 INFERENCE, 4 COMMERCIAL, 8 DERIVATIVES (add them); TIERS_BPS e.g. 700
#   mint OFFER_ID TO MAX_PRICE             pays MAX_PRICE's worth of the offer's (native) price
#   fund-escrow LICENSE_ID AMOUNT          LICENSE_ID = OFFER_ID * 2^32 + serial (the offer's
#                                          n-th license), e.g. $(((1 << 32) + 1)) for offer 1's first
#   claimable SPLIT_ID RECIPIENT [TOKEN]   what RECIPIENT is owed over every version of the split
#                                          (TOKEN defaults to native currency, address 0)
#   withdraw SPLIT_ID RECIPIENT [TOKEN]    anyone may pay a recipient what it is owed, from every
#                                          version that owes it something
# (`tributary explorer` shows an account's balances across all splits, versions and tokens.)
#   address CONTRACT                       e.g. license_offers
#
# Each write prints the transaction hash; views print the value.
set -euo pipefail
cd "$(dirname "$0")/.."

CAST=${CAST:-node_modules/.bin/cast}
: "${RPC_URL:?set RPC_URL}"
c() { "$CAST" "$@" --rpc-url "$RPC_URL"; }
send() { c send "$@" --private-key "${PRIVATE_KEY:?set PRIVATE_KEY}" --json | node -e \
  "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>{const r=JSON.parse(s);if(r.status!=='0x1'){console.error('reverted: '+r.transactionHash);process.exit(1)}console.log(r.transactionHash)})"; }

CHAIN_ID=$(c chain-id)
DEPLOYMENT=${DEPLOYMENT:-deployments/$CHAIN_ID.json}
[ -f "$DEPLOYMENT" ] || { echo "ops: $DEPLOYMENT not found (run tributary deploy)" >&2; exit 1; }
addr() { node -e "const d=require(require('path').resolve('$DEPLOYMENT'));const c=d.contracts['$1'];if(!c){console.error('no $1 in $DEPLOYMENT');process.exit(1)}console.log(c.address)"; }
ZERO=0x0000000000000000000000000000000000000000

action=${1:?action required (see the header of this script)}
shift
case "$action" in
  address) addr "$1" ;;
  register-dataset)
    send "$(addr attribution_registry)" "registerDataset(bytes32,string,address[],uint256[])" "$1" "$2" "$3" "$4" ;;
  create-offer)
    dataset=$1 price=$2 rate=$3 duration=$4 scope=$5 bps=$6 arbiter=$7 uri=$8
    hash=$("$CAST" keccak "$uri")
    terms="($dataset,$scope,$duration,$ZERO,$price,0,$rate,[0],[$bps],0,true,false,0,$arbiter,$hash,$uri)"
    sig="createOffer((uint256,uint256,uint64,address,uint256,uint8,uint256,uint256[],uint16[],uint32,bool,bool,uint16,address,bytes32,string))"
    offers=$(addr license_offers)
    echo "offer id $(c call "$offers" "$sig(uint256)" "$terms" --from "$("$CAST" wallet address --private-key "$PRIVATE_KEY")")" >&2
    send "$offers" "$sig" "$terms" ;;
  mint)
    send "$(addr license_offers)" "mint(uint256,address,uint256)" "$1" "$2" "$3" --value "$3" ;;
  fund-escrow)
    send "$(addr usage_escrow)" "fundEscrow(uint256)" "$1" --value "$2" ;;
  claimable)
    splitter=$(addr royalty_splitter)
    current=$(c call "$splitter" "splitInfo(uint256)(address,uint32,address)" "$1" | sed -n 2p)
    total=0
    for version in $(seq 0 "$current"); do
      owed=$(c call "$splitter" "claimable(uint256,uint32,address,address)(uint256)" "$1" "$version" "$2" "${3:-$ZERO}" | cut -d' ' -f1)
      total=$(node -e "console.log((BigInt('$total') + BigInt('$owed')).toString())")
    done
    echo "$total" ;;
  withdraw)
    splitter=$(addr royalty_splitter)
    current=$(c call "$splitter" "splitInfo(uint256)(address,uint32,address)" "$1" | sed -n 2p)
    paid=0
    for version in $(seq 0 "$current"); do
      owed=$(c call "$splitter" "claimable(uint256,uint32,address,address)(uint256)" "$1" "$version" "$2" "${3:-$ZERO}" | cut -d' ' -f1)
      if [ "$owed" != 0 ]; then
        send "$splitter" "withdraw(uint256,uint32,address,address)" "$1" "$version" "$2" "${3:-$ZERO}"
        paid=1
      fi
    done
    [ "$paid" = 1 ] || { echo "ops: nothing to withdraw for $2 from split $1" >&2; exit 1; } ;;
  *) echo "ops: unknown action $action" >&2; exit 2 ;;
esac
