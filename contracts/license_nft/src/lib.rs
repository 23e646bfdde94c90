//! Tributary license NFTs: ERC-721 tokens that say what their holder may do with a dataset,
//! until when, and what it costs.
//!
//! The license system is two contracts (split for the 24 KiB code limit):
//! - `LicenseNft` (this crate): the tokens. ERC-721 with Metadata (`OpenZeppelin`), the transfer
//!   rules (soulbound and revoked licenses stay put, a transfer ends an ERC-4907 rental), ERC-4907
//!   rentals where terms allow, ERC-2981 resale royalties paid to the dataset split's receiver, the
//!   per-token stamps (offer, start, expiry, revoked, debt), the checks other contracts ask
//!   (`isValid`, `isLicensed`, `royaltyBps`, `royaltyTiers`, `licenseUsage`), arbiter revocation
//!   and the debt flag set for unpaid usage by the configured "usage anchor" (in a Tributary
//!   deployment the usage escrow, which records the debt).
//! - `LicenseOffers` (crate `license-offers`): the offer book. Dataset owners (checked against the
//!   attribution registry) create, pause, update and retire offers there, and buyers `mint` there;
//!   it routes the price into the dataset's split and calls [`LicenseNft::issue`].
//!
//! When an offer is created, `LicenseOffers` registers its license terms and terms URI here
//! once (`registerOffer`, see [`terms`]), so every check and `tokenURI` is a local read.
//!
//! Deploy order (`kit/src/deploy/mod.rs`): `RoyaltySplitter(owner)` →
//! `AttributionRegistry(owner, splitter)` → `LicenseNft(owner)` →
//! `LicenseOffers(licenseNft, registry, splitter)` → `RevenueRouter(..)` →
//! `UsageEscrow(owner, licenseNft, ..)` → `UsageAnchor(owner, licenseNft, escrow, ..)`; then
//! `registry.setLicenseNft(licenseNft)`, `licenseNft.setLicenseOffers(offers)` and
//! `licenseNft.setUsageAnchor(escrow)` (owner, once each): the escrow, not the usage anchor
//! contract, is the account allowed to call `setDebt`.
//! Other contracts call the `ILicenseNft` views on the `LicenseNft` address.
//!
//! Modules: [`terms`] (per-offer terms), [`licenses`] (issue and validity), [`rentals`]
//! (ERC-4907), [`transfers`] (transfer rules), [`wiring`] (trusted contracts), [`errors`],
//! [`events`], [`tributary_abi::abi_words`] (the shared error, event and calldata encoder). This
//! file is the router: every external function, each delegating.
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
pub mod rentals;
pub mod store;
pub mod terms;
pub mod transfers;
pub mod wiring;

#[cfg(test)]
mod tests;

use alloc::{string::String, vec::Vec};

use alloy_primitives::{aliases::B32, fixed_bytes, Address, B256, U256};
use openzeppelin_stylus::{
    access::ownable_two_step::{IOwnable2Step, Ownable2Step},
    token::erc721::{Erc721, IErc721},
};
use stylus_sdk::{abi::Bytes, prelude::*, storage::StorageAddress};
use tributary_abi::{returns::RoyaltyTiers, terms::bps_share};

use crate::{
    errors::Error,
    licenses::{LicenseStamp, LicenseUsage},
    store::{word_address, Field},
    terms::TERMS_WORDS,
};

/// What `tokenURI` returns: `string` in the exported interface; `Bytes` (the same ABI
/// encoding, no UTF-8 validation code) in contract builds and tests.
#[cfg(feature = "export-abi")]
pub type TokenUri = String;
/// What `tokenURI` returns: `string` in the exported interface; `Bytes` (the same ABI
/// encoding, no UTF-8 validation code) in contract builds and tests.
#[cfg(not(feature = "export-abi"))]
pub type TokenUri = Bytes;

/// The `tokenURI` answer from the stored URI bytes (identity in contract builds).
#[cfg(not(feature = "export-abi"))]
fn token_uri_of(uri: Bytes) -> TokenUri {
    uri
}

/// The `tokenURI` answer from the stored URI bytes (only typed for `export-abi`, never run).
#[cfg(feature = "export-abi")]
fn token_uri_of(uri: Bytes) -> TokenUri {
    String::from_utf8_lossy(&uri).into_owned()
}

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
    /// `OpenZeppelin` ERC-721 (owners, balances, approvals). It must stay the first field: its
    /// owner slots, `keccak256(tokenId ‖ 0)`, also hold the license stamps (`store`).
    pub(crate) erc721: Erc721,
    /// Two-step ownership for admin functions.
    pub(crate) ownable: Ownable2Step,
    /// The offers contract, the only account that registers terms and issues licenses; zero
    /// until configured.
    pub(crate) offers_contract: StorageAddress,
    /// The usage anchor, the only account that sets the debt flag; zero until configured.
    pub(crate) usage_anchor: StorageAddress,
}

#[public]
impl LicenseNft {
    /// Sets the owner. The offers contract and the usage anchor are configured afterwards
    /// (`setLicenseOffers`, `setUsageAnchor`), since both need this contract's address first.
    ///
    /// # Errors
    /// [`Error::InvalidContractOwner`] if `owner` is zero.
    #[constructor]
    pub fn constructor(&mut self, owner: Address) -> Result<(), Error> {
        Ok(self.ownable.constructor(owner)?)
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
        String::from(NAME)
    }

