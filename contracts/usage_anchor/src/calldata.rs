//! Hand decoding of the two calls with struct arguments, `anchorBatch` and `settle`.
//!
//! Their external ABI is the standard one (the off-chain attestor kit encodes them with alloy;
//! the types are `tributary_abi::usage`'s):
//!
//! ```text
//! anchorBatch(Batch batch, bytes signature)
//! settle(Batch batch, UsageLeaf[] leaves, bytes32[] proof, bool[] proofFlags)
//! ```
//!
//! The contract receives them through its fallback ([`UsageAnchor::dispatch`]), which reads
//! the arguments with the small non-generic [`Reader`] below instead of alloy's generic
//! decoders (which cost several kilobytes of WASM per argument shape). Every field of a `Batch`
//! and a `UsageLeaf` is a static ABI type, so each is inline in the head (9 and 10 words) and
//! a leaf array is `n × 10` words; a struct's words are exactly its
//! `abi.encode`, which the struct hash and the Merkle leaves hash directly. Validation is what
//! alloy's validating decoder does: every word must be in the calldata, offsets and lengths
//! must point inside it, and a narrow value (`address`, `uint8/32/64`, `bool`) must have clean
//! high bits. Anything else reverts with `MalformedCalldata()`; unknown selectors revert without
//! data, like a contract without a fallback.

use alloc::vec::Vec;

use alloy_primitives::{Address, B256, U256};
use alloy_sol_types::SolCall;
use tributary_abi::usage::{anchorBatchCall, settleCall, BATCH_WORDS, LEAF_WORDS};

use crate::{
    errors::{Error, MalformedCalldata},
    UsageAnchor,
};

/// Bytes of an ABI-encoded batch.
pub const BATCH_SIZE: usize = BATCH_WORDS * 32;
/// Bytes of an ABI-encoded usage leaf.
pub const LEAF_SIZE: usize = LEAF_WORDS * 32;

/// The `MalformedCalldata` error.
fn malformed() -> Error {
    Error::MalformedCalldata(MalformedCalldata {})
}

/// Reads ABI words out of the arguments of a call (the calldata after the selector).
pub struct Reader<'a>(pub &'a [u8]);

impl<'a> Reader<'a> {
    /// The word at byte `at`.
    pub fn word(&self, at: usize) -> Result<&'a [u8; 32], Error> {
        let end = at.checked_add(32).ok_or_else(malformed)?;
        self.0
            .get(at..end)
            .and_then(|word| word.try_into().ok())
            .ok_or_else(malformed)
    }

    /// The word at byte `at`, which must hold a value of `bytes` bytes (high bytes zero).
    pub fn narrow(&self, at: usize, bytes: usize) -> Result<&'a [u8; 32], Error> {
        let word = self.word(at)?;
        if word[..32 - bytes].iter().any(|&b| b != 0) {
            return Err(malformed());
        }
        Ok(word)
    }

    /// A `bytes32`.
    pub fn b256(&self, at: usize) -> Result<B256, Error> {
        self.word(at).map(|word| B256::from(*word))
    }

    /// A `uint256`.
    pub fn uint(&self, at: usize) -> Result<U256, Error> {
        self.word(at).map(|word| U256::from_be_bytes(*word))
    }

    /// A `uint8` .. `uint64` of `bytes` bytes.
    pub fn small(&self, at: usize, bytes: usize) -> Result<u64, Error> {
        let word = self.narrow(at, bytes)?;
        let mut low = [0u8; 8];
        low.copy_from_slice(&word[24..]);
        Ok(u64::from_be_bytes(low))
    }

    /// An `address`.
    pub fn address(&self, at: usize) -> Result<Address, Error> {
        self.narrow(at, 20)
            .map(|word| Address::from_slice(&word[12..]))
    }

    /// A `bool` (0 or 1).
    pub fn bool(&self, at: usize) -> Result<bool, Error> {
        match self.narrow(at, 1)?[31] {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err(malformed()),
        }
    }

    /// A dynamic array (or `bytes`, with `size` 1) whose offset is the head word at `at`:
    /// `(start of its elements, length)`, with all `length × size` bytes inside the calldata.
    pub fn array(&self, at: usize, size: usize) -> Result<(usize, usize), Error> {
        let offset = self.small(at, 4)?;
        let offset = usize::try_from(offset).map_err(|_| malformed())?;
        let length = self.small(offset, 4)?;
        let length = usize::try_from(length).map_err(|_| malformed())?;
        let start = offset + 32;
        let end = length
            .checked_mul(size)
            .and_then(|bytes| start.checked_add(bytes))
            .ok_or_else(malformed)?;
        if end > self.0.len() {
            return Err(malformed());
        }
        Ok((start, length))
    }

    /// A `uint32`.
    pub fn u32(&self, at: usize) -> Result<u32, Error> {
        // `small(_, 4)` is below 2^32.
        #[allow(clippy::cast_possible_truncation)]
        self.small(at, 4).map(|value| value as u32)
    }

    /// A list of `bytes32` whose offset is the head word at `at`.
    pub fn words(&self, at: usize) -> Result<Vec<[u8; 32]>, Error> {
        let (start, length) = self.array(at, 32)?;
        // `array` checked that every element is inside the calldata.
        let mut words = Vec::with_capacity(length);
        for word in self.0[start..start + 32 * length].chunks_exact(32) {
            words.push(word.try_into().map_err(|_| malformed())?);
        }
        Ok(words)
    }

    /// The `bytes` of `size` at byte `at` (checked to be inside the calldata).
    pub fn slice(&self, at: usize, size: usize) -> Result<&'a [u8], Error> {
        let end = at.checked_add(size).ok_or_else(malformed)?;
        self.0.get(at..end).ok_or_else(malformed)
    }
}

