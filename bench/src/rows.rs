//! The table: which operations have a row, the gas each side measured for them, and the two
//! renderings (the printed table and the `--json` array).
//!
//! A side records gas per [`Operation`] into a [`Measurements`]; [`rows`] joins the three runs
//! (Tributary uncached, Tributary cached, reference) in [`Operation::ALL`] order. An operation
//! gets a row once the Tributary side measures it; the reference column is `null` for an
//! operation the reference has no counterpart of. A row may borrow another operation's reference
//! measurement ([`Operation::reference`]: the model's settlement is compared with the reference's
//! one settlement), and may carry a note ([`Operation::note`]) printed under the table and written
//! to the JSON.
//!
//! Adding a row: add a variant to [`Operation`] (with its name and its place in
//! [`Operation::ALL`]), and record it from `crate::tributary_side` (and from
//! `crate::reference` if the reference has a counterpart). Each side's scenario runs its
//! operations in one order on one chain, so a new operation sets up what it needs (or reuses
//! the set-up in `TributarySide::set_up`) and leaves the state the later ones expect. A row that
//! needs a breakdown (an anatomy of where its gas goes) can add fields to [`Row`]; the JSON
//! carries whatever [`Row`] serialises.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::anatomy::{Anatomy, AnatomyRow, PartRow};

/// An operation the table can have a row for, in table order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Operation {
    /// Anchoring one signed batch (Tributary: `anchorBatch(Batch, bytes)` over usage leaves;
    /// reference: `anchorBatch(root, receiptCount, totalUnits, period, signature)`).
    AnchorBatch,
    /// Settling one proven item of an anchored batch: one usage leaf (Tributary), one receipt
    /// (reference).
    SettleOne,
    /// Settling one usage leaf of a model's inference license (asset `2^63 + modelId`, scope
    /// INFERENCE, unit kilo-tokens, 100 receipts as in [`Self::SettleOne`]): the escrow pays the
    /// fee to the revenue router, which routes it up the model's one-dataset lineage (the
    /// dataset's 7 % tier to its split, the rest to the model's split). Reference: the one
    /// receipt of [`Self::SettleOne`].
    SettleInference,
    /// Gas per billed receipt of a 1000-receipt batch over 10 licenses, anchoring included:
    /// (anchor + every settle) / 1000.
    BilledReceipt,
    /// The first funding of a license's escrow with ETH (`fundEscrow(licenseId)` payable).
    FundEscrow,
    /// A second native deposit (`deposit(splitId)` payable) into a listed split of three
    /// recipients.
    SplitDeposit,
    /// `withdraw` of a split's native currency to a recipient that is a fresh account (the
    /// payment creates it).
    SplitWithdraw,
    /// Minting a license from an offer whose price is paid into the dataset's split: the
    /// second mint of the offer.
    LicenseMint,
    /// Creating an offer on a registered dataset (the reference has no counterpart: its offer
    /// book has no registry to check, not the same job).
    CreateOffer,
    /// What one more recipient costs `createSplit`: the difference between a split of 12 and
    /// one of 2 recipients, divided by 10.
    CreateSplitPerRecipient,
    /// `ModelNft.transferFrom(holder, buyer, modelId)` of a registered model, by its holder, to
    /// an account holding no model: the token contract calls `registry.moveModel`, which opens
    /// a new version of the model's split paying the buyer. Reference: `transferFrom` of
    /// `LicenseReference.sol`'s minimal ERC-721, by a holder of one token to an account holding
    /// none.
    ModelTransfer,
    /// A second native deposit (`deposit(splitId)` payable, as [`Self::SplitDeposit`]) into the
    /// split of a dataset registered with `registerMerkleDataset` over a weight tree of 100,000
    /// contributors (`crate::workload::datanet`). The scenario fails unless its gas equals,
    /// apart from calldata, a deposit into a dataset of 3 listed contributors with the same total
    /// shares, and unless only the WASM execution differs from [`Self::SplitDeposit`]'s (3
    /// listed recipients, total shares 60; the splitter's long division costs ink by the total's
    /// value). Reference: the same deposit into a Merkle split of `MerkleSplitReference.sol`
    /// (`SplitReference.sol` with Merkle splits).
    DatanetDeposit,
    /// `claimMerkle(splitId, version, recipient, shares, proof, token)` of native currency by a
    /// member of that split with a 17-hash proof, after the two deposits: its first claim
    /// (proves and registers it), paying a fresh account. Reference:
    /// `MerkleSplitReference.claimMerkle` (OpenZeppelin `MerkleProof` with sorted pairs).
    DatanetClaim,
    /// `Datanets.postReport(report, signature)`: an epoch-1 attribution report over the 100,000
    /// contributors, signed with the attestor kit by an evaluator of the dataset, whose split
    /// was handed over to Datanets (`handOverSplit`, `configureDatanet`, `setEvaluator`).
    /// Reference: `DatanetReference.postReport` (EIP-712, `ecrecover`, an allow-list, three
    /// slots stored).
    DatanetPostReport,
    /// `Datanets.activateReport(datasetId)` once the veto window has passed: the report becomes
    /// the next version of the dataset's Merkle split (`updateMerkleSplit`). Reference:
    /// `DatanetReference.activateReport`, calling `MerkleSplitReference.updateMerkleSplit`.
    DatanetActivateReport,
}

