//! Licenses: issuing them for the offers contract, and the checks other contracts ask about
//! them.
//!
//! Validity, the one rule every check shares: a license is valid while it exists, is not
//! revoked, is not in debt and has not expired. A license issued at `startsAt` with duration
//! `d > 0` expires at `expiresAt = startsAt + d` and is valid while
//! `block.timestamp < expiresAt`: it is still valid at second `expiresAt - 1` and invalid from
//! second `expiresAt` on. `expiresAt = 0` means perpetual.

use alloy_primitives::{aliases::U64, Address, B256, U256};
use openzeppelin_stylus::token::erc721::ERC721NonexistentToken;
use stylus_sdk::{
    prelude::*,
    storage::{StorageBool, StorageU64},
};
use tributary_abi::scope::includes;

use crate::{
    errors::{overflow, Error, NotArbiter, RevokedLicense},
    events::{emit, DebtSet, LicenseRevoked},
    LicenseNft,
};

/// One license token. Storage layout, one slot:
/// `offer_id` (8) · `starts_at` (8) · `expires_at` (8) · `revoked` (1) · `in_debt` (1).
#[storage]
pub struct License {
    /// The offer the license was sold under; 0 = no such token (offer ids start at 1).
    pub(crate) offer_id: StorageU64,
    /// Issue time (unix seconds).
    pub(crate) starts_at: StorageU64,
    /// First second the license is no longer valid; 0 = perpetual.
    pub(crate) expires_at: StorageU64,
    /// Revoked by the offer's arbiter; final.
    pub(crate) revoked: StorageBool,
    /// Unpaid usage recorded by the usage anchor.
    pub(crate) in_debt: StorageBool,
}

/// What `licenseUsage` returns: (datasetId, splitId, scope, startsAt, expiresAt, revoked,
/// paymentToken, usageUnit, usageRate).
pub type LicenseUsage = (U256, U256, U256, u64, u64, bool, Address, u8, U256);

/// What `license` returns: (offerId, startsAt, expiresAt, revoked, inDebt).
pub type LicenseStamp = (U256, u64, u64, bool, bool);

/// Whether a license expiring at `expires_at` (0 = perpetual) is live at `now`.
pub fn is_live(expires_at: u64, now: u64) -> bool {
    expires_at == 0 || now < expires_at
}

impl LicenseNft {
    /// Mints license `token_count + 1` of `offer_id` to `to`, valid until `expires_at`
    /// (offers contract only, checked here).
    pub(crate) fn issue_license(
        &mut self,
        to: Address,
        offer_id: U256,
        expires_at: u64,
    ) -> Result<U256, Error> {
        self.require_offers_contract()?;
        self.require_registered(offer_id)?;
        let token_id = self
            .token_count
            .get()
            .checked_add(U64::from(1))
            .ok_or_else(overflow)?;
        self.token_count.set(token_id);
        let token_id = U256::from(token_id);
        let now = self.vm().block_timestamp();
        let mut license = self.licenses.setter(token_id);
        // Offer ids are counted in a u64 by the offers contract.
        license.offer_id.set(U64::from(offer_id.as_limbs()[0]));
        license.starts_at.set(U64::from(now));
        license.expires_at.set(U64::from(expires_at));
        self.erc721._mint(to, token_id)?;
        Ok(token_id)
    }

    /// The offer id of an existing token; errors with `ERC721NonexistentToken` otherwise.
    pub(crate) fn offer_of(&self, token_id: U256) -> Result<U256, Error> {
        let offer_id = self.licenses.getter(token_id).offer_id.get();
        if offer_id.is_zero() {
            return Err(ERC721NonexistentToken { token_id }.into());
        }
        Ok(U256::from(offer_id))
    }

    /// The offer of `token_id` if the license is valid for `scope` now (see the module docs).
    pub(crate) fn valid_offer(&self, token_id: U256, scope: U256) -> Option<U256> {
        let license = self.licenses.getter(token_id);
        let offer_id = U256::from(license.offer_id.get());
        let usable = !offer_id.is_zero()
            && !license.revoked.get()
            && !license.in_debt.get()
            && is_live(license.expires_at.get().to(), self.vm().block_timestamp());
        (usable && includes(self.offers.getter(offer_id).scope.get(), scope)).then_some(offer_id)
    }

    /// Whether `holder` may use dataset `dataset_id` for `scope` under license `token_id`.
    pub(crate) fn holder_licensed(
        &self,
        holder: Address,
        token_id: U256,
        dataset_id: U256,
        scope: U256,
    ) -> bool {
        let Some(offer_id) = self.valid_offer(token_id, scope) else {
            return false;
        };
        !holder.is_zero()
            && self.offers.getter(offer_id).dataset_id.get() == dataset_id
            && (self.erc721._owner_of(token_id) == holder || self.current_user(token_id) == holder)
    }

    /// The usage terms of a license, for the usage anchor.
    pub(crate) fn usage_of(&self, token_id: U256) -> Result<LicenseUsage, Error> {
        let offer_id = self.offer_of(token_id)?;
        let license = self.licenses.getter(token_id);
        let offer = self.offers.getter(offer_id);
        Ok((
            offer.dataset_id.get(),
            offer.split_id.get(),
            offer.scope.get(),
            license.starts_at.get().to(),
            license.expires_at.get().to(),
            license.revoked.get(),
            offer.payment_token.get(),
            offer.usage_unit.get().to(),
            offer.usage_rate.get(),
        ))
    }

    /// A license's stamp.
    pub(crate) fn stamp_of(&self, token_id: U256) -> Result<LicenseStamp, Error> {
        let offer_id = self.offer_of(token_id)?;
        let license = self.licenses.getter(token_id);
        Ok((
            offer_id,
            license.starts_at.get().to(),
            license.expires_at.get().to(),
            license.revoked.get(),
            license.in_debt.get(),
        ))
    }

    /// Revokes a license for breach; only the offer's arbiter, once.
    pub(crate) fn revoke_license(&mut self, token_id: U256, reason: B256) -> Result<(), Error> {
        let offer_id = self.offer_of(token_id)?;
        let arbiter = self.vm().msg_sender();
        if self.offers.getter(offer_id).arbiter.get() != arbiter {
            return Err(NotArbiter {
                account: arbiter,
                tokenId: token_id,
            }
            .into());
        }
        let mut license = self.licenses.setter(token_id);
        if license.revoked.get() {
            return Err(RevokedLicense { tokenId: token_id }.into());
        }
        license.revoked.set(true);
        emit(
            self.vm(),
            &LicenseRevoked {
                tokenId: token_id,
                arbiter,
                reason,
            },
        );
        Ok(())
    }

    /// Marks a license as in debt or settled; only the usage anchor.
    pub(crate) fn mark_debt(&mut self, token_id: U256, in_debt: bool) -> Result<(), Error> {
        self.require_usage_anchor()?;
        self.offer_of(token_id)?;
        self.licenses.setter(token_id).in_debt.set(in_debt);
        emit(
            self.vm(),
            &DebtSet {
                tokenId: token_id,
                inDebt: in_debt,
            },
        );
        Ok(())
    }
}