    /// ERC-721 Metadata symbol.
    pub fn symbol(&self) -> String {
        String::from(SYMBOL)
    }

    /// The license's terms document: its offer's terms URI (registered with the terms).
    ///
    /// Contract builds return it as [`TokenUri`] = `Bytes`, whose ABI encoding is byte-for-byte
    /// that of a `string` (the offers contract registered it from a decoded `string`), without
    /// UTF-8 validation code; the exported interface declares `string`.
    ///
    /// # Errors
    /// [`Error::NonexistentToken`].
    #[selector(name = "tokenURI")]
    pub fn token_uri(&self, token_id: U256) -> Result<TokenUri, Error> {
        let offer_id = self.offer_of(token_id)?;
        Ok(token_uri_of(Bytes::from(self.read_uri(offer_id))))
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
        let bps = self.packed_terms(offer_id).resale_bps;
        let receiver = word_address(self.read(Field::Receiver, offer_id));
        Ok((receiver, bps_share(sale_price, bps)))
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
        self.user_expiry(token_id)
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

    /// The offers contract (zero until configured).
    pub fn license_offers(&self) -> Address {
        self.offers_contract.get()
    }

    /// Configures the offers contract (`LicenseOffers`), once.
    ///
    /// # Errors
    /// [`Error::UnauthorizedAccount`] unless the owner calls, [`Error::ZeroAddress`],
    /// [`Error::LicenseOffersAlreadySet`].
    ///
    /// # Events
    /// `LicenseOffersSet`.
    pub fn set_license_offers(&mut self, license_offers: Address) -> Result<(), Error> {
        self.configure_offers(license_offers)
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
        self.configure_usage_anchor(usage_anchor)
    }

    // ----- Offers contract -----

    /// Registers the license terms of offer `offer_id`; only the offers contract, once per
    /// offer, when the offer is created. `terms` is the 10 words of fields `Dataset` to
    /// `Threshold3` packed as [`store`] documents, followed by the terms URI's bytes (an
    /// internal interface between the two license contracts: raw words keep both small).
    ///
    /// # Errors
    /// [`Error::NotLicenseOffers`], [`Error::OfferAlreadyRegistered`].
    ///
    /// # Events
    /// `OfferTermsRegistered`.
    pub fn register_offer(&mut self, offer_id: U256, terms: Bytes) -> Result<(), Error> {
        let mut words = [U256::ZERO; TERMS_WORDS];
        for (word, chunk) in words.iter_mut().zip(terms.chunks_exact(32)) {
            *word = U256::from_be_bytes::<32>(chunk.try_into().unwrap_or_default());
        }
        let uri = terms.get(32 * TERMS_WORDS..).unwrap_or_default();
        self.register_terms(offer_id, &words, uri)
    }

    /// Mints license `token_id` to `to`, stamped with its start (now) and `expires_at`
    /// (0 = perpetual); only the offers contract, which has taken the payment and numbered the
    /// token: `tokenId = offerId · 2^32 + serial` (`tributary_abi::packed::license_token_id`), so
    /// the id names the license's offer. The receiver is not called (`onERC721Received` is not
    /// checked on mint).
    ///
    /// # Errors
    /// [`Error::NotLicenseOffers`], [`Error::UnknownOffer`] if the id's offer is not
    /// registered, [`Error::InvalidReceiver`] for the zero address, [`Error::InvalidSender`] if
    /// the token exists, [`Error::ArithmeticOverflow`] past the stamp's 40-bit times.
    ///
    /// # Events
    /// `Transfer`.
    pub fn issue(&mut self, to: Address, token_id: U256, expires_at: u64) -> Result<(), Error> {
        self.issue_license(to, token_id, expires_at)
    }

    // ----- Licenses -----

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
        Ok(self.offer_royalty_bps(offer_id, cumulative_revenue))
    }

    /// The derivative royalty tiers of license `token_id`'s offer: (thresholds, bps), where
    /// tier `i` applies from cumulative revenue `thresholds[i]` on (`thresholds[0]` is 0).
    ///
    /// # Errors
    /// [`Error::NonexistentToken`].
    pub fn royalty_tiers(&self, token_id: U256) -> Result<RoyaltyTiers, Error> {
        let offer_id = self.offer_of(token_id)?;
        let (thresholds, bps) = self.tiers(offer_id);
        Ok(RoyaltyTiers { thresholds, bps })
    }

    /// Usage terms of license `token_id`: (datasetId, splitId, scope, startsAt, expiresAt,
    /// revokedAt (0 = never), paymentToken, usageUnit, usageRate).
    ///
    /// # Errors
    /// [`Error::NonexistentToken`].
    pub fn license_usage(&self, token_id: U256) -> Result<LicenseUsage, Error> {
        self.usage_of(token_id)
    }

    /// The token license `token_id` is paid in (zero = native currency): what the escrow
    /// checks a funding against, in two storage reads where `licenseUsage` takes four.
    ///
    /// # Errors
    /// [`Error::NonexistentToken`].
    pub fn license_payment_token(&self, token_id: U256) -> Result<Address, Error> {
        Ok(word_address(
            self.read(Field::Payment, self.offer_of(token_id)?),
        ))
    }

    /// A license's stamp: (offerId, startsAt, expiresAt, revoked, inDebt).
    ///
    /// # Errors
    /// [`Error::NonexistentToken`].
    pub fn license(&self, token_id: U256) -> Result<LicenseStamp, Error> {
        self.stamp_of(token_id)
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
