//! Tributary license NFTs: ERC-721 tokens that say what their holder may do with a dataset,
//! until when, and what it costs.
//!
//! A dataset's owner (as recorded in the attribution registry) publishes offers with
//! machine-readable terms ([`tributary_abi::terms::LicenseTerms`]); anyone mints a license of
//! an offer, and the whole price goes to the dataset's split in the royalty splitter. Other
//! contracts ask `isValid` / `isLicensed` whether a use is licensed. On top of ERC-721 with
//! Metadata (`OpenZeppelin`) the contract implements ERC-2981 resale royalties paid to the
//! split's receiver, ERC-4907 rentals where terms allow them, arbiter revocation and the debt
//! flag the usage anchor sets for unpaid usage.
//!
//! Modules: [`offers`] (the offer book), [`licenses`] (mint and validity), [`payment`]
//! (price routing), [`rentals`] (ERC-4907), [`transfers`] (transfer rules), [`errors`],
//! [`events`]. This file is the router: every external function, each delegating.
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
// `#[entrypoint]` generates an undocumented `pub fn user_entrypoint` (and `print_from_args` with
// export-abi); host builds still check that everything written by hand is documented.
#![cfg_attr(
    any(target_arch = "wasm32", feature = "export-abi"),
    allow(missing_docs)
)]
extern crate alloc;

pub mod errors;
pub mod events;
pub mod licenses;
pub mod offers;
pub mod payment;
pub mod rentals;
pub mod transfers;

#[cfg(test)]
mod tests;

use alloc::{string::String, vec::Vec};

use alloy_primitives::{aliases::B32, fixed_bytes, Address, B256, U256};
use openzeppelin_stylus::{
    access::ownable_two_step::{IOwnable2Step, Ownable2Step},
    token::{
        erc20::utils::safe_erc20::SafeErc20,
        erc721::{extensions::Erc721Metadata, Erc721, IErc721},
    },
};
use stylus_sdk::{
    abi::Bytes,
    prelude::*,
    storage::{StorageAddress, StorageMap, StorageU64},
};
use tributary_abi::terms::{LicenseTerms, BPS_DENOMINATOR};

use crate::{
    errors::{Error, NotUsageAnchor, UsageAnchorAlreadySet, ZeroAddress},
    events::UsageAnchorSet,
    licenses::{License, LicenseUsage},
    offers::{Offer, OfferSummary},
    rentals::Rental,
};

/// ERC-721 collection name.
pub const NAME: &str = "Tributary License";
/// ERC-721 collection symbol.
pub const SYMBOL: &str = "TRBL";

/// ERC-165 ids this contract reports: ERC-165, ERC-721, ERC-721 Metadata, ERC-2981, ERC-4907.
pub const INTERFACE_IDS: [B32; 5] = [
    fixed_bytes!("01ffc9a7"),
    fixed_bytes!("80ac58cd"),
    fixed_bytes!("5b5e139f"),
    fixed_bytes!("2a55205a"),
    fixed_bytes!("ad092b5c"),
];

/// The contract's storage.
#[entrypoint]
#[storage]
pub struct LicenseNft {
    /// `OpenZeppelin` ERC-721 (owners, balances, approvals).
    pub(crate) erc721: Erc721,
    /// Collection name and symbol.
    pub(crate) metadata: Erc721Metadata,
    /// Two-step ownership for admin functions.
    pub(crate) ownable: Ownable2Step,
    /// `SafeERC20` calls for ERC-20 prices.
    pub(crate) safe_erc20: SafeErc20,
    /// The attribution registry (dataset owners and splits).
    pub(crate) registry: StorageAddress,
    /// The royalty splitter (receives every price).
    pub(crate) splitter: StorageAddress,
    /// The usage anchor, the only account that sets the debt flag; zero until configured.
    pub(crate) usage_anchor: StorageAddress,
    /// Offers created so far; offer ids are `1..=offer_count`.
    pub(crate) offer_count: StorageU64,
    /// Licenses minted so far; token ids are `1..=token_count`.
    pub(crate) token_count: StorageU64,
    /// Offers by id.
    pub(crate) offers: StorageMap<U256, Offer>,
    /// License stamps by token id.
    pub(crate) licenses: StorageMap<U256, License>,
    /// ERC-4907 users by token id.
    pub(crate) rentals: StorageMap<U256, Rental>,
}