impl Operation {
    /// Every operation, in table order.
    pub const ALL: [Self; 15] = [
        Self::AnchorBatch,
        Self::SettleOne,
        Self::SettleInference,
        Self::BilledReceipt,
        Self::FundEscrow,
        Self::SplitDeposit,
        Self::SplitWithdraw,
        Self::LicenseMint,
        Self::CreateOffer,
        Self::CreateSplitPerRecipient,
        Self::ModelTransfer,
        Self::DatanetDeposit,
        Self::DatanetClaim,
        Self::DatanetPostReport,
        Self::DatanetActivateReport,
    ];

    /// The row's name, as printed and in the JSON.
    pub const fn name(self) -> &'static str {
        match self {
            Self::AnchorBatch => "anchorBatch",
            Self::SettleOne => "settle 1 usage leaf",
            Self::SettleInference => "settle 1 inference leaf (model)",
            Self::BilledReceipt => "billed receipt (1000 over 10 licenses)",
            Self::FundEscrow => "fundEscrow",
            Self::SplitDeposit => "split deposit",
            Self::SplitWithdraw => "split withdraw",
            Self::LicenseMint => "license mint",
            Self::CreateOffer => "createOffer",
            Self::CreateSplitPerRecipient => "createSplit per recipient",
            Self::ModelTransfer => "model token transfer",
            Self::DatanetDeposit => "Datanet: deposit into 100,000-contributor dataset",
            Self::DatanetClaim => "Datanet: claimMerkle, 17-hash proof (first claim)",
            Self::DatanetPostReport => "Datanet: postReport (signed attribution report)",
            Self::DatanetActivateReport => "Datanet: activateReport (next split version)",
        }
    }

    /// The operation whose reference measurement this row is compared with: its own, another
    /// row's ([`Self::SettleInference`] borrows [`Self::SettleOne`]'s: the reference has one
    /// settlement), or none ([`Self::CreateOffer`]).
    pub const fn reference(self) -> Option<Self> {
        match self {
            Self::CreateOffer => None,
            Self::SettleInference => Some(Self::SettleOne),
            other => Some(other),
        }
    }

    /// What the row's comparison leaves out, printed under the table and written to the JSON.
    pub const fn note(self) -> Option<&'static str> {
        match self {
            Self::SettleInference => Some(
                "the reference is the one receipt of \"settle 1 usage leaf\", whose fee it \
                 pays into a split; Tributary also routes the fee up a one-dataset lineage \
                 (the router pays the dataset's 7 % tier into its split and the rest into the \
                 model's)",
            ),
            Self::ModelTransfer => Some(
                "the reference is a plain ERC-721 transferFrom (LicenseReference.sol); \
                 Tributary's transfer also enters the registry (moveModel) and the splitter (a \
                 new version of the model's split paying the buyer)",
            ),
            Self::CreateOffer => {
                Some("no reference: its offer book checks no registry, not the same job")
            }
            Self::DatanetDeposit => Some(
                "checked by the benchmark (see the deposit check below): the same gas, apart \
                 from calldata, as a deposit into a 3-contributor listed dataset with the same \
                 total shares; the reference deposits into a Merkle split of \
                 MerkleSplitReference.sol",
            ),
            Self::DatanetPostReport => Some(
                "Tributary also asks the registry for the dataset's version count (one call) \
                 and computes the EIP-712 domain separator per call; DatanetReference.sol keeps \
                 the count in its own slot and caches the separator",
            ),
            Self::DatanetActivateReport => Some(
                "Tributary asks the registry for the dataset's split and the splitter for its \
                 version before updateMerkleSplit (three calls); DatanetReference.sol keeps the \
                 split id and makes one call, which returns the version",
            ),
            _ => None,
        }
    }
}