/// A batch read from calldata, with its ABI words (what its struct hash covers).
pub struct BatchArg<'a> {
    /// `abi.encode(batch)`.
    pub words: &'a [u8],
    /// Id chosen by the attestor.
    pub batch_id: B256,
    /// The signing attestor.
    pub attestor: Address,
    /// Merkle root over the usage leaves.
    pub root: B256,
    /// Number of usage leaves.
    pub leaf_count: u32,
    /// Signed number of receipts.
    pub receipt_count: u32,
    /// Signed sum of units.
    pub total_units: U256,
    /// Start of the metering period.
    pub period_start: u64,
    /// End of the metering period.
    pub period_end: u64,
    /// Last second it can be anchored.
    pub deadline: u64,
}

/// A usage leaf read from calldata, with its Merkle leaf hash.
pub struct LeafArg {
    /// `keccak256(keccak256(abi.encode(leaf)))`.
    pub hash: B256,
    /// Position in the batch (its settled bit).
    pub index: u32,
    /// License billed.
    pub license_id: U256,
    /// Asset used.
    pub asset_id: U256,
    /// Scope used.
    pub scope: U256,
    /// Usage unit.
    pub unit: u8,
    /// Sum of units.
    pub units: U256,
    /// Receipts aggregated.
    pub receipt_count: u32,
    /// Earliest receipt.
    pub first_at: u64,
    /// Latest receipt.
    pub last_at: u64,
    /// Root of the receipts' tree.
    pub receipts_root: B256,
}

impl<'a> Reader<'a> {
    /// The batch at byte `at`.
    pub fn batch(&self, at: usize) -> Result<BatchArg<'a>, Error> {
        Ok(BatchArg {
            words: self.slice(at, BATCH_SIZE)?,
            batch_id: self.b256(at)?,
            attestor: self.address(at + 32)?,
            root: self.b256(at + 64)?,
            leaf_count: self.u32(at + 96)?,
            receipt_count: self.u32(at + 128)?,
            total_units: self.uint(at + 160)?,
            period_start: self.small(at + 192, 8)?,
            period_end: self.small(at + 224, 8)?,
            deadline: self.small(at + 256, 8)?,
        })
    }

    /// The usage leaf at byte `at`.
    pub fn leaf(&self, at: usize) -> Result<LeafArg, Error> {
        Ok(LeafArg {
            hash: crate::merkle::leaf_hash(self.slice(at, LEAF_SIZE)?),
            index: self.u32(at)?,
            license_id: self.uint(at + 32)?,
            asset_id: self.uint(at + 64)?,
            scope: self.uint(at + 96)?,
            // `small(_, 1)` is below 2^8.
            #[allow(clippy::cast_possible_truncation)]
            unit: self.small(at + 128, 1)? as u8,
            units: self.uint(at + 160)?,
            receipt_count: self.u32(at + 192)?,
            first_at: self.small(at + 224, 8)?,
            last_at: self.small(at + 256, 8)?,
            receipts_root: self.b256(at + 288)?,
        })
    }
}

