//! Where each row's gas goes: the devnode's gas anatomy of the row's transactions
//! (`debug_traceTransaction` with `{"tracer": "gasAnatomy"}`, `tributary_devnode::anatomy`),
//! combined as the row combines their gas.
//!
//! A row of one transaction gets that transaction's anatomy. A row derived from several
//! (`billed receipt`: anchoring and settling, per receipt; `createSplit per recipient`: the
//! difference of two `createSplit`s, per recipient) adds their anatomies (subtracting the
//! smaller `createSplit`'s) and divides every part by the row's divisor, rounded to the nearest
//! gas; the rounding (under one gas per part) is left in `execution`, so that the parts of every
//! row add up to the row's gas exactly. Counts are divided too, so they can be fractions
//! (0.005 program entries per billed receipt).

use alloy::{primitives::B256, providers::Provider};
use serde::{Serialize, Serializer};
use tributary::world::World;
use tributary_devnode::anatomy::{GasAnatomy, Part};

use crate::{
    rows::{Measurements, Operation},
    workload, BenchError,
};

/// The anatomy of the mined transaction `tx`, checked to add up to its gas.
pub async fn of_transaction<P: Provider>(
    world: &World<P>,
    tx: B256,
) -> Result<GasAnatomy, BenchError> {
    let anatomy: GasAnatomy = world
        .chain
        .raw_request(
            "debug_traceTransaction".into(),
            (tx, serde_json::json!({"tracer": "gasAnatomy"})),
        )
        .await
        .map_err(|e| BenchError(format!("debug_traceTransaction {tx} (gasAnatomy): {e}")))?;
    if anatomy.sum() != signed(anatomy.gas_used) {
        return Err(BenchError(format!(
            "the gas anatomy of {tx} adds up to {}, its gasUsed is {}",
            anatomy.sum(),
            anatomy.gas_used
        )));
    }
    Ok(anatomy)
}

/// Anatomies of transactions added (`+`) and subtracted (`-`) for one row, and what the row
/// divides their sum by.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Anatomy {
    /// The signed sum of the transactions' anatomies (`gas_used` and every part).
    total: Totals,
    /// What the row divides the sum by (1 for a row of one transaction).
    divisor: u64,
    /// Transactions added.
    transactions: u64,
}

/// A signed sum of anatomies.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Totals {
    gas_used: i64,
    intrinsic: i64,
    calldata: i64,
    program_entries: (i64, i64),
    storage_reads: (i64, i64),
    storage_writes: (i64, i64),
    events: (i64, i64),
    calls: (i64, i64),
    execution: i64,
    refund: i64,
}

fn signed(gas: u64) -> i64 {
    i64::try_from(gas).unwrap_or(i64::MAX)
}

impl Totals {
    fn add(&mut self, a: &GasAnatomy, sign: i64) {
        let part = |acc: &mut (i64, i64), p: Part| {
            acc.0 += sign * signed(p.count);
            acc.1 += sign * p.gas;
        };
        self.gas_used += sign * signed(a.gas_used);
        self.intrinsic += sign * signed(a.intrinsic);
        self.calldata += sign * signed(a.calldata);
        part(&mut self.program_entries, a.program_entries);
        part(&mut self.storage_reads, a.storage_reads);
        part(&mut self.storage_writes, a.storage_writes);
        part(&mut self.events, a.events);
        part(&mut self.calls, a.calls);
        self.execution += sign * a.execution;
        self.refund += sign * a.refund;
    }
}

impl Anatomy {
    /// The anatomy of one transaction.
    pub fn single(anatomy: &GasAnatomy) -> Self {
        Self::combined(&[anatomy], &[], 1)
    }

    /// `added` − `subtracted`, divided by `divisor`.
    pub fn combined(added: &[&GasAnatomy], subtracted: &[&GasAnatomy], divisor: u64) -> Self {
        let mut total = Totals::default();
        for a in added {
            total.add(a, 1);
        }
        for a in subtracted {
            total.add(a, -1);
        }
        Self {
            total,
            divisor: divisor.max(1),
            transactions: added.len() as u64,
        }
    }

