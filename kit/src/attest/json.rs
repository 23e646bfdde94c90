//! The JSON files of the attestor kit: receipts (JSON Lines), signed batches and proofs.
//!
//! Numbers that can exceed 2^53 (`uint256` ids, scopes and unit counts) are written as decimal
//! strings so that JavaScript readers keep them exact; `unit`, `index`, the counts, timestamps,
//! the period, the deadline and `chainId` are plain JSON numbers. On input every numeric field also
//! accepts a decimal or `0x`-hex string. Hashes and addresses are `0x`-prefixed lowercase hex (any
//! case is accepted). The layouts are documented in the [`attest`](super) module.

use alloy::primitives::{Address, Bytes, B256, U256};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::types::{Batch, Receipt, UsageLeaf};

/// One line of a receipts file. `attestor` may be omitted on input: it then means the batch's
/// attestor. `assetId` may be spelled `datasetId` (settlement v1's name) on input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ReceiptJson {
    /// Unique id of the job at the attestor.
    pub job_id: B256,
    /// License token the use is billed to.
    #[serde(with = "decimal_u256")]
    pub license_id: U256,
    /// Asset used (the license's dataset id).
    #[serde(with = "decimal_u256", alias = "datasetId")]
    pub asset_id: U256,
    /// Hash of the model trained or served.
    pub model_hash: B256,
    /// Scope bit set; on input also names such as `"TRAIN"` or `"TRAIN|COMMERCIAL"`.
    #[serde(with = "scope_u256")]
    pub scope: U256,
    /// Usage unit code.
    #[serde(with = "number_u8")]
    pub unit: u8,
    /// Units consumed.
    #[serde(with = "decimal_u256")]
    pub units: U256,
    /// Unix seconds of the use.
    #[serde(with = "number_u64")]
    pub timestamp: u64,
    /// The metering attestor (the batch's attestor when omitted).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attestor: Option<Address>,
}

impl ReceiptJson {
    /// The receipt, with `default_attestor` standing in for an omitted `attestor`.
    pub fn to_receipt(&self, default_attestor: Address) -> Receipt {
        Receipt {
            jobId: self.job_id,
            licenseId: self.license_id,
            assetId: self.asset_id,
            modelHash: self.model_hash,
            scope: self.scope,
            unit: self.unit,
            units: self.units,
            timestamp: self.timestamp,
            attestor: self.attestor.unwrap_or(default_attestor),
        }
    }
}

impl From<&Receipt> for ReceiptJson {
    fn from(r: &Receipt) -> Self {
        Self {
            job_id: r.jobId,
            license_id: r.licenseId,
            asset_id: r.assetId,
            model_hash: r.modelHash,
            scope: r.scope,
            unit: r.unit,
            units: r.units,
            timestamp: r.timestamp,
            attestor: Some(r.attestor),
        }
    }
}

/// A usage leaf, as in the `UsageLeaf` struct.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UsageLeafJson {
    /// Position in the batch's leaf list.
    #[serde(with = "number_u32")]
    pub index: u32,
    /// License billed.
    #[serde(with = "decimal_u256")]
    pub license_id: U256,
    /// Asset used.
    #[serde(with = "decimal_u256")]
    pub asset_id: U256,
    /// Scope used.
    #[serde(with = "scope_u256")]
    pub scope: U256,
    /// Usage unit code.
    #[serde(with = "number_u8")]
    pub unit: u8,
    /// Sum of the receipts' units.
    #[serde(with = "decimal_u256")]
    pub units: U256,
    /// Number of receipts.
    #[serde(with = "number_u32")]
    pub receipt_count: u32,
    /// Earliest receipt timestamp.
    #[serde(with = "number_u64")]
    pub first_at: u64,
    /// Latest receipt timestamp.
    #[serde(with = "number_u64")]
    pub last_at: u64,
    /// Merkle root of the receipts' leaves.
    pub receipts_root: B256,
}

impl From<&UsageLeaf> for UsageLeafJson {
    fn from(l: &UsageLeaf) -> Self {
        Self {
            index: l.index,
            license_id: l.licenseId,
            asset_id: l.assetId,
            scope: l.scope,
            unit: l.unit,
            units: l.units,
            receipt_count: l.receiptCount,
            first_at: l.firstAt,
            last_at: l.lastAt,
            receipts_root: l.receiptsRoot,
        }
    }
}

