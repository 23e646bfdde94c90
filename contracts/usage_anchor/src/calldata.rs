//! Hand decoding of the two calls with struct arguments, `anchorBatch` and `settle`.
//!
//! Their external ABI is the standard one (the off-chain attestor kit encodes them with alloy):
//!
//! ```text
//! anchorBatch((bytes32,address,bytes32,uint32,uint256,uint64,uint64),bytes)
//! settle(bytes32,(bytes32,uint256,uint256,bytes32,uint8,uint256,uint64,address)[],bytes32[],bool[])
//! ```
//!
//! The contract receives them through its fallback ([`UsageAnchor::dispatch`]), which reads
//! the arguments with the small non-generic [`Reader`] below instead of alloy's generic
//! decoders (which cost several kilobytes of WASM per argument shape). Every field of a `Batch`
//! and a `Receipt` is a static ABI type, so a batch is 7 words in the head and a receipt array
//! is `n × 8` words; the receipt's words are exactly `abi.encode(receipt)`, which the Merkle
//! leaf hashes directly. Validation is what alloy's validating decoder does: every word must be
//! in the calldata, offsets and lengths must point inside it, and a narrow value (`address`,
//! `uint8/32/64`, `bool`) must have clean high bits. Anything else reverts with
//! `MalformedCalldata()`; unknown selectors revert without data, like a contract without a
//! fallback.

use alloc::vec::Vec;

use alloy_primitives::{Address, B256, U256};
use alloy_sol_types::SolCall;
#[cfg(any(test, feature = "export-abi"))]
use alloy_sol_types::SolValue;
#[cfg(any(test, feature = "export-abi"))]
use tributary_abi::usage::Receipt;
use tributary_abi::usage::{anchorBatchCall, settleCall, Batch};

use crate::{
    errors::{Error, MalformedCalldata},
    UsageAnchor,
};

/// Selector of `anchorBatch`.
pub const ANCHOR_BATCH_SELECTOR: [u8; 4] = anchorBatchCall::SELECTOR;
/// Selector of `settle`.
pub const SETTLE_SELECTOR: [u8; 4] = settleCall::SELECTOR;

/// Bytes of one ABI-encoded receipt (8 static words).
pub const RECEIPT_SIZE: usize = 8 * 32;

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
}

/// Decoded `anchorBatch` arguments.
pub struct AnchorBatchArgs<'a> {
    /// The batch.
    pub batch: Batch,
    /// The attestor's signature.
    pub signature: &'a [u8],
}

/// Decodes `anchorBatch(batch, signature)` arguments.
///
/// # Errors
/// `MalformedCalldata`.
pub fn decode_anchor_batch(args: &[u8]) -> Result<AnchorBatchArgs<'_>, Error> {
    let r = Reader(args);
    let batch = Batch {
        batchId: r.b256(0)?,
        attestor: r.address(32)?,
        root: r.b256(64)?,
        // SAFETY of the cast: `small(_, 4)` is below 2^32.
        #[allow(clippy::cast_possible_truncation)]
        receiptCount: r.small(96, 4)? as u32,
        totalUnits: r.uint(128)?,
        periodStart: r.small(160, 8)?,
        periodEnd: r.small(192, 8)?,
    };
    let (start, length) = r.array(224, 1)?;
    Ok(AnchorBatchArgs {
        batch,
        signature: &args[start..start + length],
    })
}

/// What settlement needs of a receipt of a `settle` call, and its Merkle leaf.
pub struct ReceiptArg {
    /// `keccak256(keccak256(abi.encode(receipt)))`.
    pub leaf: B256,
    /// The license the use is billed to.
    pub license_id: U256,
    /// The dataset used.
    pub dataset_id: U256,
    /// Units used.
    pub units: U256,
    /// When the use happened.
    pub timestamp: u64,
    /// The attestor that signed the receipt.
    pub attestor: Address,
    /// The metering unit.
    pub unit: u8,
}

/// Decoded `settle` arguments.
pub struct SettleArgs {
    /// The batch.
    pub batch_id: B256,
    /// The receipts, in proof order, with their leaves.
    pub receipts: Vec<ReceiptArg>,
    /// The multiproof's sibling hashes.
    pub proof: Vec<[u8; 32]>,
    /// The multiproof's flags.
    pub flags: Vec<bool>,
}