/// Decoded `settle` arguments.
pub struct SettleArgs<'a> {
    /// The batch.
    pub batch: BatchArg<'a>,
    /// The usage leaves, in proof order.
    pub leaves: Vec<LeafArg>,
    /// The multiproof's sibling hashes.
    pub proof: Vec<[u8; 32]>,
    /// The multiproof's flags.
    pub flags: Vec<bool>,
}

/// Decodes `settle(batch, leaves, proof, proofFlags)` arguments.
///
/// # Errors
/// `MalformedCalldata`.
pub fn decode_settle(args: &[u8]) -> Result<SettleArgs<'_>, Error> {
    let r = Reader(args);
    let batch = r.batch(0)?;
    let (leaves_at, count) = r.array(BATCH_SIZE, LEAF_SIZE)?;
    let mut leaves = Vec::with_capacity(count);
    for i in 0..count {
        leaves.push(r.leaf(leaves_at + i * LEAF_SIZE)?);
    }
    let proof = r.words(BATCH_SIZE + 32)?;
    let (flags_at, flags_len) = r.array(BATCH_SIZE + 64, 32)?;
    let mut flags = Vec::with_capacity(flags_len);
    for i in 0..flags_len {
        flags.push(r.bool(flags_at + 32 * i)?);
    }
    Ok(SettleArgs {
        batch,
        leaves,
        proof,
        flags,
    })
}

impl UsageAnchor {
    /// Runs `anchorBatch` or `settle` from full calldata (selector first). `None` for any
    /// other selector.
    pub fn dispatch(&mut self, input: &[u8]) -> Option<Result<(), Error>> {
        let selector: [u8; 4] = input.get(..4)?.try_into().ok()?;
        let r = Reader(&input[4..]);
        Some(match selector {
            anchorBatchCall::SELECTOR => r.batch(0).and_then(|batch| {
                let (start, length) = r.array(BATCH_SIZE, 1)?;
                self.record_batch(&batch, &r.0[start..start + length])
            }),
            settleCall::SELECTOR => decode_settle(r.0).and_then(|call| self.settle_leaves(call)),
            _ => return None,
        })
    }
}

/// Typed forms of the two calls, ABI-encoded with alloy and run through
/// [`UsageAnchor::dispatch`] (the export-abi interface and the unit tests use them).
#[cfg(any(test, feature = "export-abi"))]
impl UsageAnchor {
    /// Runs ABI-encoded `args` of the call with `selector` through the fallback's decoder.
    fn run_typed(&mut self, selector: [u8; 4], args: &[u8]) -> Result<(), Error> {
        let mut data = selector.to_vec();
        data.extend_from_slice(args);
        self.dispatch(&data).unwrap_or_else(|| Err(malformed()))
    }

    /// `anchorBatch` with typed arguments.
    ///
    /// # Errors
    /// As `anchorBatch`.
    pub fn anchor_batch_typed(
        &mut self,
        batch: crate::BatchTuple,
        signature: &[u8],
    ) -> Result<(), Error> {
        use alloy_sol_types::SolValue;
        let args = (batch, alloy_primitives::Bytes::copy_from_slice(signature)).abi_encode_params();
        self.run_typed(anchorBatchCall::SELECTOR, &args)
    }

    /// `settle` with typed arguments.
    ///
    /// # Errors
    /// As `settle`.
    pub fn settle_typed(
        &mut self,
        batch: crate::BatchTuple,
        leaves: Vec<crate::LeafTuple>,
        proof: Vec<B256>,
        flags: Vec<bool>,
    ) -> Result<(), Error> {
        use alloy_sol_types::SolValue;
        use tributary_abi::usage::UsageLeaf;
        let leaves: Vec<UsageLeaf> = leaves.into_iter().map(UsageLeaf::from).collect();
        let args = (batch, leaves, proof, flags).abi_encode_params();
        self.run_typed(settleCall::SELECTOR, &args)
    }
}