impl From<&UsageLeafJson> for UsageLeaf {
    fn from(l: &UsageLeafJson) -> Self {
        Self {
            index: l.index,
            licenseId: l.license_id,
            assetId: l.asset_id,
            scope: l.scope,
            unit: l.unit,
            units: l.units,
            receiptCount: l.receipt_count,
            firstAt: l.first_at,
            lastAt: l.last_at,
            receiptsRoot: l.receipts_root,
        }
    }
}

/// The signed batch fields, as in the `Batch` EIP-712 struct.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BatchJson {
    /// Batch id (unique per attestor).
    pub batch_id: B256,
    /// The signing attestor.
    pub attestor: Address,
    /// Merkle root over the usage leaves.
    pub root: B256,
    /// Number of usage leaves.
    #[serde(with = "number_u32")]
    pub leaf_count: u32,
    /// Number of receipts (sum over the leaves).
    #[serde(with = "number_u32")]
    pub receipt_count: u32,
    /// Sum of the units (over the leaves).
    #[serde(with = "decimal_u256")]
    pub total_units: U256,
    /// Start of the metering period.
    #[serde(with = "number_u64")]
    pub period_start: u64,
    /// End of the metering period.
    #[serde(with = "number_u64")]
    pub period_end: u64,
    /// Last second at which the batch may be anchored.
    #[serde(with = "number_u64")]
    pub deadline: u64,
}

impl From<&Batch> for BatchJson {
    fn from(b: &Batch) -> Self {
        Self {
            batch_id: b.batchId,
            attestor: b.attestor,
            root: b.root,
            leaf_count: b.leafCount,
            receipt_count: b.receiptCount,
            total_units: b.totalUnits,
            period_start: b.periodStart,
            period_end: b.periodEnd,
            deadline: b.deadline,
        }
    }
}

impl From<&BatchJson> for Batch {
    fn from(b: &BatchJson) -> Self {
        Self {
            batchId: b.batch_id,
            attestor: b.attestor,
            root: b.root,
            leafCount: b.leaf_count,
            receiptCount: b.receipt_count,
            totalUnits: b.total_units,
            periodStart: b.period_start,
            periodEnd: b.period_end,
            deadline: b.deadline,
        }
    }
}

/// A signed batch file (`attest batch` output).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BatchFile {
    /// Chain id of the EIP-712 domain.
    #[serde(with = "number_u64")]
    pub chain_id: u64,
    /// The usage anchor's address (EIP-712 `verifyingContract`).
    pub verifying_contract: Address,
    /// The signed fields.
    pub batch: BatchJson,
    /// The EIP-712 digest that was signed (informational; `attest verify` recomputes it).
    pub batch_digest: B256,
    /// 65 bytes `r ‖ s ‖ v`, `v ∈ {27, 28}`, low `s`.
    pub signature: Bytes,
    /// The usage leaves, in index order.
    pub leaves: Vec<UsageLeafJson>,
    /// `leafHashes[i]` is `usage_leaf(leaves[i])`.
    pub leaf_hashes: Vec<B256>,
    /// `receiptLeaves[i]` are the receipt leaves of `leaves[i]`, in `(timestamp, jobId)` order.
    pub receipt_leaves: Vec<Vec<B256>>,
    /// ABI-encoded `anchorBatch(batch, signature)` call, for `cast send <anchor> <data>`.
    pub anchor_calldata: Bytes,
}

impl BatchFile {
    /// The signed batch.
    pub fn batch(&self) -> Batch {
        Batch::from(&self.batch)
    }

    /// The usage leaves, in index order.
    pub fn usage_leaves(&self) -> Vec<UsageLeaf> {
        self.leaves.iter().map(UsageLeaf::from).collect()
    }
}