/// Decodes one receipt from its 8 words (`jobId, licenseId, datasetId, modelHash, unit, units,
/// timestamp, attestor`); `unit`, `timestamp` and `attestor` must have clean high bytes.
fn decode_receipt(words: &[u8; RECEIPT_SIZE]) -> Result<ReceiptArg, Error> {
    let dirty = |from: usize, to: usize| words[from..to].iter().any(|&b| b != 0);
    if dirty(128, 159) || dirty(192, 216) || dirty(224, 236) {
        return Err(malformed());
    }
    let uint = |at: usize| {
        let mut word = [0u8; 32];
        word.copy_from_slice(&words[at..at + 32]);
        U256::from_be_bytes(word)
    };
    let mut timestamp = [0u8; 8];
    timestamp.copy_from_slice(&words[216..224]);
    Ok(ReceiptArg {
        leaf: crate::merkle::receipt_leaf_of_words(words),
        license_id: uint(32),
        dataset_id: uint(64),
        units: uint(160),
        timestamp: u64::from_be_bytes(timestamp),
        attestor: Address::from_slice(&words[236..256]),
        unit: words[159],
    })
}

impl UsageAnchor {
    /// Decodes `settle(batchId, receipts, proof, flags)` arguments, hashing each receipt's
    /// words into its leaf.
    ///
    /// # Errors
    /// `MalformedCalldata`.
    pub fn decode_settle(&self, args: &[u8]) -> Result<SettleArgs, Error> {
        let r = Reader(args);
        let batch_id = r.b256(0)?;
        let (receipts_at, count) = r.array(32, RECEIPT_SIZE)?;
        let (proof_at, proof_len) = r.array(64, 32)?;
        let (flags_at, flags_len) = r.array(96, 32)?;
        // `array` checked that every element is inside `args`.
        let mut receipts = Vec::with_capacity(count);
        for chunk in
            args[receipts_at..receipts_at + count * RECEIPT_SIZE].chunks_exact(RECEIPT_SIZE)
        {
            let words = chunk.try_into().map_err(|_| malformed())?;
            receipts.push(decode_receipt(words)?);
        }
        let mut proof = Vec::with_capacity(proof_len);
        for word in args[proof_at..proof_at + 32 * proof_len].chunks_exact(32) {
            proof.push(word.try_into().map_err(|_| malformed())?);
        }
        let mut flags = Vec::with_capacity(flags_len);
        for i in 0..flags_len {
            flags.push(r.bool(flags_at + 32 * i)?);
        }
        Ok(SettleArgs {
            batch_id,
            receipts,
            proof,
            flags,
        })
    }

    /// Runs `anchorBatch` or `settle` from full calldata (selector first). `None` for any
    /// other selector.
    pub fn dispatch(&mut self, input: &[u8]) -> Option<Result<(), Error>> {
        let (selector, args) = (input.get(..4)?, &input[4..]);
        if selector == ANCHOR_BATCH_SELECTOR {
            Some(
                decode_anchor_batch(args)
                    .and_then(|call| self.record_batch(&call.batch, call.signature)),
            )
        } else if selector == SETTLE_SELECTOR {
            Some(
                self.decode_settle(args)
                    .and_then(|call| self.settle_receipts(call)),
            )
        } else {
            None
        }
    }

    /// `anchorBatch` with typed arguments, ABI-encoded with alloy and run through
    /// [`UsageAnchor::dispatch`] (the export-abi interface and the unit tests use it).
    ///
    /// # Errors
    /// As `anchorBatch`.
    #[cfg(any(test, feature = "export-abi"))]
    pub fn anchor_batch_typed(
        &mut self,
        batch: crate::BatchTuple,
        signature: &[u8],
    ) -> Result<(), Error> {
        let mut data = ANCHOR_BATCH_SELECTOR.to_vec();
        data.extend(
            (batch, alloy_primitives::Bytes::copy_from_slice(signature)).abi_encode_params(),
        );
        self.dispatch(&data).unwrap_or_else(|| Err(malformed()))
    }

    /// `settle` with typed arguments, ABI-encoded with alloy and run through
    /// [`UsageAnchor::dispatch`] (the export-abi interface and the unit tests use it).
    ///
    /// # Errors
    /// As `settle`.
    #[cfg(any(test, feature = "export-abi"))]
    pub fn settle_typed(
        &mut self,
        batch_id: B256,
        receipts: Vec<crate::ReceiptTuple>,
        proof: Vec<B256>,
        flags: Vec<bool>,
    ) -> Result<(), Error> {
        let mut data = SETTLE_SELECTOR.to_vec();
        let receipts: Vec<Receipt> = receipts.into_iter().map(Receipt::from).collect();
        data.extend((batch_id, receipts, proof, flags).abi_encode_params());
        self.dispatch(&data).unwrap_or_else(|| Err(malformed()))
    }
}
