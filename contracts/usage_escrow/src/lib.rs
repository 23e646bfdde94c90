//! Tributary usage escrow: per-license escrow for usage fees, debt, and the withdrawal rule.
//!
//! Split out of the usage anchor to keep both under the 24 KiB code limit. The anchor proves and
//! checks receipts and calls [`UsageEscrow::charge`] once per `settle`; this contract holds the
//! escrow balances (native and ERC-20), takes the fees, records debt (it is the license
//! contract's configured *usage anchor*, the only caller of `ILicenseNft.setDebt`) and deposits
//! fees into the datasets' splits. Modules, one concern each:
//!
//! - [`funding`]: `fundEscrow` / `fundEscrowToken`, debt repayment;
//! - [`charging`]: the anchor's `charge`, debt recording, fee deposits;
//! - [`withdrawals`]: the two-step withdrawal rule (why attested usage cannot dodge its fees) and
//!   the holds the usage disputes contract places while a batch that bills the license is
//!   challenged;
//! - [`external_calls`]: the license contract, the splitter, the anchor, tokens.
//!
//! # Deployment
//! `UsageEscrow(owner, licenseNft, splitter, withdrawalDelay)` first, then
//! `UsageAnchor(owner, licenseNft, escrow, challengeWindow, minAttestorBond, exitDelay)`,
//! `UsageDisputes(owner, anchor, escrow, challengeBond)` and `anchor.setDisputes(disputes)`,
//! then `escrow.setUsageAnchor(anchor)` (owner only, once; it reads the disputes contract and
//! the challenge window from the anchor's `config()` and renounces the escrow's ownership,
//! which has no other power) and `licenseNft.setUsageAnchor(escrow)`.
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
// `#[entrypoint]` generates an undocumented `pub fn user_entrypoint` (and `print_from_args` with
// export-abi); host builds still check that everything written by hand is documented.
#![cfg_attr(
    any(target_arch = "wasm32", feature = "export-abi"),
    allow(missing_docs)
)]
extern crate alloc;

// The shared error, event and calldata encoder, as `crate::abi_words` for the modules.
use tributary_abi::abi_words;

pub mod charging;
pub mod clock;
pub mod errors;
pub mod events;
pub mod external_calls;
pub mod funding;
pub mod withdrawals;

#[cfg(test)]
mod tests;

use alloc::vec::Vec;

use alloy_primitives::{
    aliases::{U128, U64},
    Address, U256,
};
use openzeppelin_stylus::{access::ownable::Ownable, token::erc20::utils::safe_erc20::SafeErc20};
use stylus_sdk::{
    prelude::*,
    storage::{StorageAddress, StorageMap, StorageU128, StorageU256, StorageU32, StorageU64},
};

use crate::{
    errors::{Error, InvalidConfiguration, UsageAnchorAlreadySet},
    events::{emit, UsageAnchorSet},
};

/// Escrow state of one license. `balance` and `debt` are 128-bit and share one storage word:
/// funding and charging read and write both, so each touches one word, not two. Amounts that
/// would pass `2^128 - 1` (about 3.4e38 base units) revert `ArithmeticOverflow`.
#[storage]
pub struct EscrowAccount {
    /// Prepaid fees available to settlement, in the license's payment token.
    pub(crate) balance: StorageU128,
    /// Settled fees escrow could not cover.
    pub(crate) debt: StorageU128,
    /// Most the pending withdrawal may take.
    pub(crate) withdrawal_amount: StorageU256,
    /// When the pending withdrawal may execute; 0 = none pending.
    pub(crate) withdrawal_ready_at: StorageU64,
    /// Challenged usage leaves holding this escrow.
    pub(crate) holds: StorageU32,
    /// When a hold of a cleared batch was last released (withdrawals wait the grace after it).
    pub(crate) released_at: StorageU64,
}

/// The usage escrow's storage.
#[entrypoint]
#[storage]
pub struct UsageEscrow {
    /// The deployer's one-time wiring right (`setUsageAnchor`), renounced by it.
    pub(crate) ownable: Ownable,
    /// ERC-20 transfers that tolerate tokens without return values.
    pub(crate) safe_erc20: SafeErc20,
    /// The license contract (`licenseUsage`, `ownerOf`, `setDebt`).
    pub(crate) license_nft: StorageAddress,
    /// The royalty splitter fees are deposited into.
    pub(crate) splitter: StorageAddress,
    /// The usage anchor: the only caller of `charge`; zero until wired.
    pub(crate) usage_anchor: StorageAddress,
    /// The usage disputes contract: the only caller of `addHold` / `removeHold`.
    pub(crate) usage_disputes: StorageAddress,
    /// The anchor's challenge window (seconds), read when it is wired.
    pub(crate) challenge_window: StorageU64,
    /// Settlement grace of escrow withdrawals (seconds), see [`withdrawals`].
    pub(crate) withdrawal_delay: StorageU64,
    /// Escrow and debt by license id.
    pub(crate) escrows: StorageMap<U256, EscrowAccount>,
    /// The revenue router: fees of a model's license (destination `2^63 + modelId`) are
    /// reported to it as the model's revenue (`reportRevenue`, `reportRevenueToken`).
    pub(crate) router: StorageAddress,
}