#[public]
impl LicenseNft {
    /// Sets the owner, the attribution registry and the royalty splitter.
    ///
    /// # Errors
    /// [`Error::InvalidContractOwner`] if `owner` is zero; [`Error::ZeroAddress`] if `registry`
    /// or `splitter` is.
    #[constructor]
    pub fn constructor(
        &mut self,
        owner: Address,
        registry: Address,
        splitter: Address,
    ) -> Result<(), Error> {
        self.ownable.constructor(owner)?;
        if registry.is_zero() || splitter.is_zero() {
            return Err(ZeroAddress {}.into());
        }
        self.registry.set(registry);
        self.splitter.set(splitter);
        self.metadata
            .constructor(String::from(NAME), String::from(SYMBOL));
        Ok(())
    }

    // ----- ERC-721 -----

    /// Number of licenses `owner` holds.
    ///
    /// # Errors
    /// [`Error::InvalidOwner`] for the zero address.
    pub fn balance_of(&self, owner: Address) -> Result<U256, Error> {
        Ok(self.erc721.balance_of(owner)?)
    }

    /// Owner of license `token_id`.
    ///
    /// # Errors
    /// [`Error::NonexistentToken`].
    pub fn owner_of(&self, token_id: U256) -> Result<Address, Error> {
        Ok(self.erc721.owner_of(token_id)?)
    }

    /// Transfers a license, checking `onERC721Received` if `to` is a contract.
    ///
    /// # Errors
    /// [`Error::RevokedLicense`], [`Error::SoulboundLicense`], the ERC-721 errors of
    /// [`Self::transfer_from`], [`Error::InvalidReceiver`] /
    /// [`Error::InvalidReceiverWithReason`] if the receiver rejects or reverts.
    ///
    /// # Events
    /// `Transfer`; `UpdateUser(tokenId, 0, 0)` if a rental ends.
    pub fn safe_transfer_from(
        &mut self,
        from: Address,
        to: Address,
        token_id: U256,
    ) -> Result<(), Error> {
        self.safe_transfer_from_with_data(from, to, token_id, Bytes::from(alloc::vec::Vec::new()))
    }

    /// Transfers a license with `data` for `onERC721Received`.
    ///
    /// # Errors
    /// As [`Self::safe_transfer_from`].
    #[selector(name = "safeTransferFrom")]
    pub fn safe_transfer_from_with_data(
        &mut self,
        from: Address,
        to: Address,
        token_id: U256,
        data: Bytes,
    ) -> Result<(), Error> {
        self.before_transfer(to, token_id)?;
        Ok(self
            .erc721
            .safe_transfer_from_with_data(from, to, token_id, data)?)
    }

    /// Transfers a license without a receiver check.
    ///
    /// # Errors
    /// [`Error::RevokedLicense`], [`Error::SoulboundLicense`], [`Error::InvalidReceiver`],
    /// [`Error::NonexistentToken`], [`Error::InsufficientApproval`],
    /// [`Error::IncorrectOwner`].
    ///
    /// # Events
    /// `Transfer`; `UpdateUser(tokenId, 0, 0)` if a rental ends.
    pub fn transfer_from(
        &mut self,
        from: Address,
        to: Address,
        token_id: U256,
    ) -> Result<(), Error> {
        self.before_transfer(to, token_id)?;
        Ok(self.erc721.transfer_from(from, to, token_id)?)
    }

    /// Approves `to` to transfer `token_id`.
    ///
    /// # Errors
    /// [`Error::NonexistentToken`], [`Error::InvalidApprover`].
    pub fn approve(&mut self, to: Address, token_id: U256) -> Result<(), Error> {
        Ok(self.erc721.approve(to, token_id)?)
    }

    /// Lets `operator` manage all of the caller's licenses (or stops it).
    ///
    /// # Errors
    /// [`Error::InvalidOperator`] for the zero address.
    pub fn set_approval_for_all(&mut self, operator: Address, approved: bool) -> Result<(), Error> {
        Ok(self.erc721.set_approval_for_all(operator, approved)?)
    }

    /// The account approved for `token_id`.
    ///
    /// # Errors
    /// [`Error::NonexistentToken`].
    pub fn get_approved(&self, token_id: U256) -> Result<Address, Error> {
        Ok(self.erc721.get_approved(token_id)?)
    }

