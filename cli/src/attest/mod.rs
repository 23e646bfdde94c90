//! The attestor kit: usage receipts, Merkle batches signed with EIP-712, and the multiproofs
//! that settle them on the usage anchor.
//!
//! A compute provider (the *attestor*) meters each use of a licensed dataset as a
//! [`Receipt`](types::Receipt), collects a period's receipts, builds a Merkle tree over their
//! leaves and signs the [`Batch`](types::Batch) (root, count, total units, period) with EIP-712.
//! Anyone submits the batch with `anchorBatch`; after the challenge window anyone settles
//! receipts with `settle(batchId, receipts, proof, flags)`, a multiproof in `OpenZeppelin`'s
//! format.
//!
//! # Encoding (what the contract recomputes)
//!
//! - Leaf: `keccak256(keccak256(abi.encode(receipt)))` ([`types::receipt_leaf`]), the same as
//!   `@openzeppelin/merkle-tree`'s `StandardMerkleTree` leaf of the receipt's eight fields.
//! - Tree: `StandardMerkleTree` layout: leaves sorted ascending, inner node = `keccak256` of the
//!   sorted pair ([`merkle`]). The root does not depend on receipt order.
//! - EIP-712 domain: `{name: "Tributary UsageAnchor", version: "1", chainId, verifyingContract}`;
//!   type `Batch(bytes32 batchId,address attestor,bytes32 root,uint32 receiptCount,uint256
//!   totalUnits,uint64 periodStart,uint64 periodEnd)`.
//! - Signature: 65 bytes `r ‖ s ‖ v`, `v ∈ {27, 28}`, `s ≤ n/2` ([`signing`]).
//! - Default batch id: `keccak256(abi.encode(uint256 chainId, address anchor, address attestor,
//!   bytes32 root, uint64 periodStart, uint64 periodEnd))` ([`types::derive_batch_id`]).
//!
//! # Files
//!
//! Numbers that can exceed 2^53 are decimal strings; hashes, addresses and bytes are `0x` hex.
//! Every numeric field also accepts a decimal or `0x`-hex string on input.
//!
//! **Receipts** (`receipts.jsonl`): JSON Lines, one receipt per line (blank lines and `#`
//! comments skipped). `attestor` may be omitted: it then means the batch's attestor.
//! ```json
//! {"jobId":"0x…32 bytes","licenseId":"2","datasetId":"1","modelHash":"0x…32 bytes","unit":0,"units":"250000","timestamp":1767650400,"attestor":"0xf39f…2266"}
//! ```
//! `unit` is the usage unit code (0 samples, 1 thousand tokens, 2 compute seconds).
//!
//! **Batch** (`batch.json`, written by `attest batch`):
//! ```json
//! {
//!   "chainId": 412346,
//!   "verifyingContract": "0x…anchor",
//!   "batch": {"batchId": "0x…", "attestor": "0x…", "root": "0x…", "receiptCount": 8,
//!             "totalUnits": "2000000", "periodStart": 1767571200, "periodEnd": 1768175999},
//!   "batchDigest": "0x…EIP-712 digest",
//!   "signature": "0x…65 bytes",
//!   "leaves": ["0x…", "…"],
//!   "anchorCalldata": "0x…anchorBatch(batch, signature)"
//! }
//! ```
//! `leaves` are the receipts' leaves in the order of the receipts file; `prove` rebuilds the
//! tree from them, so proving needs only the receipts being settled. `anchorCalldata` is the
//! ABI-encoded `anchorBatch((bytes32,address,bytes32,uint32,uint256,uint64,uint64),bytes)` call.
//!
//! **Proof** (`proof.json`, written by `attest prove`): the arguments of `settle`.
//! ```json
//! {
//!   "batchId": "0x…", "root": "0x…",
//!   "receipts": [{"jobId": "0x…", "…": "…"}],
//!   "leaves": ["0x…"], "proof": ["0x…"], "flags": [false, true],
//!   "settleCalldata": "0x…"
//! }
//! ```
//! `receipts` (and their `leaves`) are in proof order, the order `settle` must receive them in;
//! `settleCalldata` is the ABI-encoded
//! `settle(bytes32,(bytes32,uint256,uint256,bytes32,uint8,uint256,uint64,address)[],bytes32[],
//! bool[])` call.
//!
//! # Commands
//!
//! ```text
//! export ATTESTOR_KEY=0x…
//! tributary attest batch --receipts week.jsonl --chain-id 412346 --anchor 0x… --out batch.json
//!     [--key 0x…] [--batch-id 0x…] [--period-start N] [--period-end N]
//! tributary attest batch --receipts week.jsonl --deployment deployments/412346.json --out batch.json
//! cast send <anchor> $(jq -r .anchorCalldata batch.json) --private-key …
//! tributary attest verify --batch batch.json [--receipts week.jsonl]
//! tributary attest prove --batch batch.json --receipts week.jsonl (--select 0xjob,0xjob | --all) --out proof.json
//! cast send <anchor> $(jq -r .settleCalldata proof.json) --private-key …
//! tributary attest vectors [--out tests/vectors/usage_v1.json] [--check]
//! ```

pub mod batch;
pub mod command;
pub mod error;
pub mod json;
pub mod merkle;
pub mod prove;
pub mod signing;
pub mod types;
pub mod vectors;

pub use batch::{build_batch, verify_batch_file, BatchOptions};
pub use error::AttestError;
pub use json::{BatchFile, ProofFile, ReceiptJson};
pub use merkle::{verify, verify_multiproof, MerkleTree, MultiProof};
pub use prove::{prove, Selection};
pub use types::{receipt_leaf, Batch, Receipt};
