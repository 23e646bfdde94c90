//! Calls out of the disputes contract: the usage anchor (batch record, status changes), the
//! usage escrow (holds) and native payouts, through `tributary_abi::calls`.

use alloy_primitives::{Address, B256, U256};
use alloy_sol_types::SolCall;
use stylus_sdk::prelude::*;
/// The statuses `IUsageAnchor.batchInfo` answers, declared once in
/// `tributary_abi::usage::status`.
pub use tributary_abi::usage::status::{
    ANCHORED as STATUS_ANCHORED, CHALLENGED as STATUS_CHALLENGED, CLEARED as STATUS_CLEARED,
    NONE as STATUS_NONE, VOIDED as STATUS_VOIDED,
};
use tributary_abi::{
    abi_words::{call_data, Word},
    calls::{call, malformed},
    interfaces::{IUsageAnchor, IUsageEscrow},
};

use crate::{
    errors::{Error, NativeTransferFailed, UnknownBatch},
    UsageDisputes,
};

/// What the disputes contract reads of a batch from the anchor.
#[derive(Clone, Copy, Debug)]
pub struct BatchRecord {
    /// The first `BATCH_HASH_PREFIX` bytes of the batch's EIP-712 struct hash (the rest zero).
    pub hash: B256,
    /// When it was anchored.
    pub anchored_at: u64,
    /// Life-cycle status (`STATUS_*`).
    pub status: u8,
    /// Challenge rounds opened so far.
    pub round: u16,
}

impl UsageDisputes {
    /// The challenge window of `anchor` (word 3 of its `config()`).
    pub(crate) fn anchor_window(&self, anchor: Address) -> Result<u64, Error> {
        let out = call(
            self.vm(),
            anchor,
            None,
            &call_data(IUsageAnchor::configCall::SELECTOR, &[]),
        )?;
        out.low(3).ok_or_else(|| malformed(anchor).into())
    }

    /// The anchor's record of `attestor`'s batch `batch_id`; `UnknownBatch` if there is none.
    pub(crate) fn batch_record(
        &self,
        attestor: Address,
        batch_id: B256,
    ) -> Result<BatchRecord, Error> {
        let anchor = self.anchor.get();
        let out = call(
            self.vm(),
            anchor,
            None,
            &call_data(
                IUsageAnchor::batchInfoCall::SELECTOR,
                &[attestor.word(), batch_id.word()],
            ),
        )?;
        let (Some(hash), Some(anchored_at), Some(status), Some(round)) =
            (out.word(0), out.low(1), out.low(2), out.low(3))
        else {
            return Err(malformed(anchor).into());
        };
        let record = BatchRecord {
            hash: hash.into(),
            anchored_at,
            status: u8::try_from(status).map_err(|_| malformed(anchor))?,
            round: u16::try_from(round).map_err(|_| malformed(anchor))?,
        };
        if record.status == STATUS_NONE {
            return Err(Error::UnknownBatch(UnknownBatch {
                attestor,
                batchId: batch_id,
            }));
        }
        Ok(record)
    }

    /// `anchor.setBatchStatus(attestor, batchId, status)`.
    pub(crate) fn set_status(
        &mut self,
        attestor: Address,
        batch_id: B256,
        status: u8,
    ) -> Result<(), Error> {
        let data = call_data(
            IUsageAnchor::setBatchStatusCall::SELECTOR,
            &[attestor.word(), batch_id.word(), status.word()],
        );
        call(self.vm(), self.anchor.get(), Some(U256::ZERO), &data)?;
        Ok(())
    }

    /// `escrow.addHold(licenseId)` (`add`) or `escrow.removeHold(licenseId, settleable)`.
    pub(crate) fn notify_escrow(
        &mut self,
        license_id: U256,
        add: bool,
        settleable: bool,
    ) -> Result<(), Error> {
        let data = if add {
            call_data(IUsageEscrow::addHoldCall::SELECTOR, &[license_id.word()])
        } else {
            call_data(
                IUsageEscrow::removeHoldCall::SELECTOR,
                &[license_id.word(), settleable.word()],
            )
        };
        call(self.vm(), self.escrow.get(), Some(U256::ZERO), &data)?;
        Ok(())
    }

    /// Sends `amount` of native currency to `to`.
    pub(crate) fn send(&mut self, to: Address, amount: U256) -> Result<(), Error> {
        self.vm()
            .transfer_eth(to, amount)
            .map_err(|_| Error::NativeTransferFailed(NativeTransferFailed { to, amount }))
    }
}