#[public]
impl UsageEscrow {
    /// Deploys the escrow.
    ///
    /// # Arguments
    /// * `owner` - may wire the usage anchor once (`setUsageAnchor`).
    /// * `license_nft` - the license contract (`licenseUsage`, `ownerOf`, `setDebt`).
    /// * `splitter` - the royalty splitter (`deposit`, `depositToken`).
    /// * `withdrawal_delay` - settlement grace of escrow withdrawals, in seconds (see
    ///   [`withdrawals`]).
    /// * `router` - the revenue router (`reportRevenue`, `reportRevenueToken`): fees of a model's
    ///   licenses go up the model's lineage through it.
    ///
    /// # Errors
    /// [`InvalidConfiguration`] for a zero address.
    #[constructor]
    pub fn constructor(
        &mut self,
        owner: Address,
        license_nft: Address,
        splitter: Address,
        withdrawal_delay: u64,
        router: Address,
    ) -> Result<(), Error> {
        if owner.is_zero() || license_nft.is_zero() || splitter.is_zero() || router.is_zero() {
            return Err(Error::InvalidConfiguration(InvalidConfiguration {}));
        }
        self.ownable.constructor(owner)?;
        self.license_nft.set(license_nft);
        self.splitter.set(splitter);
        self.router.set(router);
        self.withdrawal_delay.set(U64::from(withdrawal_delay));
        Ok(())
    }

    /// Wires the usage anchor, the only caller of `charge` (owner only, once), and with it the
    /// usage disputes contract and the challenge window, both read from the anchor's `config()`
    /// (wire the anchor's disputes contract first). Ownership is renounced: the escrow has no
    /// other admin function.
    ///
    /// # Errors
    /// `OwnableUnauthorizedAccount`, [`InvalidConfiguration`] for zero (anchor or its disputes
    /// contract), `UsageAnchorAlreadySet`, `ExternalCallFailed`.
    ///
    /// # Events
    /// `UsageAnchorSet`, `OwnershipTransferred` (to zero).
    pub fn set_usage_anchor(&mut self, anchor: Address) -> Result<(), Error> {
        self.ownable.only_owner()?;
        let current = self.usage_anchor.get();
        if !current.is_zero() {
            return Err(Error::UsageAnchorAlreadySet(UsageAnchorAlreadySet {
                anchor: current,
            }));
        }
        if anchor.is_zero() {
            return Err(Error::InvalidConfiguration(InvalidConfiguration {}));
        }
        let (disputes, window) = self.anchor_wiring(anchor)?;
        if disputes.is_zero() {
            return Err(Error::InvalidConfiguration(InvalidConfiguration {}));
        }
        self.usage_anchor.set(anchor);
        self.usage_disputes.set(disputes);
        self.challenge_window.set(U64::from(window));
        emit(self.vm(), &UsageAnchorSet { anchor });
        self.ownable._transfer_ownership(Address::ZERO);
        Ok(())
    }

    /// The owner (zero once the anchor is wired).
    pub fn owner(&self) -> Address {
        self.ownable.owner()
    }

    /// Funds a native-currency license's escrow with `msg.value` (paying its debt first).
    ///
    /// # Errors
    /// `WrongPaymentToken` for an ERC-20 license, `ZeroAmount`, `ExternalCallFailed`.
    ///
    /// # Events
    /// `EscrowFunded`; when debt is paid, `DebtChanged` and `FeesDeposited`.
    #[payable]
    pub fn fund_escrow(&mut self, license_id: U256) -> Result<(), Error> {
        let value = self.vm().msg_value();
        self.deposit_escrow(license_id, true, value)
    }

    /// Funds an ERC-20 license's escrow with `amount` pulled from the caller (approve first;
    /// the balance delta is credited).
    ///
    /// # Errors
    /// `WrongPaymentToken` for a native license, `ZeroAmount`, `SafeErc20FailedOperation`.
    ///
    /// # Events
    /// `EscrowFunded`; when debt is paid, `DebtChanged` and `FeesDeposited`.
    pub fn fund_escrow_token(&mut self, license_id: U256, amount: U256) -> Result<(), Error> {
        self.deposit_escrow(license_id, false, amount)
    }