impl std::fmt::Display for Operation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Gas one side measured in one run, per operation, with where it went, and what the scenario
/// checked that the table should say ([`Self::check`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Measurements {
    gas: BTreeMap<Operation, (u64, Option<Anatomy>)>,
    checks: Vec<String>,
}

impl Measurements {
    /// Records `gas` for `operation`, without an anatomy.
    ///
    /// # Panics
    /// If `operation` was already recorded: a scenario measures each operation once.
    pub fn record(&mut self, operation: Operation, gas: u64) {
        let previous = self.gas.insert(operation, (gas, None));
        assert!(previous.is_none(), "{operation} measured twice");
    }

    /// Records `gas` for `operation` and its `anatomy`.
    ///
    /// # Panics
    /// If `operation` was already recorded.
    pub fn record_with(&mut self, operation: Operation, gas: u64, anatomy: Anatomy) {
        let previous = self.gas.insert(operation, (gas, Some(anatomy)));
        assert!(previous.is_none(), "{operation} measured twice");
    }

    /// The gas recorded for `operation`.
    pub fn get(&self, operation: Operation) -> Option<u64> {
        self.gas.get(&operation).map(|(gas, _)| *gas)
    }

    /// The anatomy recorded for `operation`.
    pub fn anatomy(&self, operation: Operation) -> Option<AnatomyRow> {
        self.gas
            .get(&operation)
            .and_then(|(_, anatomy)| anatomy.as_ref())
            .map(Anatomy::row)
    }

    /// Every operation recorded, in table order.
    pub fn operations(&self) -> impl Iterator<Item = Operation> + '_ {
        self.gas.keys().copied()
    }

    /// Records a line about something the scenario checked (printed under the table's notes).
    pub fn check(&mut self, line: String) {
        self.checks.push(line);
    }

    /// The lines of [`Self::check`], in order.
    pub fn checks(&self) -> &[String] {
        &self.checks
    }
}

/// One row of the table. Gas is the receipt's `gasUsed`, the 21,000 intrinsic included.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Row {
    /// [`Operation::name`].
    #[serde(serialize_with = "operation_name")]
    pub operation: Operation,
    /// Tributary, programs not cached.
    pub tributary: u64,
    /// Tributary, every program cached through ArbWasmCache.
    pub tributary_cached: u64,
    /// The Solidity reference (`None`: no counterpart).
    pub reference: Option<u64>,
    /// Where `tributary`'s gas went.
    pub tributary_anatomy: Option<AnatomyRow>,
    /// Where `tributary_cached`'s gas went.
    pub tributary_cached_anatomy: Option<AnatomyRow>,
    /// Where `reference`'s gas went.
    pub reference_anatomy: Option<AnatomyRow>,
    /// [`Operation::note`].
    pub note: Option<&'static str>,
}

#[allow(clippy::trivially_copy_pass_by_ref)] // serde's `serialize_with` signature
fn operation_name<S: serde::Serializer>(operation: &Operation, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(operation.name())
}

impl Row {
    /// Tributary ÷ reference, uncached and cached (`None` without a reference).
    #[allow(clippy::cast_precision_loss)] // gas is far below 2^52
    pub fn ratios(&self) -> Option<(f64, f64)> {
        let reference = self.reference? as f64;
        Some((
            self.tributary as f64 / reference,
            self.tributary_cached as f64 / reference,
        ))
    }
}

/// A Tributary operation measured in one run and not in the other.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unpaired(pub Operation);

impl std::fmt::Display for Unpaired {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: measured with the programs cached or uncached, not both",
            self.0
        )
    }
}

impl std::error::Error for Unpaired {}

