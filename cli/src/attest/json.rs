//! The JSON files of the attestor kit: receipts (JSON Lines), signed batches and proofs.
//!
//! Numbers that can exceed 2^53 (`uint256` ids and unit counts) are written as decimal strings
//! so that JavaScript readers keep them exact; `unit`, `timestamp`, `receiptCount`, the period
//! and `chainId` are plain JSON numbers. On input every numeric field also accepts a decimal or
//! `0x`-hex string. Hashes and addresses are `0x`-prefixed lowercase hex (any case is accepted).
//! The layouts are documented in the [`attest`](super) module.

use alloy::primitives::{Address, Bytes, B256, U256};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::types::{Batch, Receipt};

/// One line of a receipts file. `attestor` may be omitted on input: it then means the batch's
/// attestor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ReceiptJson {
    /// Unique id of the compute job at the attestor.
    pub job_id: B256,
    /// License token the use is billed to.
    #[serde(with = "decimal_u256")]
    pub license_id: U256,
    /// Dataset used.
    #[serde(with = "decimal_u256")]
    pub dataset_id: U256,
    /// Hash of the model trained or served.
    pub model_hash: B256,
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
            datasetId: self.dataset_id,
            modelHash: self.model_hash,
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
            dataset_id: r.datasetId,
            model_hash: r.modelHash,
            unit: r.unit,
            units: r.units,
            timestamp: r.timestamp,
            attestor: Some(r.attestor),
        }
    }
}

/// The signed batch fields, as in the `Batch` EIP-712 struct.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BatchJson {
    /// Unique batch id.
    pub batch_id: B256,
    /// The signing attestor.
    pub attestor: Address,
    /// Merkle root over the receipts' leaves.
    pub root: B256,
    /// Number of receipts.
    #[serde(with = "number_u32")]
    pub receipt_count: u32,
    /// Sum of the receipts' units.
    #[serde(with = "decimal_u256")]
    pub total_units: U256,
    /// Start of the metering period.
    #[serde(with = "number_u64")]
    pub period_start: u64,
    /// End of the metering period.
    #[serde(with = "number_u64")]
    pub period_end: u64,
}

impl From<&Batch> for BatchJson {
    fn from(b: &Batch) -> Self {
        Self {
            batch_id: b.batchId,
            attestor: b.attestor,
            root: b.root,
            receipt_count: b.receiptCount,
            total_units: b.totalUnits,
            period_start: b.periodStart,
            period_end: b.periodEnd,
        }
    }
}

impl From<&BatchJson> for Batch {
    fn from(b: &BatchJson) -> Self {
        Self {
            batchId: b.batch_id,
            attestor: b.attestor,
            root: b.root,
            receiptCount: b.receipt_count,
            totalUnits: b.total_units,
            periodStart: b.period_start,
            periodEnd: b.period_end,
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
    /// Every receipt's leaf, in the order of the receipts file.
    pub leaves: Vec<B256>,
    /// ABI-encoded `anchorBatch(batch, signature)` call, for `cast send <anchor> <data>`.
    pub anchor_calldata: Bytes,
}

/// A proof file (`attest prove` output): the arguments of
/// `settle(bytes32 batchId, Receipt[] receipts, bytes32[] proof, bool[] flags)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ProofFile {
    /// The batch the receipts belong to.
    pub batch_id: B256,
    /// The batch's Merkle root.
    pub root: B256,
    /// The proven receipts, in proof order (the order `settle` must receive them in).
    pub receipts: Vec<ReceiptJson>,
    /// The receipts' leaves, same order.
    pub leaves: Vec<B256>,
    /// Multiproof sibling hashes.
    pub proof: Vec<B256>,
    /// Multiproof flags.
    pub flags: Vec<bool>,
    /// ABI-encoded `settle(batchId, receipts, proof, flags)` call, for `cast send <anchor>
    /// <data>`.
    pub settle_calldata: Bytes,
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
            Self::String(s) => s
                .trim()
                .parse::<U256>()
                .map_err(|e| E::custom(format!("invalid number {s:?}: {e}"))),
        }
    }

    fn into_narrow<T: TryFrom<U256>, E: serde::de::Error>(self) -> Result<T, E> {
        let wide = self.into_u256::<E>()?;
        T::try_from(wide).map_err(|_| E::custom(format!("number {wide} out of range")))
    }
}

/// `uint256` as a decimal string.
mod decimal_u256 {
    use super::{Deserialize, Deserializer, NumberOrString, Serializer, U256};

    pub(super) fn serialize<S: Serializer>(v: &U256, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&v.to_string())
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<U256, D::Error> {
        NumberOrString::deserialize(d)?.into_u256()
    }
}

macro_rules! number_module {
    ($name:ident, $ty:ty, $ser:ident) => {
        #[doc = concat!("`", stringify!($ty), "` as a JSON number (a string is accepted on input).")]
        mod $name {
            use super::{Deserialize, Deserializer, NumberOrString, Serializer};

            #[allow(clippy::trivially_copy_pass_by_ref)]
            pub(super) fn serialize<S: Serializer>(v: &$ty, s: S) -> Result<S::Ok, S::Error> {
                s.$ser(*v)
            }

            pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<$ty, D::Error> {
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

    const LINE: &str = r#"{"jobId":"0x0101010101010101010101010101010101010101010101010101010101010101","licenseId":"1","datasetId":"7","modelHash":"0x0202020202020202020202020202020202020202020202020202020202020202","unit":0,"units":"250000","timestamp":1767225600,"attestor":"0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266"}"#;

    #[test]
    fn receipt_line_round_trips() {
        let parsed = parse_receipts_jsonl(LINE).unwrap();
        assert_eq!(parsed.len(), 1);
        assert_eq!(parsed[0].units, U256::from(250_000));
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
}