/// A settlement proof (`attest prove --select/--license/--all` output): the arguments of
/// `settle(batch, leaves, proof, proofFlags)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ProofFile {
    /// Chain id of the batch's EIP-712 domain.
    #[serde(with = "number_u64")]
    pub chain_id: u64,
    /// The usage anchor the batch is for (where to send the calls).
    pub verifying_contract: Address,
    /// The signed batch.
    pub batch: BatchJson,
    /// The proven leaves, in multiproof order (the order `settle` must receive them in).
    pub leaves: Vec<UsageLeafJson>,
    /// Their leaf hashes, same order.
    pub leaf_hashes: Vec<B256>,
    /// Multiproof sibling hashes (for one leaf: its path, bottom up).
    pub proof: Vec<B256>,
    /// Multiproof flags.
    pub proof_flags: Vec<bool>,
    /// ABI-encoded `settle(batch, leaves, proof, proofFlags)`, for `cast send <anchor> <data>`.
    pub settle_calldata: Bytes,
    /// With exactly one leaf: ABI-encoded `holdEscrow(batch, leaf, proof)`, a call of the
    /// `usage_disputes` contract that holds the escrow of the leaf's license while the batch is
    /// challenged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hold_escrow_calldata: Option<Bytes>,
}

impl ProofFile {
    /// The proven leaves, in multiproof order.
    pub fn usage_leaves(&self) -> Vec<UsageLeaf> {
        self.leaves.iter().map(UsageLeaf::from).collect()
    }
}

/// A receipt proof (`attest prove --receipt` output): one receipt proven down to the batch
/// root, the arguments of `verifyReceipt(batch, leaf, leafProof, receipt, receiptProof)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ReceiptProofFile {
    /// Chain id of the batch's EIP-712 domain.
    #[serde(with = "number_u64")]
    pub chain_id: u64,
    /// The usage anchor the batch is for.
    pub verifying_contract: Address,
    /// The signed batch.
    pub batch: BatchJson,
    /// The receipt.
    pub receipt: ReceiptJson,
    /// Its leaf (`receipt_leaf`).
    pub receipt_leaf: B256,
    /// Path from the receipt leaf to the leaf's `receiptsRoot`, bottom up.
    pub receipt_proof: Vec<B256>,
    /// The usage leaf that aggregates the receipt.
    pub leaf: UsageLeafJson,
    /// Its leaf hash (`usage_leaf`).
    pub leaf_hash: B256,
    /// Path from the leaf hash to the batch root, bottom up.
    pub leaf_proof: Vec<B256>,
    /// ABI-encoded `verifyReceipt(batch, leaf, leafProof, receipt, receiptProof)`, a view of the
    /// `usage_disputes` contract (`cast call <disputes> <data>`).
    pub verify_receipt_calldata: Bytes,
    /// ABI-encoded `holdEscrow(batch, leaf, leafProof)` (`usage_disputes`).
    pub hold_escrow_calldata: Bytes,
}

impl ReceiptProofFile {
    /// The receipt (its `attestor` is always present in a proof file).
    pub fn receipt(&self) -> Receipt {
        self.receipt.to_receipt(self.batch.attestor)
    }
}

/// Parses a receipts file: one JSON receipt per line; blank lines and lines starting with `#`
/// are skipped.
///
/// # Errors
///
/// The 1-based line number and the JSON error of the first bad line.
pub fn parse_receipts_jsonl(text: &str) -> Result<Vec<ReceiptJson>, (usize, serde_json::Error)> {
    text.lines()
        .enumerate()
        .filter(|(_, line)| {
            let line = line.trim();
            !line.is_empty() && !line.starts_with('#')
        })
        .map(|(i, line)| serde_json::from_str(line).map_err(|e| (i + 1, e)))
        .collect()
}

/// Writes receipts as JSON Lines (one compact object per line, trailing newline).
///
/// # Panics
///
/// Never: a receipt holds only strings, numbers and an optional string.
pub fn receipts_to_jsonl(receipts: &[ReceiptJson]) -> String {
    let mut out = String::new();
    for r in receipts {
        // SAFETY of `expect`: these types serialise infallibly (strings, numbers, options).
        out.push_str(&serde_json::to_string(r).expect("receipt serialises"));
        out.push('\n');
    }
    out
}

/// A decimal or `0x`-hex number (surrounding spaces allowed; an empty string is not zero).
fn parse_u256(text: &str) -> Result<U256, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("empty".into());
    }
    text.parse::<U256>().map_err(|e| e.to_string())
}

/// A JSON number or a decimal / `0x`-hex string.
#[derive(Deserialize)]
#[serde(untagged)]
enum NumberOrString {
    Number(u64),
    String(String),
}

impl NumberOrString {
    fn into_u256<E: serde::de::Error>(self) -> Result<U256, E> {
        match self {
            Self::Number(n) => Ok(U256::from(n)),
            Self::String(s) => {
                parse_u256(&s).map_err(|e| E::custom(format!("invalid number {s:?}: {e}")))
            }
        }
    }