    /// Step 1 of an escrow withdrawal (license owner only); see [`withdrawals`] for the rule.
    ///
    /// # Errors
    /// `NotLicenseOwner`, `ZeroAmount`, `UsageAnchorNotSet`.
    ///
    /// # Events
    /// `EscrowWithdrawalRequested`.
    pub fn request_escrow_withdrawal(
        &mut self,
        license_id: U256,
        amount: U256,
    ) -> Result<(), Error> {
        self.schedule_withdrawal(license_id, amount)
    }

    /// Step 2: pays the owner `min(requested, balance)` after the wait.
    ///
    /// # Errors
    /// `NotLicenseOwner`, `NoWithdrawalRequested`, `EscrowHeld`, `EscrowWithdrawalLocked`,
    /// transfer failures.
    ///
    /// # Events
    /// `EscrowWithdrawn`.
    pub fn withdraw_escrow(&mut self, license_id: U256) -> Result<(), Error> {
        self.execute_withdrawal(license_id)
    }

    /// Charges settled usage (usage anchor only): `fees[i]` to license `licenseIds[i]`, paid
    /// from escrow as far as it goes, the rest recorded as debt; the paid fees go to split
    /// `splitIds[i]` in `tokens[i]` (what the anchor read from the license contract), one
    /// deposit per (split, token).
    ///
    /// # Errors
    /// `NotUsageAnchor`, `LengthMismatch`, `ArithmeticOverflow`, `ExternalCallFailed`.
    ///
    /// # Events
    /// `EscrowCharged` per license, `DebtChanged` when debt grows, `FeesDeposited` per
    /// (split, token).
    pub fn charge(
        &mut self,
        license_ids: Vec<U256>,
        fees: Vec<U256>,
        split_ids: Vec<U256>,
        tokens: Vec<Address>,
    ) -> Result<(), Error> {
        self.charge_fees(&license_ids, &fees, &split_ids, &tokens)
    }

    /// A challenged usage leaf bills the license: hold its escrow (usage disputes only).
    ///
    /// # Errors
    /// `NotUsageDisputes`, `ArithmeticOverflow`.
    ///
    /// # Events
    /// `EscrowHoldsChanged`.
    pub fn add_hold(&mut self, license_id: U256) -> Result<(), Error> {
        self.change_holds(license_id, true, false)
    }

    /// Removes a hold once its batch's challenge is resolved (usage disputes only);
    /// `settleable`: the batch was cleared, so withdrawals wait the settlement grace again.
    ///
    /// # Errors
    /// `NotUsageDisputes`, `NoEscrowHold`.
    ///
    /// # Events
    /// `EscrowHoldsChanged`.
    pub fn remove_hold(&mut self, license_id: U256, settleable: bool) -> Result<(), Error> {
        self.change_holds(license_id, false, settleable)
    }

    /// `(balance, debt, withdrawalAmount, withdrawalReadyAt, holds, releasedAt)` of a
    /// license's escrow.
    pub fn escrow_info(&self, license_id: U256) -> (U256, U256, U256, u64, u32, u64) {
        let escrow = self.escrows.getter(license_id);
        (
            wide(escrow.balance.get()),
            wide(escrow.debt.get()),
            escrow.withdrawal_amount.get(),
            escrow.withdrawal_ready_at.get().to(),
            escrow.holds.get().to(),
            escrow.released_at.get().to(),
        )
    }

    /// `(licenseNft, splitter, usageAnchor, usageDisputes, challengeWindow,
    /// withdrawalDelay)`.
    pub fn config(&self) -> (Address, Address, Address, Address, u64, u64) {
        (
            self.license_nft.get(),
            self.splitter.get(),
            self.usage_anchor.get(),
            self.usage_disputes.get(),
            self.challenge_window.get().to(),
            self.withdrawal_delay_secs(),
        )
    }

    /// The revenue router fees of a model's licenses are reported to.
    pub fn router(&self) -> Address {
        self.router.get()
    }
}

impl UsageEscrow {
    /// The settlement grace of withdrawals in seconds.
    pub(crate) fn withdrawal_delay_secs(&self) -> u64 {
        self.withdrawal_delay.get().to()
    }
}

/// A 128-bit escrow amount as a `uint256`.
pub(crate) fn wide(amount: U128) -> U256 {
    let [low, high] = amount.into_limbs();
    U256::from_limbs([low, high, 0, 0])
}

/// A `uint256` amount as a 128-bit escrow amount.
///
/// # Errors
/// [`errors::ArithmeticOverflow`] at `2^128` or more.
pub(crate) fn narrow(amount: U256) -> Result<U128, Error> {
    let [low, high, rest @ ..] = amount.into_limbs();
    if rest != [0, 0] {
        return Err(errors::overflow());
    }
    Ok(U128::from_limbs([low, high]))
}
