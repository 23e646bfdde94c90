//! The attestor kit (usage settlement v2, `docs/settlement.md`): usage receipts grouped into
//! usage leaves, Merkle batches of leaves signed with EIP-712, and the proofs that settle leaves
//! and prove single receipts on the usage anchor. Its [`attribution`] part (Proof of
//! Attribution) turns an evaluator's scores of a dataset's contributors into a signed
//! `AttributionReport` for the Datanets contract and each contributor's `claimMerkle` proof.
//!
//! A compute provider (the *attestor*) meters each use of a licensed asset as a
//! [`Receipt`](types::Receipt). For a period it groups the receipts into
//! [`UsageLeaf`](types::UsageLeaf)s, one per `(licenseId, assetId, scope, unit)`, each carrying
//! its receipts' sums and the Merkle root of their leaves, builds the batch tree over the usage
//! leaves and signs the [`Batch`](types::Batch) (root, counts, total units, period, deadline)
//! with EIP-712. Anyone submits it with `anchorBatch`; after the challenge window anyone bills
//! usage leaves with `settle(batch, leaves, proof, proofFlags)`, a multiproof in
//! `OpenZeppelin`'s format. Any single receipt stays provable down to the signed root
//! (`verifyReceipt`), and while a batch is challenged anyone may hold the escrow a leaf bills
//! (`holdEscrow`); both are calls of the `usage_disputes` contract, with the same batch, leaf
//! and proof types.
//!
//! ```text
//! batch root ── usage leaf (one per license, asset, scope and unit)
//!                  └── receiptsRoot ── receipt (one per metered job)
//! ```
//!
//! # Encoding (what the contract recomputes)
//!
//! - Receipt leaf: `keccak256(keccak256(abi.encode(receipt)))` ([`types::receipt_leaf`]), usage
//!   leaf hash: `keccak256(keccak256(abi.encode(usageLeaf)))` ([`types::usage_leaf`]); both are
//!   `@openzeppelin/merkle-tree` `StandardMerkleTree` leaves of the structs' field values.
//! - Trees: `StandardMerkleTree` layout: leaves sorted ascending, inner node = `keccak256` of the
//!   sorted pair ([`merkle`]). Neither root depends on the order of the receipts.
//! - Grouping ([`batch::group_receipts`]): groups ordered by `(licenseId, assetId, scope, unit)`
//!   numerically in that field order, receipts inside a group by `(timestamp, jobId)`; group `i` is
//!   the leaf with `index = i` (its settled bit), `units` / `receiptCount` its sums, `firstAt` /
//!   `lastAt` its earliest and latest timestamps.
//! - EIP-712 domain: `{name: "Tributary UsageAnchor", version: "2", chainId, verifyingContract}`;
//!   type [`types::BATCH_TYPE`]: `Batch(bytes32 batchId,address attestor,bytes32 root,uint32
//!   leafCount,uint32 receiptCount,uint256 totalUnits,uint64 periodStart,uint64 periodEnd,uint64
//!   deadline)`. `totalUnits` is at most `2^96 - 1`.
//! - Signature: 65 bytes `r ‖ s ‖ v`, `v ∈ {27, 28}`, `s ≤ n/2` ([`signing`]).
//! - Default batch id: `keccak256(abi.encode(uint256 chainId, address anchor, address attestor,
//!   bytes32 root, uint64 periodStart, uint64 periodEnd))` ([`types::derive_batch_id`]); the anchor
//!   keys batches by `keccak256(abi.encode(attestor, batchId))` ([`types::batch_key`]).
//! - Default deadline: `periodEnd + 604800` (7 days, [`types::DEFAULT_DEADLINE_DELAY`]); it never
//!   depends on the clock, so the same receipts and options always give the same batch file.
//!
//! # Files
//!
//! Numbers that can exceed 2^53 (`uint256` ids, scopes, units) are decimal strings; hashes,
//! addresses and bytes are `0x` hex. Every numeric field also accepts a decimal or `0x`-hex string
//! on input.
//!
//! **Receipts** (`receipts.jsonl`): JSON Lines, one receipt per line (blank lines and `#`
//! comments skipped). `attestor` may be omitted: it then means the batch's attestor. `assetId`
//! may be spelled `datasetId` (v1). `scope` is the `uint256` bit set (`1` TRAIN, `2` INFERENCE,
//! `4` COMMERCIAL, `8` DERIVATIVES, `16` `FINE_TUNE`, `32` EVALUATION), also accepted as names
//! joined by `|` (`"TRAIN|COMMERCIAL"`); it must not be empty. `unit` is the usage unit code (0
//! samples, 1 thousand tokens, 2 compute seconds).
//! ```json
//! {"jobId":"0x…32 bytes","licenseId":"2","assetId":"1","modelHash":"0x…32 bytes","scope":"1","unit":0,"units":"250000","timestamp":1767650400,"attestor":"0xf39f…2266"}
//! ```
//!
//! **Batch** (`batch.json`, written by `attest batch`):
//! ```json
//! {
//!   "chainId": 412346,
//!   "verifyingContract": "0x…anchor",
//!   "batch": {"batchId": "0x…", "attestor": "0x…", "root": "0x…", "leafCount": 2,
//!             "receiptCount": 8, "totalUnits": "2000000", "periodStart": 1767571200,
//!             "periodEnd": 1768175999, "deadline": 1768780799},
//!   "batchDigest": "0x…EIP-712 digest",
//!   "signature": "0x…65 bytes",
//!   "leaves": [{"index": 0, "licenseId": "1", "assetId": "1", "scope": "1", "unit": 0,
//!               "units": "1420000", "receiptCount": 5, "firstAt": 1767574800,
//!               "lastAt": 1768104000, "receiptsRoot": "0x…"}, "…"],
//!   "leafHashes": ["0x…", "…"],
//!   "receiptLeaves": [["0x…", "…"], "…"],
//!   "anchorCalldata": "0x…anchorBatch(batch, signature)"
//! }
//! ```
//! `leaves` are the usage leaves in index order, `leafHashes[i]` is the hash of `leaves[i]` and
//! `receiptLeaves[i]` the leaves of its receipts in `(timestamp, jobId)` order, so `prove` needs
//! the receipts only to prove a receipt. `anchorCalldata` is the ABI-encoded
//! `anchorBatch((bytes32,address,bytes32,uint32,uint32,uint256,uint64,uint64,uint64),bytes)`
//! call.
//!
//! **Settlement proof** (`settle.json`, written by `attest prove --select/--license/--all`): the
//! arguments of `settle`.
//! ```json
//! {
//!   "chainId": 412346, "verifyingContract": "0x…anchor",
//!   "batch": {"batchId": "0x…", "…": "…"},
//!   "leaves": [{"index": 1, "…": "…"}], "leafHashes": ["0x…"],
//!   "proof": ["0x…"], "proofFlags": [false],
//!   "settleCalldata": "0x…",
//!   "holdEscrowCalldata": "0x…(one leaf only)"
//! }
//! ```
//! `leaves` are in multiproof order, the order `settle` must receive them in. With a single
//! leaf, `proof` is also its plain path and `holdEscrowCalldata` is `holdEscrow(batch, leaf,
//! proof)`.
//!
//! **Receipt proof** (`receipt.json`, written by `attest prove --receipt JOBID`): one receipt
//! down to the root.
//! ```json
//! {
//!   "chainId": 412346, "verifyingContract": "0x…anchor",
//!   "batch": {"…": "…"},
//!   "receipt": {"jobId": "0x…", "…": "…"}, "receiptLeaf": "0x…", "receiptProof": ["0x…"],
//!   "leaf": {"index": 1, "…": "…"}, "leafHash": "0x…", "leafProof": ["0x…"],
//!   "verifyReceiptCalldata": "0x…verifyReceipt(batch, leaf, leafProof, receipt, receiptProof)",
//!   "holdEscrowCalldata": "0x…holdEscrow(batch, leaf, leafProof)"
//! }
//! ```
//!
//! **Scores** (`scores.csv`, read by `attest attribution`): an evaluator's measured impact of
//! each contributor on a dataset. Header `contributor,score` or `contributor,score,flagged`;
//! blank lines and `#` comments skipped. `score` is an exact decimal (may be negative, at most
//! 18 fractional digits, parsed without floating point), `flagged` is `true`/`false`/`1`/`0`/
//! `yes`/`no` or empty (false). Each contributor once; errors name the file and line.
//! ```text
//! contributor,score,flagged
//! 0x70997970c51812dc3a010c7d01b50e0d17dc79c8,0.0421,
//! 0x90f79bf6eb2c4f870365e785982e1f101e93b906,-0.0032,
//! 0x15d34aaf54267db7d7c367839aaf71a00a2c6a65,0.035,yes
//! ```
//! Flagged and non-positive contributors get weight 0; the others get `floor(score × 10^9 /
//! S)` parts per billion, `S` the sum of their scores; weights that round to 0 are left out too
//! (the spec is in [`attribution`]). `attest attribution` writes into its `--out` directory:
//!
//! **Report** (`report.json`): the signed `AttributionReport` and how to post it.
//! ```json
//! {
//!   "chainId": 412346, "verifyingContract": "0x…Datanets",
//!   "report": {"datasetId": "1", "version": "1", "epoch": 1, "benchmarkId": "0x…",
//!              "metric": "0x…keccak256(name)", "weightsRoot": "0x…",
//!              "totalWeight": "999999998", "deadline": 1769904000},
//!   "reportDigest": "0x…EIP-712 digest", "evaluator": "0x…", "signature": "0x…65 bytes",
//!   "calldata": "0x…postReport(report, signature)"
//! }
//! ```
//!
//! **Weights** (`weights.csv`): `contributor,score,weight,reason` for every scored contributor
//! in input order; `reason` is empty for the tree's members, else `non-positive`, `flagged` or
//! `rounded-to-zero`.
//!
//! **Tree** (`tree.json`): an `@openzeppelin/merkle-tree` `StandardMerkleTree` dump (`format:
//! "standard-v1"`, `leafEncoding: ["address", "uint256"]`, `values`: each member's `[address,
//! "weight"]` with its `treeIndex`, `tree`: every node, root first) plus the report's
//! `weightsRoot`, `totalWeight`, `datasetId`, `version` and `epoch`: enough for `attest claim`
//! to rebuild and check the tree and prove any member without the CSV.
//!
//! **Proofs** (`proofs/<lowercase 0x address>.json`, one per member, omitted with
//! `--no-proof-files`):
//! ```json
//! {"contributor": "0x…", "weight": "215676229", "leaf": "0x…", "proof": ["0x…", "…"],
//!  "weightsRoot": "0x…", "datasetId": "1", "epoch": 1}
//! ```
//!
//! **Claim** (printed by `attest claim`): `splitId`, `version`, `recipient`, `shares`, `proof`,
//! `token`, `leaf`, `weightsRoot`, the `claimMerkle(uint256,uint32,address,uint256,bytes32[],
//! address)` `calldata`, and with `--splitter` the `splitter` and an equivalent `cast` command
//! line. Layouts in detail: [`attribution::files`].
//!
//! # Commands
//!
//! ```text
//! export ATTESTOR_KEY=0x…
//! tributary attest batch --receipts week.jsonl --chain-id 412346 --anchor 0x… --out batch.json
//!     [--key 0x…] [--batch-id 0x…] [--period-start N] [--period-end N] [--deadline N]
//! tributary attest batch --receipts week.jsonl --deployment deployments/412346.json --out batch.json
//! cast send <anchor> $(jq -r .anchorCalldata batch.json) --private-key …
//! tributary attest verify --batch batch.json [--receipts week.jsonl] [--proof settle.json …]
//! tributary attest prove --batch batch.json (--select 0,2 | --license 2 | --all) --out settle.json
//! cast send <anchor> $(jq -r .settleCalldata settle.json) --private-key …
//! tributary attest prove --batch batch.json --receipts week.jsonl --receipt 0xjob --out receipt.json
//! cast call <disputes> $(jq -r .verifyReceiptCalldata receipt.json)
//! export TRIBUTARY_EVALUATOR_KEY=0x…
//! tributary attest attribution --scores scores.csv --dataset-id 1 --version 1 --epoch 1 \
//!     --benchmark-id 0x… --metric accuracy --deadline 1769904000 --chain-id 412346 \
//!     --datanets 0x… --out epoch-1 [--key 0x…] [--no-proof-files]
//! cast send <datanets> $(jq -r .calldata epoch-1/report.json) --private-key …
//! tributary attest claim (--tree epoch-1/tree.json --account 0x… | --proof epoch-1/proofs/0x….json)
//!     --split-id 1 --version 2 [--token 0x…] [--splitter 0x…] [--out claim.json]
//! tributary attest vectors [--out tests/vectors/usage_v2.json]
//!     [--attribution-out tests/vectors/attribution_v1.json] [--check]
//! ```
//!
//! # Library
//!
//! [`build_batch`] (receipts → signed [`BatchFile`]), [`prove`] (selected leaves → `settle`
//! arguments, [`ProofFile`]), [`prove_receipt`] (one receipt → `verifyReceipt` arguments,
//! [`ReceiptProofFile`]), and their offline checks [`verify_batch_file`], [`verify_proof`],
//! [`verify_receipt_proof`]. Attribution: [`attribution::Scores::parse`],
//! [`attribution::normalise`], [`attribution::WeightTree::build`], [`attribution::attribute`]
//! (scores → signed [`attribution::Attribution`]), [`attribution::report_digest`],
//! [`attribution::sign_report`], [`attribution::post_report_calldata`],
//! [`attribution::claim_calldata`], [`attribution::claim()`].

pub mod attribution;
pub mod batch;
pub mod command;
pub mod error;
pub mod json;
pub mod merkle;
pub mod prove;
pub mod signing;
pub mod types;
pub mod vectors;

pub use batch::{build_batch, group_receipts, verify_batch_file, BatchOptions, Grouping};
pub use error::{AttestError, Mismatch};
pub use json::{BatchFile, ProofFile, ReceiptJson, ReceiptProofFile, UsageLeafJson};
pub use merkle::{verify, verify_multiproof, MerkleTree, MultiProof};
pub use prove::{prove, prove_receipt, verify_proof, verify_receipt_proof, Selection};
pub use types::{receipt_leaf, usage_leaf, Batch, Receipt, UsageLeaf};