/// The rows: every operation Tributary measured in both runs, in table order, with the
/// reference's gas where it has the operation.
///
/// # Errors
/// [`Unpaired`] if an operation is in one Tributary run and not the other.
pub fn rows(
    uncached: &Measurements,
    cached: &Measurements,
    reference: &Measurements,
) -> Result<Vec<Row>, Unpaired> {
    let mut rows = Vec::new();
    for operation in Operation::ALL {
        match (uncached.get(operation), cached.get(operation)) {
            (Some(tributary), Some(tributary_cached)) => rows.push(Row {
                operation,
                tributary,
                tributary_cached,
                reference: operation.reference().and_then(|r| reference.get(r)),
                tributary_anatomy: uncached.anatomy(operation),
                tributary_cached_anatomy: cached.anatomy(operation),
                reference_anatomy: operation.reference().and_then(|r| reference.anatomy(r)),
                note: operation.note(),
            }),
            (None, None) => {}
            _ => return Err(Unpaired(operation)),
        }
    }
    Ok(rows)
}

/// `12,345`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The printed table: one line per row, ratios as Tributary ÷ reference.
pub fn table(rows: &[Row]) -> String {
    let header = [
        "operation",
        "tributary",
        "tributary cached",
        "reference",
        "ratio",
        "ratio cached",
    ];
    let mut lines: Vec<Vec<String>> = vec![header.map(str::to_owned).to_vec()];
    for row in rows {
        let (ratio, ratio_cached) = match row.ratios() {
            Some((r, c)) => (format!("{r:.2}x"), format!("{c:.2}x")),
            None => ("-".to_owned(), "-".to_owned()),
        };
        lines.push(vec![
            row.operation.name().to_owned(),
            thousands(row.tributary),
            thousands(row.tributary_cached),
            row.reference.map_or_else(|| "-".to_owned(), thousands),
            ratio,
            ratio_cached,
        ]);
    }
    render(&lines, 1)
}

