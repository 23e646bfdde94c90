//! Licenses: issuing them for the offers contract, and the checks other contracts ask about
//! them.
//!
//! Validity, the one rule every check shares: a license is valid while it exists, is not
//! revoked, is not in debt and has not expired. A license issued at `startsAt` with duration
//! `d > 0` expires at `expiresAt = startsAt + d` and is valid while
//! `block.timestamp < expiresAt`: it is still valid at second `expiresAt - 1` and invalid from
//! second `expiresAt` on. `expiresAt = 0` means perpetual.

use alloy_primitives::{Address, B256, U256};
use openzeppelin_stylus::token::erc721::ERC721NonexistentToken;
use stylus_sdk::prelude::*;
use tributary_abi::{
    packed::{scope_bits, token_offer, usage_rate},
    scope::includes,
};

use crate::{
    errors::{overflow, Error, NotArbiter, RevokedLicense},
    events::{emit, DebtSet, LicenseRevoked},
    store::{
        limb, stamp_expires, stamp_flags, stamp_starts, stamped, with_flag, word_address, Field,
        IN_DEBT, MAX_TIME, REVOKED,
    },
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
    /// Mints license `token_id` (numbered by the offers contract, `packed::license_token_id`)
    /// to `to`, valid until `expires_at` (offers contract only, checked here).
    pub(crate) fn issue_license(
        &mut self,
        to: Address,
        token_id: U256,
        expires_at: u64,
    ) -> Result<(), Error> {
        self.require_offers_contract()?;
        self.require_registered(token_offer(token_id))?;
        let now = self.vm().block_timestamp();
        // Offers refuse durations past `MAX_DURATION`, so both fit until the year 34,600;
        // checked anyway, since the stamp keeps 40 bits of each.
        if now > MAX_TIME || expires_at > MAX_TIME {
            return Err(overflow());
        }
        self.erc721._mint(to, token_id)?;
        let stamp = stamped(self.read_stamp(token_id), now, expires_at);
        self.write_stamp(token_id, stamp);
        Ok(())
    }

    /// The stamp of an existing token; errors with `ERC721NonexistentToken` otherwise.
    pub(crate) fn stamp(&self, token_id: U256) -> Result<U256, Error> {
        let stamp = self.read_stamp(token_id);
        if word_address(stamp).is_zero() {
            return Err(ERC721NonexistentToken { token_id }.into());
        }
        Ok(stamp)
    }

    /// The offer id of an existing token; errors with `ERC721NonexistentToken` otherwise.
    pub(crate) fn offer_of(&self, token_id: U256) -> Result<U256, Error> {
        self.stamp(token_id)?;
        Ok(token_offer(token_id))
    }

    /// The ids word of the offer of `token_id` (`OfferIds`: dataset in limb 0, scope in bits
    /// 128..160) and its holder if the license is valid for `scope` now (see the module docs).
    pub(crate) fn valid_offer(&self, token_id: U256, scope: U256) -> Option<(U256, Address)> {
        let stamp = self.read_stamp(token_id);
        let holder = word_address(stamp);
        let usable = !holder.is_zero()
            && stamp_flags(stamp) & (REVOKED | IN_DEBT) == 0
            && is_live(stamp_expires(stamp), self.vm().block_timestamp());
        if !usable {
            return None;
        }
        let ids = self.read(Field::Ids, token_offer(token_id));
        includes(U256::from(scope_bits(ids)), scope).then_some((ids, holder))
    }

    /// Whether `holder` may use dataset `dataset_id` for `scope` under license `token_id`.
    pub(crate) fn holder_licensed(
        &self,
        holder: Address,
        token_id: U256,
        dataset_id: U256,
        scope: U256,
    ) -> bool {
        let Some((ids, owner)) = self.valid_offer(token_id, scope) else {
            return false;
        };
        !holder.is_zero()
            && U256::from(limb(ids, 0)) == dataset_id
            && (owner == holder || self.current_user(token_id) == holder)
    }

    /// The usage terms of a license, for the usage anchor.
    pub(crate) fn usage_of(&self, token_id: U256) -> Result<LicenseUsage, Error> {
        let stamp = self.stamp(token_id)?;
        let offer_id = token_offer(token_id);
        let payment = self.read(Field::Payment, offer_id);
        let ids = self.read(Field::Ids, offer_id);
        let revoked_at = if stamp_flags(stamp) & REVOKED == 0 {
            0
        } else {
            limb(self.read(Field::Revoked, token_id), 0)
        };
        Ok((
            U256::from(limb(ids, 0)),
            U256::from(limb(ids, 1)),
            U256::from(scope_bits(ids)),
            stamp_starts(stamp),
            stamp_expires(stamp),
            revoked_at,
            word_address(payment),
            self.packed_terms(offer_id).usage_unit,
            usage_rate(ids),
        ))
    }

    /// A license's stamp.
    pub(crate) fn stamp_of(&self, token_id: U256) -> Result<LicenseStamp, Error> {
        let stamp = self.stamp(token_id)?;
        Ok((
            token_offer(token_id),
            stamp_starts(stamp),
            stamp_expires(stamp),
            stamp_flags(stamp) & REVOKED != 0,
            stamp_flags(stamp) & IN_DEBT != 0,
        ))
    }

    /// Revokes a license for breach; only the offer's arbiter, once.
    pub(crate) fn revoke_license(&mut self, token_id: U256, reason: B256) -> Result<(), Error> {
        let stamp = self.stamp(token_id)?;
        let arbiter = self.vm().msg_sender();
        if word_address(self.read(Field::Arbiter, token_offer(token_id))) != arbiter {
            return Err(NotArbiter {
                account: arbiter,
                tokenId: token_id,
            }
            .into());
        }
        if stamp_flags(stamp) & REVOKED != 0 {
            return Err(RevokedLicense { tokenId: token_id }.into());
        }
        // Usage before the revocation time stays billable (`licenseUsage` reports it).
        self.write_stamp(token_id, with_flag(stamp, REVOKED, true));
        let now = self.vm().block_timestamp();
        self.write(Field::Revoked, token_id, U256::from(now));
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
        self.write_stamp(token_id, with_flag(stamp, IN_DEBT, in_debt));
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
