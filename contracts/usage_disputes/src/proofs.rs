//! Proofs against anchored batches: escrow holds (a challenged leaf holds its license's escrow)
//! and single receipts (`verifyReceipt`).
//!
//! A batch is passed in full and must hash (EIP-712 `hashStruct`, [`BATCH_TYPE`]) to what the
//! anchor stored for it; leaves and receipts are Merkle leaves `keccak256(keccak256(abi.encode(
//! value)))` in `StandardMerkleTree`-shaped trees (`docs/settlement.md` §1), verified with
//! `OpenZeppelin`'s verifier on the host's keccak.

use alloy_primitives::{Address, B256, U256};
use alloy_sol_types::SolValue;
use openzeppelin_crypto::merkle::Verifier;
use stylus_sdk::{keccak_const::Keccak256, prelude::*, stylus_core::log};
use tributary_abi::usage::{Receipt, UsageLeaf, BATCH_HASH_PREFIX, BATCH_TYPE};
use tributary_merkle::{double_keccak, keccak, NativeKeccak};

use crate::{
    anchor::{BatchRecord, STATUS_CHALLENGED, STATUS_CLEARED, STATUS_VOIDED},
    errors::{
        BatchMismatch, BatchUnderChallenge, Error, EscrowAlreadyHeld, InvalidProof,
        InvalidUsageLeaf, NoEscrowHold, NoOpenChallenge,
    },
    events::{EscrowHoldPlaced, EscrowHoldReleased},
    BatchTuple, LeafTuple, ReceiptTuple, UsageDisputes,
};

/// `keccak256` of the EIP-712 type string of a batch.
pub const BATCH_TYPEHASH: [u8; 32] = Keccak256::new().update(BATCH_TYPE.as_bytes()).finalize();

/// EIP-712 `hashStruct(batch)`: `keccak256(typehash ‖ abi.encode(batch))` (every field is
/// static).
pub fn batch_struct_hash(batch: &BatchTuple) -> B256 {
    let mut preimage = BATCH_TYPEHASH.to_vec();
    preimage.extend_from_slice(&batch.abi_encode());
    keccak(&preimage)
}

/// The Merkle leaf of a usage leaf.
fn leaf_hash(leaf: &LeafTuple) -> B256 {
    double_keccak(&UsageLeaf::from(*leaf).abi_encode())
}

/// Whether `leaf` is in the tree with `root` along the plain Merkle path `proof`.
fn on_path(root: B256, leaf: B256, proof: &[B256]) -> bool {
    let proof: alloc::vec::Vec<[u8; 32]> = proof.iter().map(|node| node.0).collect();
    Verifier::verify_with_builder(&proof, root.0, leaf.0, &NativeKeccak)
}

impl UsageDisputes {
    /// The anchor's record of `batch`, which must be the batch anchored under its attestor and
    /// id.
    fn matching_batch(&self, batch: &BatchTuple) -> Result<BatchRecord, Error> {
        let (batch_id, attestor) = (batch.0, batch.1);
        let record = self.batch_record(attestor, batch_id)?;
        // The anchor keeps the first `BATCH_HASH_PREFIX` bytes of the struct hash.
        if record.hash[..BATCH_HASH_PREFIX] != batch_struct_hash(batch)[..BATCH_HASH_PREFIX] {
            return Err(Error::BatchMismatch(BatchMismatch {
                attestor,
                batchId: batch_id,
            }));
        }
        Ok(record)
    }

    /// `holdEscrow`: leaf `leaf` of the challenged `batch` holds its license's escrow.
    pub(crate) fn place_hold(
        &mut self,
        batch: &BatchTuple,
        leaf: &LeafTuple,
        proof: &[B256],
    ) -> Result<(), Error> {
        let (batch_id, attestor, root, leaf_count) = (batch.0, batch.1, batch.2, batch.3);
        let (index, license_id) = (leaf.0, leaf.1);
        let record = self.matching_batch(batch)?;
        if record.status != STATUS_CHALLENGED {
            return Err(Error::NoOpenChallenge(NoOpenChallenge {
                attestor,
                batchId: batch_id,
            }));
        }
        if !on_path(root, leaf_hash(leaf), proof) {
            return Err(Error::InvalidProof(InvalidProof {
                attestor,
                batchId: batch_id,
            }));
        }
        if index >= leaf_count || license_id.is_zero() {
            return Err(Error::InvalidUsageLeaf(InvalidUsageLeaf {
                attestor,
                batchId: batch_id,
                index,
            }));
        }
        let key = tributary_merkle::batch_key(attestor, batch_id);
        let mut holds = self.holds.setter(key);
        let mut held = holds.setter(U256::from(index));
        if !held.get().is_zero() {
            return Err(Error::EscrowAlreadyHeld(EscrowAlreadyHeld {
                attestor,
                batchId: batch_id,
                index,
            }));
        }
        held.set(license_id);
        log(
            self.vm(),
            EscrowHoldPlaced {
                attestor,
                batchId: batch_id,
                licenseId: license_id,
                index,
            },
        );
        self.notify_escrow(license_id, true, false)
    }

    /// `releaseEscrow`: ends the hold of leaf `index` once the batch's round is resolved.
    pub(crate) fn release_hold(
        &mut self,
        attestor: Address,
        batch_id: B256,
        index: u32,
    ) -> Result<(), Error> {
        let key = tributary_merkle::batch_key(attestor, batch_id);
        let license_id = self.holds.getter(key).get(U256::from(index));
        if license_id.is_zero() {
            return Err(Error::NoEscrowHold(NoEscrowHold {
                attestor,
                batchId: batch_id,
                index,
            }));
        }
        let record = self.batch_record(attestor, batch_id)?;
        if record.status == STATUS_CHALLENGED {
            return Err(Error::BatchUnderChallenge(BatchUnderChallenge {
                attestor,
                batchId: batch_id,
            }));
        }
        self.holds
            .setter(key)
            .setter(U256::from(index))
            .set(U256::ZERO);
        log(
            self.vm(),
            EscrowHoldReleased {
                attestor,
                batchId: batch_id,
                licenseId: license_id,
                index,
            },
        );
        self.notify_escrow(license_id, false, record.status == STATUS_CLEARED)
    }

    /// `verifyReceipt`.
    pub(crate) fn receipt_is_anchored(
        &self,
        batch: &BatchTuple,
        leaf: &LeafTuple,
        leaf_proof: &[B256],
        receipt: &ReceiptTuple,
        receipt_proof: &[B256],
    ) -> Result<bool, Error> {
        let record = match self.matching_batch(batch) {
            Ok(record) => record,
            Err(Error::UnknownBatch(_) | Error::BatchMismatch(_)) => return Ok(false),
            Err(error) => return Err(error),
        };
        let (_, license_id, asset_id, _, scope, unit, _, timestamp, attestor) = *receipt;
        let agrees = record.status != STATUS_VOIDED
            && license_id == leaf.1
            && asset_id == leaf.2
            && scope == leaf.3
            && unit == leaf.4
            && attestor == batch.1
            && leaf.7 <= timestamp
            && timestamp <= leaf.8;
        Ok(agrees
            && on_path(
                leaf.9,
                double_keccak(&Receipt::from(*receipt).abi_encode()),
                receipt_proof,
            )
            && on_path(batch.2, leaf_hash(leaf), leaf_proof))
    }
}