/// `lines` as aligned columns: the first `left` left-aligned, the others right-aligned.
fn render(lines: &[Vec<String>], left: usize) -> String {
    let columns = lines.iter().map(Vec::len).max().unwrap_or(0);
    let mut widths = vec![0usize; columns];
    for line in lines {
        for (width, cell) in widths.iter_mut().zip(line) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for line in lines {
        let mut cells = Vec::with_capacity(columns);
        for (i, (cell, &width)) in line.iter().zip(&widths).enumerate() {
            cells.push(if i < left {
                format!("{cell:<width$}")
            } else {
                format!("{cell:>width$}")
            });
        }
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
    }
    out
}

/// The notes of the rows that have one ([`Operation::note`]), one line each, to print under the
/// table.
pub fn notes(rows: &[Row]) -> String {
    rows.iter()
        .filter_map(|row| Some(format!("{}: {}\n", row.operation.name(), row.note?)))
        .collect()
}

/// `-1,234` for signed gas.
fn signed_thousands(n: i64) -> String {
    let digits = thousands(n.unsigned_abs());
    if n < 0 {
        format!("-{digits}")
    } else {
        digits
    }
}

/// The anatomy table: per row and side, where the gas went (gas, and in brackets how many
/// program entries, state loads, slots written, events, calls); the parts add up to the last
/// column, the row's gas.
pub fn anatomy_table(rows: &[Row]) -> String {
    let header = [
        "operation",
        "side",
        "intrinsic",
        "calldata",
        "program entries",
        "storage reads",
        "storage writes",
        "events",
        "calls",
        "execution",
        "refund",
        "= gas",
    ];
    let part = |p: PartRow| format!("{} ({})", signed_thousands(p.gas), p.count);
    let mut lines: Vec<Vec<String>> = vec![header.map(str::to_owned).to_vec()];
    for row in rows {
        let sides = [
            ("tributary", row.tributary_anatomy),
            ("tributary cached", row.tributary_cached_anatomy),
            ("reference", row.reference_anatomy),
        ];
        let mut first = true;
        for (side, anatomy) in sides {
            let Some(a) = anatomy else { continue };
            let name = if first { row.operation.name() } else { "" };
            first = false;
            lines.push(vec![
                name.to_owned(),
                side.to_owned(),
                signed_thousands(a.intrinsic),
                signed_thousands(a.calldata),
                part(a.program_entries),
                part(a.storage_reads),
                part(a.storage_writes),
                part(a.events),
                part(a.calls),
                signed_thousands(a.execution),
                signed_thousands(a.refund),
                signed_thousands(a.gas_used),
            ]);
        }
    }
    render(&lines, 2)
}

/// The `--json` array, pretty-printed: `[{"operation", "tributary", "tributary_cached",
/// "reference", "tributary_anatomy", "tributary_cached_anatomy", "reference_anatomy", "note"}]`
/// (fields in that order; an anatomy is [`AnatomyRow`], `null` where the side has no such row;
/// `note` is [`Operation::note`] or `null`).
pub fn json(rows: &[Row]) -> String {
    serde_json::to_string_pretty(rows).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn measured(pairs: &[(Operation, u64)]) -> Measurements {
        let mut m = Measurements::default();
        for &(op, gas) in pairs {
            m.record(op, gas);
        }
        m
    }

    #[test]
    fn a_row_needs_both_tributary_runs_and_the_reference_is_optional() {
        let uncached = measured(&[
            (Operation::FundEscrow, 60_000),
            (Operation::AnchorBatch, 90_000),
        ]);
        let cached = measured(&[
            (Operation::FundEscrow, 50_000),
            (Operation::AnchorBatch, 80_000),
        ]);
        let reference = measured(&[(Operation::FundEscrow, 40_000)]);
        let rows = rows(&uncached, &cached, &reference).unwrap();
        assert_eq!(
            rows.iter().map(|r| r.operation).collect::<Vec<_>>(),
            [Operation::AnchorBatch, Operation::FundEscrow],
            "table order, not insertion order"
        );
        assert_eq!(rows[0].reference, None);
        assert_eq!(rows[1].ratios(), Some((1.5, 1.25)));

        let missing = measured(&[(Operation::FundEscrow, 50_000)]);
        assert_eq!(
            super::rows(&uncached, &missing, &reference),
            Err(Unpaired(Operation::AnchorBatch))
        );
    }

    #[test]
    fn the_json_names_the_operation_and_nulls_a_missing_reference() {
        let rows = [
            Row {
                operation: Operation::FundEscrow,
                tributary: 3,
                tributary_cached: 2,
                reference: Some(1),
                tributary_anatomy: None,
                tributary_cached_anatomy: None,
                reference_anatomy: None,
                note: None,
            },
            Row {
                operation: Operation::BilledReceipt,
                tributary: 3,
                tributary_cached: 2,
                reference: None,
                tributary_anatomy: None,
                tributary_cached_anatomy: None,
                reference_anatomy: None,
                note: None,
            },
        ];
        let text = json(&rows);
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(
            value,
            serde_json::json!([
                {"operation": "fundEscrow", "tributary": 3, "tributary_cached": 2, "reference": 1,
                 "tributary_anatomy": null, "tributary_cached_anatomy": null,
                 "reference_anatomy": null, "note": null},
                {"operation": "billed receipt (1000 over 10 licenses)", "tributary": 3,
                 "tributary_cached": 2, "reference": null, "tributary_anatomy": null,
                 "tributary_cached_anatomy": null, "reference_anatomy": null, "note": null},
            ])
        );
        let first = &text[..text.find('}').unwrap()];
        let at = |key: &str| first.find(&format!("\"{key}\"")).unwrap();
        assert!(at("operation") < at("tributary"));
        assert!(at("tributary") < at("tributary_cached"));
        assert!(at("tributary_cached") < at("reference"));
        assert!(at("reference") < at("tributary_anatomy"));
        assert!(at("reference_anatomy") < at("note"));
    }

    #[test]
    fn the_model_settlement_borrows_the_reference_settlement_and_says_so() {
        let uncached = measured(&[
            (Operation::SettleOne, 214_000),
            (Operation::SettleInference, 260_000),
            (Operation::ModelTransfer, 120_000),
        ]);
        let cached = measured(&[
            (Operation::SettleOne, 134_000),
            (Operation::SettleInference, 160_000),
            (Operation::ModelTransfer, 60_000),
        ]);
        let reference = measured(&[
            (Operation::SettleOne, 87_000),
            (Operation::ModelTransfer, 30_000),
        ]);
        let rows = rows(&uncached, &cached, &reference).unwrap();
        assert_eq!(
            rows.iter().map(|r| r.operation).collect::<Vec<_>>(),
            [
                Operation::SettleOne,
                Operation::SettleInference,
                Operation::ModelTransfer
            ],
            "the model's settlement sits next to the dataset's"
        );
        assert_eq!(rows[1].reference, Some(87_000));
        assert_eq!(rows[2].reference, Some(30_000));
        assert_eq!(rows[0].note, None);
        let notes = notes(&rows);
        assert_eq!(notes.lines().count(), 2, "{notes}");
        assert!(notes.starts_with("settle 1 inference leaf (model): "));
        assert!(notes.contains("lineage"));
        assert_eq!(Operation::CreateOffer.reference(), None);
        let value: serde_json::Value = serde_json::from_str(&json(&rows)).unwrap();
        assert_eq!(value[1]["operation"], "settle 1 inference leaf (model)");
        assert!(value[1]["note"]
            .as_str()
            .unwrap()
            .contains("one-dataset lineage"));
        assert!(value[0]["note"].is_null());
    }

    fn anatomy(gas: u64, entries: u64) -> crate::anatomy::Anatomy {
        use tributary_devnode::anatomy::{GasAnatomy, Part};
        let entry_gas = 10_000 * entries;
        crate::anatomy::Anatomy::single(&GasAnatomy {
            gas_used: gas,
            intrinsic: 21_000,
            calldata: 36,
            program_entries: Part {
                count: entries,
                gas: i64::try_from(entry_gas).unwrap(),
            },
            execution: i64::try_from(gas - 21_036 - entry_gas).unwrap(),
            ..GasAnatomy::default()
        })
    }

    #[test]
    fn every_side_carries_its_anatomy_in_the_json_and_the_anatomy_table() {
        let mut uncached = Measurements::default();
        uncached.record_with(Operation::SplitDeposit, 58_000, anatomy(58_000, 1));
        uncached.record_with(Operation::CreateOffer, 400_000, anatomy(400_000, 3));
        let mut cached = Measurements::default();
        cached.record_with(Operation::SplitDeposit, 38_000, anatomy(38_000, 1));
        cached.record_with(Operation::CreateOffer, 300_000, anatomy(300_000, 3));
        let mut reference = Measurements::default();
        reference.record_with(Operation::SplitDeposit, 37_000, anatomy(37_000, 0));
        let rows = rows(&uncached, &cached, &reference).unwrap();
        let value: serde_json::Value = serde_json::from_str(&json(&rows)).unwrap();
        assert_eq!(value[0]["operation"], "split deposit");
        assert_eq!(value[0]["tributary"], 58_000);
        let a = &value[0]["tributary_anatomy"];
        assert_eq!(a["gas_used"], 58_000);
        assert_eq!(a["intrinsic"], 21_000);
        assert_eq!(
            a["program_entries"],
            serde_json::json!({"count": 1, "gas": 10_000})
        );
        assert_eq!(a["execution"], 58_000 - 21_036 - 10_000);
        assert_eq!(a["refund"], 0);
        assert_eq!(value[0]["reference_anatomy"]["program_entries"]["count"], 0);
        assert_eq!(value[1]["operation"], "createOffer");
        assert!(value[1]["reference"].is_null());
        assert!(value[1]["reference_anatomy"].is_null());
        for row in &rows {
            for side in [row.tributary_anatomy, row.tributary_cached_anatomy] {
                assert_eq!(side.unwrap().sum(), side.unwrap().gas_used);
            }
        }

        let table = anatomy_table(&rows);
        let lines: Vec<&str> = table.lines().collect();
        assert_eq!(lines.len(), 1 + 3 + 2, "{table}");
        assert!(lines[0].starts_with("operation") && lines[0].ends_with("= gas"));
        assert!(lines[1].starts_with("split deposit") && lines[1].ends_with("58,000"));
        assert!(lines[1].contains("10,000 (1)"), "{}", lines[1]);
        assert!(lines[3].contains("reference") && lines[3].contains("0 (0)"));
        assert!(lines[4].starts_with("createOffer") && lines[4].contains("30,000 (3)"));
    }

    #[test]
    fn the_table_aligns_numbers_with_thousands_separators() {
        let rows = [Row {
            operation: Operation::FundEscrow,
            tributary: 61_234,
            tributary_cached: 48_000,
            reference: Some(45_678),
            tributary_anatomy: None,
            tributary_cached_anatomy: None,
            reference_anatomy: None,
            note: None,
        }];
        let table = table(&rows);
        let lines: Vec<&str> = table.lines().collect();
        assert_eq!(lines.len(), 2);
        assert!(lines[1].starts_with("fundEscrow "));
        assert!(lines[1].contains("61,234") && lines[1].contains("45,678"));
        assert!(lines[1].ends_with("1.34x         1.05x"), "{}", lines[1]);
        assert_eq!(thousands(1_000), "1,000");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }
}
