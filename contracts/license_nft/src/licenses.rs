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
use stylus_sdk::prelude::*;
use tributary_abi::scope::includes;

use crate::{
    errors::{overflow, Error, NotArbiter, RevokedLicense},
    events::{emit, DebtSet, LicenseRevoked},
    store::{limb, word_address, Field, IN_DEBT, REVOKED, REVOKED_AT_SHIFT},
    LicenseNft,
};

/// What `licenseUsage` returns: (datasetId, splitId, scope, startsAt, expiresAt, revokedAt,
/// paymentToken, usageUnit, usageRate); `revokedAt` is 0 unless the license was revoked.
pub type LicenseUsage = (U256, U256, U256, u64, u64, u64, Address, u8, U256);

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
        // Offer ids are counted in a u64 by the offers contract.
        let stamp = U256::from_limbs([offer_id.as_limbs()[0], now, expires_at, 0]);
        self.write(Field::Stamp, token_id, stamp);
        self.erc721._mint(to, token_id)?;
        Ok(token_id)
    }

    /// The stamp word of an existing token; errors with `ERC721NonexistentToken` otherwise.
    pub(crate) fn stamp(&self, token_id: U256) -> Result<U256, Error> {
        let stamp = self.read(Field::Stamp, token_id);
        if limb(stamp, 0) == 0 {
            return Err(ERC721NonexistentToken { token_id }.into());
        }
        Ok(stamp)
    }

    /// The offer id of an existing token; errors with `ERC721NonexistentToken` otherwise.
    pub(crate) fn offer_of(&self, token_id: U256) -> Result<U256, Error> {
        Ok(U256::from(limb(self.stamp(token_id)?, 0)))
    }

    /// The ids word of the offer of `token_id` (`OfferIds`: dataset in limb 0, scope in limb
    /// 2) if the license is valid for `scope` now (see the module docs).
    pub(crate) fn valid_offer(&self, token_id: U256, scope: U256) -> Option<U256> {
        let stamp = self.read(Field::Stamp, token_id);
        let offer_id = U256::from(limb(stamp, 0));
        let usable = !offer_id.is_zero()
            && limb(stamp, 3) & (REVOKED | IN_DEBT) == 0
            && is_live(limb(stamp, 2), self.vm().block_timestamp());
        if !usable {
            return None;
        }
        let ids = self.read(Field::Ids, offer_id);
        includes(U256::from(limb(ids, 2)), scope).then_some(ids)
    }

    /// Whether `holder` may use dataset `dataset_id` for `scope` under license `token_id`.
    pub(crate) fn holder_licensed(
        &self,
        holder: Address,
        token_id: U256,
        dataset_id: U256,
        scope: U256,
    ) -> bool {
        let Some(ids) = self.valid_offer(token_id, scope) else {
            return false;
        };
        !holder.is_zero()
            && U256::from(limb(ids, 0)) == dataset_id
            && (self.erc721._owner_of(token_id) == holder || self.current_user(token_id) == holder)
    }

    /// The usage terms of a license, for the usage anchor.
    pub(crate) fn usage_of(&self, token_id: U256) -> Result<LicenseUsage, Error> {
        let stamp = self.stamp(token_id)?;
        let offer_id = U256::from(limb(stamp, 0));
        let payment = self.read(Field::Payment, offer_id);
        let ids = self.read(Field::Ids, offer_id);
        Ok((
            U256::from(limb(ids, 0)),
            U256::from(limb(ids, 1)),
            U256::from(limb(ids, 2)),
            limb(stamp, 1),
            limb(stamp, 2),
            limb(stamp, 3) >> REVOKED_AT_SHIFT,
            word_address(payment),
            self.packed_terms(offer_id).usage_unit,
            self.read(Field::Rate, offer_id),
        ))
    }

    /// A license's stamp.
    pub(crate) fn stamp_of(&self, token_id: U256) -> Result<LicenseStamp, Error> {
        let stamp = self.stamp(token_id)?;
        Ok((
            U256::from(limb(stamp, 0)),
            limb(stamp, 1),
            limb(stamp, 2),
            limb(stamp, 3) & REVOKED != 0,
            limb(stamp, 3) & IN_DEBT != 0,
        ))
    }

    /// Revokes a license for breach; only the offer's arbiter, once.
    pub(crate) fn revoke_license(&mut self, token_id: U256, reason: B256) -> Result<(), Error> {
        let stamp = self.stamp(token_id)?;
        let offer_id = U256::from(limb(stamp, 0));
        let arbiter = self.vm().msg_sender();
        if word_address(self.read(Field::Arbiter, offer_id)) != arbiter {
            return Err(NotArbiter {
                account: arbiter,
                tokenId: token_id,
            }
            .into());
        }
        if limb(stamp, 3) & REVOKED != 0 {
            return Err(RevokedLicense { tokenId: token_id }.into());
        }
        // The revocation time shares limb 3 with the flags (see `store`): usage before it stays
        // billable. A timestamp below 2^56 always fits.
        let revoked_at = self.vm().block_timestamp() << REVOKED_AT_SHIFT;
        self.write(
            Field::Stamp,
            token_id,
            with_flag(stamp, REVOKED | revoked_at, true),
        );
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
        let stamp = self.stamp(token_id)?;
        self.write(Field::Stamp, token_id, with_flag(stamp, IN_DEBT, in_debt));
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

/// `stamp` with `flag` of limb 3 set to `on`.
fn with_flag(stamp: U256, flag: u64, on: bool) -> U256 {
    let mut limbs = stamp.into_limbs();
    if on {
        limbs[3] |= flag;
    } else {
        limbs[3] &= !flag;
    }
    U256::from_limbs(limbs)
}