    /// Whether `operator` manages all of `owner`'s licenses.
    pub fn is_approved_for_all(&self, owner: Address, operator: Address) -> bool {
        self.erc721.is_approved_for_all(owner, operator)
    }

    /// ERC-721 Metadata name.
    pub fn name(&self) -> String {
        self.metadata.name()
    }

    /// ERC-721 Metadata symbol.
    pub fn symbol(&self) -> String {
        self.metadata.symbol()
    }

    /// The license's terms document (its offer's terms URI).
    ///
    /// # Errors
    /// [`Error::NonexistentToken`].
    #[selector(name = "tokenURI")]
    pub fn token_uri(&self, token_id: U256) -> Result<String, Error> {
        let offer_id = self.offer_of(token_id)?;
        Ok(self.offers.getter(offer_id).terms_uri.get_string())
    }

    /// ERC-165: true for ERC-165, ERC-721, ERC-721 Metadata, ERC-2981 and ERC-4907.
    pub fn supports_interface(&self, interface_id: B32) -> bool {
        INTERFACE_IDS.contains(&interface_id)
    }

    // ----- ERC-2981 -----

    /// Resale royalty: the offer's resale bps of `sale_price`, paid to the dataset split's
    /// receiver (a plain transfer to it reaches the split).
    ///
    /// # Errors
    /// [`Error::NonexistentToken`].
    pub fn royalty_info(&self, token_id: U256, sale_price: U256) -> Result<(Address, U256), Error> {
        let offer_id = self.offer_of(token_id)?;
        let offer = self.offers.getter(offer_id);
        let bps = U256::from(offer.resale_royalty_bps.get());
        let denominator = U256::from(BPS_DENOMINATOR);
        // floor(price × bps / 10,000) without overflow: bps ≤ 10,000 so neither term can.
        let amount = sale_price / denominator * bps + sale_price % denominator * bps / denominator;
        Ok((offer.royalty_receiver.get(), amount))
    }

    // ----- ERC-4907 -----

    /// Rents `token_id` to `user` until `expires` (inclusive); zero `user` ends a rental.
    ///
    /// # Errors
    /// [`Error::NonexistentToken`], [`Error::InsufficientApproval`] unless the caller owns or
    /// may transfer the token, [`Error::RevokedLicense`], [`Error::RentalNotAllowed`].
    ///
    /// # Events
    /// `UpdateUser`.
    pub fn set_user(&mut self, token_id: U256, user: Address, expires: u64) -> Result<(), Error> {
        self.set_user_of(token_id, user, expires)
    }

    /// The current user of `token_id`: zero when none or after `userExpires`.
    pub fn user_of(&self, token_id: U256) -> Address {
        self.current_user(token_id)
    }

    /// When the user of `token_id` stops being the user (the last second it still is).
    pub fn user_expires(&self, token_id: U256) -> u64 {
        self.rentals.getter(token_id).expires.get().to()
    }

    // ----- Ownership and wiring -----

    /// The contract owner.
    pub fn owner(&self) -> Address {
        self.ownable.owner()
    }

    /// The account that may accept ownership.
    pub fn pending_owner(&self) -> Address {
        self.ownable.pending_owner()
    }

    /// Starts a two-step ownership transfer.
    ///
    /// # Errors
    /// [`Error::UnauthorizedAccount`] unless the owner calls.
    pub fn transfer_ownership(&mut self, new_owner: Address) -> Result<(), Error> {
        Ok(self.ownable.transfer_ownership(new_owner)?)
    }

    /// Completes a two-step ownership transfer.
    ///
    /// # Errors
    /// [`Error::UnauthorizedAccount`] unless the pending owner calls.
    pub fn accept_ownership(&mut self) -> Result<(), Error> {
        Ok(self.ownable.accept_ownership()?)
    }

    /// Leaves the contract without owner.
    ///
    /// # Errors
    /// [`Error::UnauthorizedAccount`] unless the owner calls.
    pub fn renounce_ownership(&mut self) -> Result<(), Error> {
        Ok(self.ownable.renounce_ownership()?)
    }

    /// The attribution registry.
    pub fn registry(&self) -> Address {
        self.registry.get()
    }