    /// The row's gas this anatomy explains: the transactions' gas combined as the row's
    /// (rounded to the nearest gas).
    pub fn gas(&self) -> i64 {
        self.scaled(self.total.gas_used)
    }

    #[allow(clippy::cast_precision_loss, clippy::cast_possible_truncation)] // gas ≪ 2^52
    fn scaled(&self, value: i64) -> i64 {
        if self.divisor == 1 {
            return value;
        }
        (value as f64 / self.divisor as f64).round() as i64
    }

    #[allow(clippy::cast_precision_loss)] // counts ≪ 2^52
    fn count(&self, value: i64) -> Count {
        Count(value as f64 / self.divisor as f64)
    }

    fn part(&self, (count, gas): (i64, i64)) -> PartRow {
        PartRow {
            count: self.count(count),
            gas: self.scaled(gas),
        }
    }

    /// The parts as the row shows them: each divided and rounded, `execution` taking the
    /// rounding, so that they add up to [`Self::gas`].
    pub fn row(&self) -> AnatomyRow {
        let t = &self.total;
        let mut row = AnatomyRow {
            gas_used: self.gas(),
            intrinsic: self.scaled(t.intrinsic),
            calldata: self.scaled(t.calldata),
            program_entries: self.part(t.program_entries),
            storage_reads: self.part(t.storage_reads),
            storage_writes: self.part(t.storage_writes),
            events: self.part(t.events),
            calls: self.part(t.calls),
            execution: 0,
            refund: self.scaled(t.refund),
            transactions: self.transactions,
            divisor: self.divisor,
        };
        row.execution = row.gas_used - row.listed();
        row
    }
}

/// A count, possibly a fraction (printed as an integer when it is one).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Count(pub f64);

impl Serialize for Count {
    #[allow(clippy::cast_possible_truncation, clippy::float_cmp)]
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let whole = self.0.round();
        if whole == self.0 && whole.abs() < 1e15 {
            s.serialize_i64(whole as i64)
        } else {
            s.serialize_f64((self.0 * 1_000.0).round() / 1_000.0)
        }
    }
}

impl std::fmt::Display for Count {
    #[allow(clippy::cast_possible_truncation, clippy::float_cmp)]
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.0.round() == self.0 {
            write!(f, "{}", self.0 as i64)
        } else {
            write!(f, "{:.3}", self.0)
        }
    }
}

/// A part of a row's anatomy: how many and the gas.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct PartRow {
    /// How many (per the row's divisor).
    pub count: Count,
    /// Gas.
    pub gas: i64,
}

/// A row's anatomy as printed and written: gas integers, the parts adding up to `gas_used`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct AnatomyRow {
    /// The row's gas (equal to the row's column).
    pub gas_used: i64,
    /// Intrinsic gas without the calldata (21,000 per transaction).
    pub intrinsic: i64,
    /// Calldata gas.
    pub calldata: i64,
    /// Stylus program entries: memory, cached gas and init gas (uncached programs).
    pub program_entries: PartRow,
    /// Storage reads (Stylus state loads and storage-cache surcharges; EVM `SLOAD`).
    pub storage_reads: PartRow,
    /// Storage writes (Stylus flushed slots and storage-cache surcharges; EVM `SSTORE`).
    pub storage_writes: PartRow,
    /// Events.
    pub events: PartRow,
    /// Calls between programs or contracts, charged for the call itself.
    pub calls: PartRow,
    /// Everything else: WASM ink (opcodes, host-function ink), other EVM opcodes, precompiles.
    pub execution: i64,
    /// Refunds (SSTORE clears), zero or negative.
    pub refund: i64,
    /// Transactions the row adds up.
    pub transactions: u64,
    /// What their sum is divided by (receipts, recipients; 1 for a row of one transaction).
    pub divisor: u64,
}

impl AnatomyRow {
    /// Every part but `execution`.
    fn listed(&self) -> i64 {
        self.intrinsic
            + self.calldata
            + self.program_entries.gas
            + self.storage_reads.gas
            + self.storage_writes.gas
            + self.events.gas
            + self.calls.gas
            + self.refund
    }