    fn into_narrow<T: TryFrom<U256>, E: serde::de::Error>(self) -> Result<T, E> {
        let wide = self.into_u256::<E>()?;
        T::try_from(wide).map_err(|_| E::custom(format!("number {wide} out of range")))
    }
}

/// `uint256` as a decimal string.
pub(crate) mod decimal_u256 {
    use super::{Deserialize, Deserializer, NumberOrString, Serializer, U256};

    pub(crate) fn serialize<S: Serializer>(v: &U256, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&v.to_string())
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<U256, D::Error> {
        NumberOrString::deserialize(d)?.into_u256()
    }
}

/// A `uint256` scope bit set as a decimal string; on input also a JSON number, a `0x`-hex
/// string or scope names joined by `|` (`"TRAIN"`, `"train | commercial"`).
mod scope_u256 {
    use super::{Deserialize, Deserializer, NumberOrString, Serializer, U256};
    use crate::attest::types::scope::NAMES;

    pub(super) fn serialize<S: Serializer>(v: &U256, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&v.to_string())
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<U256, D::Error> {
        use serde::de::Error;
        match NumberOrString::deserialize(d)? {
            NumberOrString::Number(n) => Ok(U256::from(n)),
            NumberOrString::String(s) => {
                if let Ok(value) = super::parse_u256(&s) {
                    return Ok(value);
                }
                s.split('|').try_fold(U256::ZERO, |bits, name| {
                    let name = name.trim();
                    NAMES
                        .iter()
                        .find(|(known, _)| known.eq_ignore_ascii_case(name))
                        .map(|&(_, bit)| bits | U256::from(bit))
                        .ok_or_else(|| {
                            D::Error::custom(format!(
                                "invalid scope {s:?}: expected a number or names among \
                                 TRAIN, INFERENCE, COMMERCIAL, DERIVATIVES, FINE_TUNE, \
                                 EVALUATION joined by |"
                            ))
                        })
                })
            }
        }
    }
}

macro_rules! number_module {
    ($name:ident, $ty:ty, $ser:ident) => {
        #[doc = concat!("`", stringify!($ty), "` as a JSON number (a string is accepted on input).")]
        pub(crate) mod $name {
            use super::{Deserialize, Deserializer, NumberOrString, Serializer};

            #[allow(clippy::trivially_copy_pass_by_ref)]
            pub(crate) fn serialize<S: Serializer>(v: &$ty, s: S) -> Result<S::Ok, S::Error> {
                s.$ser(*v)
            }

            pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<$ty, D::Error> {
                NumberOrString::deserialize(d)?.into_narrow()
            }
        }
    };
}

number_module!(number_u8, u8, serialize_u8);
number_module!(number_u32, u32, serialize_u32);
number_module!(number_u64, u64, serialize_u64);