    /// The royalty splitter.
    pub fn splitter(&self) -> Address {
        self.splitter.get()
    }

    /// The usage anchor (zero until configured).
    pub fn usage_anchor(&self) -> Address {
        self.usage_anchor.get()
    }

    /// Configures the usage anchor, once.
    ///
    /// # Errors
    /// [`Error::UnauthorizedAccount`] unless the owner calls, [`Error::ZeroAddress`],
    /// [`Error::UsageAnchorAlreadySet`].
    ///
    /// # Events
    /// `UsageAnchorSet`.
    pub fn set_usage_anchor(&mut self, usage_anchor: Address) -> Result<(), Error> {
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
        log(
            self.vm(),
            UsageAnchorSet {
                usageAnchor: usage_anchor,
            },
        );
        Ok(())
    }

    // ----- Offers -----

    /// Publishes an offer for `terms.datasetId`; only the dataset's owner in the registry.
    /// Stores the dataset's split and its ERC-2981 receiver with the offer.
    ///
    /// # Errors
    /// Invalid terms: [`Error::InvalidScope`], [`Error::InvalidUsageUnit`],
    /// [`Error::InvalidTierCount`], [`Error::InvalidTierThreshold`], [`Error::InvalidBps`],
    /// [`Error::InvalidArbiter`], [`Error::InvalidTermsHash`], [`Error::EmptyTermsUri`];
    /// [`Error::UnknownDataset`], [`Error::NotDatasetOwner`], [`Error::ExternalCallFailed`],
    /// [`Error::ZeroAddress`] if the splitter reports no receiver.
    ///
    /// # Events
    /// `OfferCreated`.
    pub fn create_offer(&mut self, terms: LicenseTerms) -> Result<U256, Error> {
        self.create_offer_for(terms)
    }

    /// Pauses (`paused = true`) or resumes minting of an offer; only the dataset's owner.
    ///
    /// # Errors
    /// [`Error::UnknownOffer`], [`Error::OfferIsRetired`], [`Error::NotDatasetOwner`].
    ///
    /// # Events
    /// `OfferPaused`.
    pub fn set_offer_paused(&mut self, offer_id: U256, paused: bool) -> Result<(), Error> {
        self.pause_offer(offer_id, paused)
    }

    /// Retires an offer for good; only the dataset's owner. Licenses keep their terms.
    ///
    /// # Errors
    /// [`Error::UnknownOffer`], [`Error::OfferIsRetired`], [`Error::NotDatasetOwner`].
    ///
    /// # Events
    /// `OfferRetired`.
    pub fn retire_offer(&mut self, offer_id: U256) -> Result<(), Error> {
        self.retire(offer_id)
    }

    /// Sets the price and max supply (0 = unlimited) of future mints; only the dataset's
    /// owner.
    ///
    /// # Errors
    /// [`Error::UnknownOffer`], [`Error::OfferIsRetired`], [`Error::NotDatasetOwner`],
    /// [`Error::InvalidMaxSupply`] below the licenses already minted.
    ///
    /// # Events
    /// `OfferUpdated`.
    pub fn update_offer(
        &mut self,
        offer_id: U256,
        price: U256,
        max_supply: u32,
    ) -> Result<(), Error> {
        self.update(offer_id, price, max_supply)
    }

    /// An offer's state: (datasetId, splitId, price, paymentToken, minted, maxSupply, paused,
    /// retired, termsHash).
    ///
    /// # Errors
    /// [`Error::UnknownOffer`].
    pub fn offer(&self, offer_id: U256) -> Result<OfferSummary, Error> {
        self.offer_summary(offer_id)
    }

    /// Number of offers created (offer ids are 1..=offerCount).
    pub fn offer_count(&self) -> u64 {
        self.offer_count.get().to()
    }

    // ----- Licenses -----

