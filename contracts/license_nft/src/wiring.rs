//! The contracts this one trusts, each configured once by the owner: the offers contract
//! (`LicenseOffers`, the only account that registers offer terms and issues licenses) and the
//! usage anchor (the only account that sets the debt flag).

use alloy_primitives::Address;
use stylus_sdk::prelude::*;

use crate::{
    errors::{
        Error, LicenseOffersAlreadySet, NotLicenseOffers, NotUsageAnchor, UsageAnchorAlreadySet,
        ZeroAddress,
    },
    events::{emit, LicenseOffersSet, UsageAnchorSet},
    LicenseNft,
};

impl LicenseNft {
    /// Configures the offers contract, once; owner only.
    pub(crate) fn configure_offers(&mut self, offers: Address) -> Result<(), Error> {
        self.ownable.ownable.only_owner()?;
        if offers.is_zero() {
            return Err(ZeroAddress {}.into());
        }
        let current = self.offers_contract.get();
        if !current.is_zero() {
            return Err(LicenseOffersAlreadySet {
                licenseOffers: current,
            }
            .into());
        }
        self.offers_contract.set(offers);
        emit(
            self.vm(),
            &LicenseOffersSet {
                licenseOffers: offers,
            },
        );
        Ok(())
    }

    /// Configures the usage anchor, once; owner only.
    pub(crate) fn configure_usage_anchor(&mut self, usage_anchor: Address) -> Result<(), Error> {
        self.ownable.ownable.only_owner()?;
        if usage_anchor.is_zero() {
            return Err(ZeroAddress {}.into());
        }
        let current = self.usage_anchor.get();
        if !current.is_zero() {
            return Err(UsageAnchorAlreadySet {
                usageAnchor: current,
            }
            .into());
        }
        self.usage_anchor.set(usage_anchor);
        emit(
            self.vm(),
            &UsageAnchorSet {
                usageAnchor: usage_anchor,
            },
        );
        Ok(())
    }

    /// Errors unless the caller is the usage anchor.
    pub(crate) fn require_usage_anchor(&self) -> Result<(), Error> {
        let sender = self.vm().msg_sender();
        if sender != self.usage_anchor.get() {
            return Err(NotUsageAnchor { account: sender }.into());
        }
        Ok(())
    }

    /// Errors unless the caller is the offers contract (never true before it is configured:
    /// the zero address sends no calls).
    pub(crate) fn require_offers_contract(&self) -> Result<(), Error> {
        let sender = self.vm().msg_sender();
        if sender != self.offers_contract.get() {
            return Err(NotLicenseOffers { account: sender }.into());
        }
        Ok(())
    }
}