/// Serialises `value` as pretty JSON with a trailing newline.
///
/// # Panics
///
/// If `value`'s `Serialize` fails, which the kit's file types (strings, numbers, booleans,
/// arrays, structs) never do.
pub fn to_pretty_json<T: Serialize>(value: &T) -> String {
    // SAFETY of `expect`: the file types hold only strings, numbers, booleans and arrays.
    let mut out = serde_json::to_string_pretty(value).expect("value serialises");
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const LINE: &str = r#"{"jobId":"0x0101010101010101010101010101010101010101010101010101010101010101","licenseId":"1","assetId":"7","modelHash":"0x0202020202020202020202020202020202020202020202020202020202020202","scope":"1","unit":0,"units":"250000","timestamp":1767225600,"attestor":"0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266"}"#;

    #[test]
    fn receipt_line_round_trips() {
        let parsed = parse_receipts_jsonl(LINE).unwrap();
        assert_eq!(parsed.len(), 1);
        assert_eq!(parsed[0].units, U256::from(250_000));
        assert_eq!(parsed[0].scope, U256::from(1));
        assert_eq!(receipts_to_jsonl(&parsed), format!("{LINE}\n"));
    }

    #[test]
    fn numbers_accept_strings_hex_and_big_values() {
        let line = LINE
            .replace(r#""licenseId":"1""#, r#""licenseId":"0x10""#)
            .replace(r#""unit":0"#, r#""unit":"2""#)
            .replace(
                r#""units":"250000""#,
                &format!(r#""units":"{}""#, U256::MAX),
            )
            .replace(r#""timestamp":1767225600"#, r#""timestamp":"1767225601""#);
        let r = &parse_receipts_jsonl(&line).unwrap()[0];
        assert_eq!(r.license_id, U256::from(16));
        assert_eq!(r.unit, 2);
        assert_eq!(r.units, U256::MAX);
        assert_eq!(r.timestamp, 1_767_225_601);
    }

    #[test]
    fn scope_accepts_numbers_hex_and_names() {
        for (written, bits) in [
            (r#""scope":5"#, 5_u64),
            (r#""scope":"0x24""#, 0x24),
            (r#""scope":"TRAIN""#, 1),
            (r#""scope":"train | Commercial""#, 5),
            (
                r#""scope":"FINE_TUNE|EVALUATION|INFERENCE|DERIVATIVES""#,
                0x3a,
            ),
        ] {
            let line = LINE.replace(r#""scope":"1""#, written);
            assert_eq!(
                parse_receipts_jsonl(&line).unwrap()[0].scope,
                U256::from(bits),
                "{written}"
            );
        }
        let big = LINE.replace(r#""scope":"1""#, &format!(r#""scope":"{}""#, U256::MAX));
        assert_eq!(parse_receipts_jsonl(&big).unwrap()[0].scope, U256::MAX);
        for bad in [r#""scope":"TRAIN|FLY""#, r#""scope":"""#, r#""scope":-1"#] {
            let line = LINE.replace(r#""scope":"1""#, bad);
            assert!(parse_receipts_jsonl(&line).is_err(), "{bad}");
        }
        let missing = LINE.replace(r#""scope":"1","#, "");
        assert!(parse_receipts_jsonl(&missing).is_err(), "scope is required");
    }

    #[test]
    fn dataset_id_is_accepted_for_asset_id() {
        let legacy = LINE.replace("assetId", "datasetId");
        let r = &parse_receipts_jsonl(&legacy).unwrap()[0];
        assert_eq!(r.asset_id, U256::from(7));
        // Written back under the v2 name.
        assert_eq!(
            receipts_to_jsonl(std::slice::from_ref(r)),
            format!("{LINE}\n")
        );
        let both = LINE.replace(r#""assetId":"7""#, r#""assetId":"7","datasetId":"7""#);
        assert!(parse_receipts_jsonl(&both).is_err());
    }

    #[test]
    fn bad_lines_report_their_line_number() {
        let text = format!(
            "# comment\n\n{LINE}\n{}\n",
            LINE.replace(r#""unit":0"#, r#""unit":256"#)
        );
        let (line, _) = parse_receipts_jsonl(&text).unwrap_err();
        assert_eq!(line, 4);
        let unknown = LINE.replace(r#""unit":0"#, r#""unit":0,"extra":1"#);
        assert!(parse_receipts_jsonl(&unknown).is_err());
    }

    #[test]
    fn omitted_attestor_defaults_to_the_batch_attestor() {
        let line = LINE.replace(
            r#","attestor":"0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266""#,
            "",
        );
        let r = &parse_receipts_jsonl(&line).unwrap()[0];
        assert_eq!(r.attestor, None);
        assert_eq!(
            r.to_receipt(Address::repeat_byte(5)).attestor,
            Address::repeat_byte(5)
        );
    }

    #[test]
    fn leaf_and_batch_convert_both_ways() {
        let leaf = UsageLeaf {
            index: 3,
            licenseId: U256::from(2),
            assetId: U256::from(1),
            scope: U256::from(9),
            unit: 1,
            units: U256::from(580_000),
            receiptCount: 3,
            firstAt: 10,
            lastAt: 20,
            receiptsRoot: B256::repeat_byte(4),
        };
        assert_eq!(UsageLeaf::from(&UsageLeafJson::from(&leaf)), leaf);
        let batch = Batch {
            batchId: B256::repeat_byte(1),
            attestor: Address::repeat_byte(2),
            root: B256::repeat_byte(3),
            leafCount: 2,
            receiptCount: 8,
            totalUnits: U256::from(2_000_000),
            periodStart: 1,
            periodEnd: 2,
            deadline: 3,
        };
        assert_eq!(Batch::from(&BatchJson::from(&batch)), batch);
    }
}