    /// Buys a license of `offer_id` for `to`, at the offer's price if it is at most
    /// `max_price`. Native offers take exactly the price as value, ERC-20 offers pull it from
    /// the caller (approve first) and take no value; the whole price goes to the dataset's
    /// split. The token is stamped with its offer, start (now) and expiry (now + duration, 0
    /// for perpetual offers). The receiver is not called (`onERC721Received` is not checked
    /// on mint).
    ///
    /// # Errors
    /// [`Error::UnknownOffer`], [`Error::OfferIsRetired`], [`Error::OfferIsPaused`],
    /// [`Error::PriceAboveMax`], [`Error::IncorrectPayment`], [`Error::OfferSoldOut`],
    /// [`Error::InvalidReceiver`] for the zero address, [`Error::ArithmeticOverflow`],
    /// [`Error::SafeErc20FailedOperation`], [`Error::ExternalCallFailed`].
    ///
    /// # Events
    /// `Transfer`, `LicenseIssued`.
    #[payable]
    pub fn mint(&mut self, offer_id: U256, to: Address, max_price: U256) -> Result<U256, Error> {
        self.mint_license(offer_id, to, max_price)
    }

    /// Whether license `token_id` is valid now for `scope`: it exists, is not revoked, not in
    /// debt, `block.timestamp < expiresAt` (or perpetual) and grants every bit of `scope`.
    pub fn is_valid(&self, token_id: U256, scope: U256) -> bool {
        self.valid_offer(token_id, scope).is_some()
    }

    /// Whether `holder` may use dataset `dataset_id` for `scope` under license `token_id`:
    /// [`Self::is_valid`], the license is for that dataset, and `holder` is its owner or its
    /// current ERC-4907 user.
    pub fn is_licensed(
        &self,
        holder: Address,
        token_id: U256,
        dataset_id: U256,
        scope: U256,
    ) -> bool {
        self.holder_licensed(holder, token_id, dataset_id, scope)
    }

    /// The derivative royalty (bps) of license `token_id`'s offer at `cumulative_revenue`.
    ///
    /// # Errors
    /// [`Error::NonexistentToken`].
    pub fn royalty_bps(&self, token_id: U256, cumulative_revenue: U256) -> Result<u16, Error> {
        let offer_id = self.offer_of(token_id)?;
        Ok(self.offers.getter(offer_id).royalty_bps(cumulative_revenue))
    }

    /// The derivative royalty tiers of license `token_id`'s offer: (thresholds, bps), where
    /// tier `i` applies from cumulative revenue `thresholds[i]` on (`thresholds[0]` is 0).
    ///
    /// # Errors
    /// [`Error::NonexistentToken`].
    pub fn royalty_tiers(&self, token_id: U256) -> Result<(Vec<U256>, Vec<u16>), Error> {
        let offer_id = self.offer_of(token_id)?;
        Ok(self.offers.getter(offer_id).tiers())
    }

    /// Usage terms of license `token_id`: (datasetId, splitId, scope, startsAt, expiresAt,
    /// revoked, paymentToken, usageUnit, usageRate).
    ///
    /// # Errors
    /// [`Error::NonexistentToken`].
    pub fn license_usage(&self, token_id: U256) -> Result<LicenseUsage, Error> {
        self.usage_of(token_id)
    }

    /// A license's stamp: (offerId, startsAt, expiresAt, revoked, inDebt).
    ///
    /// # Errors
    /// [`Error::NonexistentToken`].
    pub fn license(&self, token_id: U256) -> Result<(U256, u64, u64, bool, bool), Error> {
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

    /// Revokes license `token_id` for breach; only its offer's arbiter. Final.
    ///
    /// # Errors
    /// [`Error::NonexistentToken`], [`Error::NotArbiter`], [`Error::RevokedLicense`] if it
    /// already is.
    ///
    /// # Events
    /// `LicenseRevoked`.
    pub fn revoke(&mut self, token_id: U256, reason: B256) -> Result<(), Error> {
        self.revoke_license(token_id, reason)
    }

    /// Marks license `token_id` as in debt (invalid until cleared) or settled; only the usage
    /// anchor.
    ///
    /// # Errors
    /// [`Error::NotUsageAnchor`], [`Error::NonexistentToken`].
    ///
    /// # Events
    /// `DebtSet`.
    pub fn set_debt(&mut self, token_id: U256, in_debt: bool) -> Result<(), Error> {
        self.mark_debt(token_id, in_debt)
    }
}

impl LicenseNft {
    /// Errors unless the caller is the usage anchor.
    pub(crate) fn require_usage_anchor(&self) -> Result<(), Error> {
        let sender = self.vm().msg_sender();
        if sender != self.usage_anchor.get() {
            return Err(NotUsageAnchor { account: sender }.into());
        }
        Ok(())
    }
}