    /// The sum of the parts (equal to `gas_used`).
    pub fn sum(&self) -> i64 {
        self.listed() + self.execution
    }
}

/// Records `row_gas` for `operation` in `gas` with its anatomy (see [`of_row`]).
pub async fn record<P: Provider>(
    world: &World<P>,
    gas: &mut Measurements,
    operation: Operation,
    row_gas: u64,
    (added, subtracted, divisor): (&[B256], &[B256], u64),
) -> Result<(), BenchError> {
    let anatomy = of_row(world, added, subtracted, divisor, row_gas)
        .await
        .map_err(|e| BenchError(format!("{operation}: {e}")))?;
    gas.record_with(operation, row_gas, anatomy);
    Ok(())
}

/// The anatomy of `row_gas` measured over `added` − `subtracted` transactions divided by
/// `divisor`, checked against the row's gas.
pub async fn of_row<P: Provider>(
    world: &World<P>,
    added: &[B256],
    subtracted: &[B256],
    divisor: u64,
    row_gas: u64,
) -> Result<Anatomy, BenchError> {
    let mut plus = Vec::with_capacity(added.len());
    for tx in added {
        plus.push(of_transaction(world, *tx).await?);
    }
    let mut minus = Vec::with_capacity(subtracted.len());
    for tx in subtracted {
        minus.push(of_transaction(world, *tx).await?);
    }
    let anatomy = Anatomy::combined(
        &plus.iter().collect::<Vec<_>>(),
        &minus.iter().collect::<Vec<_>>(),
        divisor,
    );
    let expected = workload::per_receipt(
        u64::try_from(anatomy.total.gas_used).unwrap_or(0),
        usize::try_from(divisor).unwrap_or(1),
    );
    if anatomy.gas() != signed(row_gas) || signed(expected) != signed(row_gas) {
        return Err(BenchError(format!(
            "the gas anatomy explains {} gas, the row measured {row_gas}",
            anatomy.gas()
        )));
    }
    Ok(anatomy)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tx(gas: u64, writes: u64, execution: i64, refund: i64) -> GasAnatomy {
        let write_gas = 20_000 * signed(writes);
        let gas_used = u64::try_from(21_000 + 100 + write_gas + execution + refund).unwrap();
        let a = GasAnatomy {
            gas_used,
            intrinsic: 21_000,
            calldata: 100,
            storage_writes: Part {
                count: writes,
                gas: write_gas,
            },
            execution,
            refund,
            ..GasAnatomy::default()
        };
        assert_eq!(a.gas_used, gas, "fixture");
        a
    }

    #[test]
    fn a_single_transaction_is_its_own_anatomy() {
        let a = tx(61_100, 2, 1_000, -1_000);
        let row = Anatomy::single(&a).row();
        assert_eq!(row.gas_used, 61_100);
        assert_eq!(row.sum(), 61_100);
        assert_eq!(row.storage_writes.gas, 40_000);
        assert_eq!(row.storage_writes.count, Count(2.0));
        assert_eq!((row.refund, row.execution), (-1_000, 1_000));
        assert_eq!((row.transactions, row.divisor), (1, 1));
    }

    #[test]
    fn a_difference_per_recipient_adds_up_to_the_row_after_rounding() {
        let small = tx(41_100, 1, 0, 0);
        let large = tx(241_103, 11, 3, 0);
        let anatomy = Anatomy::combined(&[&large], &[&small], 10);
        let row = anatomy.row();
        assert_eq!(row.gas_used, signed(workload::per_receipt(200_003, 10)));
        assert_eq!(row.sum(), row.gas_used);
        assert_eq!(row.intrinsic, 0, "the intrinsic gas cancels out");
        assert_eq!(row.storage_writes.count, Count(1.0));
        assert_eq!(row.storage_writes.gas, 20_000);
        let json = serde_json::to_value(row).unwrap();
        assert_eq!(json["storage_writes"]["count"], 1);
        let third = Anatomy::combined(&[&large], &[], 3).row();
        assert_eq!(third.sum(), third.gas_used);
        assert_eq!(
            serde_json::to_value(third).unwrap()["storage_writes"]["count"],
            3.667
        );
    }
}
