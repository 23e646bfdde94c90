//! Tributary model tokens: every model registered in the attribution registry is an ERC-721
//! token here, token id = model id, held by the account its revenue is paid to.
//!
//! Who calls whom:
//! - `AttributionRegistry` calls [`ModelNft::mint`] when a model is registered
//!   (`tributary_abi::interfaces::IModelNft`): the token goes to the registrant. Only the registry
//!   mints, and `mint` does not call the registry back (the registry is on the call stack, and
//!   Stylus contracts are not reentrant).
//! - Every transfer between two non-zero accounts (`transferFrom` and both `safeTransferFrom`;
//!   there is no burn, and minting is not a transfer) calls the registry back with
//!   `moveModel(modelId, to)` after `OpenZeppelin`'s `Erc721` has moved the token (state first, see
//!   [`transfers`]). The registry records the new holder and opens a new version of the model's
//!   revenue split paying the new holder: revenue the model earned before the transfer stays with
//!   the old holder's version, revenue after it goes to the new holder. A failing registry reverts
//!   the whole transfer with `ExternalCallFailed`, so the token and the registry's holder never
//!   disagree. `safeTransferFrom` asks the receiver (`onERC721Received`) only after the registry
//!   has moved the model, so a receiving contract sees a fully moved model.
//! - Marketplaces read ERC-2981 [`ModelNft::royalty_info`]: `resaleRoyaltyBps` of the sale price,
//!   paid to the model's route forwarder, the CREATE2 address
//!   `tributary_abi::receiver::route_forwarder_address(router, modelId)` that the revenue router
//!   deploys (`royaltyReceiver(modelId)` on the router, idempotent, callable by anyone). A payment
//!   to it is reported as the model's revenue (`reportRevenue(modelId)`), so every ancestor in the
//!   model's lineage takes its royalty on a resale and the rest reaches the model's split. Value
//!   sent to the address before the router deployed the forwarder is not lost: the forwarder sweeps
//!   its whole balance (and recovers ERC-20 balances) once it exists. This contract only computes
//!   the address (host keccak, no call), so `royaltyInfo` stays a cheap view.
//! - Holders set their token's `tokenURI` ([`ModelNft::set_token_uri`], EIP-4906 `MetadataUpdate`).
//!
//! Trust: the registry and the router are constructor arguments and immutable; there is no
//! owner, no admin function, no burn, and nothing is payable. The registry is trusted to mint
//! each model id once to its registrant and to accept `moveModel` from this contract (a registry
//! that refuses it freezes the tokens, by design: ownership and revenue must move together).
//! The router is trusted only as the deployer of the forwarders `royaltyInfo` names.
//!
//! Deploy order (`kit/src/deploy/mod.rs`): after the registry and the router,
//! `ModelNft(registry, router, resaleRoyaltyBps)`; then `registry.setModelNft(modelNft)`.
//!
//! Modules: [`transfers`] (the registry call and the safe-transfer order), [`uri`] (token
//! URIs), [`royalty`] (the royalty amount), [`errors`], [`events`],
//! [`tributary_abi::abi_words`] (the shared error, event and calldata encoder). This file is the
//! router: every external function, each delegating.
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
pub mod transfers;
pub mod uri;

#[cfg(test)]
mod tests;

use alloc::string::String;

use alloy_primitives::{aliases::B32, fixed_bytes, Address, U16, U256};
use openzeppelin_stylus::token::erc721::{Erc721, IErc721};
use stylus_sdk::{
    abi::Bytes,
    prelude::*,
    storage::{StorageAddress, StorageU16},
};
use tributary_abi::{
    receiver::route_forwarder_address,
    terms::{bps_share, BPS_DENOMINATOR},
};

use crate::errors::{ERC2981InvalidDefaultRoyalty, Error, NotRegistry, ZeroAddress};

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
fn token_uri_of(uri: alloc::vec::Vec<u8>) -> TokenUri {
    Bytes::from(uri)
}

/// The `tokenURI` answer from the stored URI bytes (only typed for `export-abi`, never run).
#[cfg(feature = "export-abi")]
fn token_uri_of(uri: alloc::vec::Vec<u8>) -> TokenUri {
    String::from_utf8_lossy(&uri).into_owned()
}

/// ERC-721 collection name.
pub const NAME: &str = "Tributary Model";
/// ERC-721 collection symbol.
pub const SYMBOL: &str = "TMODEL";

/// ERC-165 ids this contract reports: ERC-165, ERC-721, ERC-721 Metadata, ERC-2981, ERC-4906.
pub const INTERFACE_IDS: [B32; 5] = [
    fixed_bytes!("01ffc9a7"),
    fixed_bytes!("80ac58cd"),
    fixed_bytes!("5b5e139f"),
    fixed_bytes!("2a55205a"),
    fixed_bytes!("49064906"),
];

/// The contract's storage.
#[entrypoint]
#[storage]
pub struct ModelNft {
    /// `OpenZeppelin` ERC-721 (owners, balances, approvals).
    pub(crate) erc721: Erc721,
    /// The attribution registry: the only minter, told of every transfer. Set once.
    pub(crate) registry: StorageAddress,
    /// The revenue router, deployer of the models' royalty forwarders. Set once.
    pub(crate) router: StorageAddress,
    /// ERC-2981 resale royalty in basis points (≤ 10,000), shares the router's slot. Set once.
    pub(crate) resale_bps: StorageU16,
}

#[public]
impl ModelNft {
    /// Sets the registry, the router and the resale royalty, for good.
    ///
    /// # Errors
    /// [`Error::ZeroAddress`] if `registry` or `router` is zero,
    /// [`Error::InvalidDefaultRoyalty`] if `resale_royalty_bps` exceeds 10,000.
    #[constructor]
    pub fn constructor(
        &mut self,
        registry: Address,
        router: Address,
        resale_royalty_bps: U256,
    ) -> Result<(), Error> {
        if registry.is_zero() || router.is_zero() {
            return Err(ZeroAddress {}.into());
        }
        let denominator = U256::from(BPS_DENOMINATOR);
        if resale_royalty_bps > denominator {
            return Err(ERC2981InvalidDefaultRoyalty {
                numerator: resale_royalty_bps,
                denominator,
            }
            .into());
        }
        self.registry.set(registry);
        self.router.set(router);
        self.resale_bps
            .set(U16::from_limbs([resale_royalty_bps.as_limbs()[0]]));
        Ok(())
    }

    // ----- Registry -----

    /// Mints model token `model_id` to `to`; only the registry, when it registers the model.
    /// The receiver is not called (`onERC721Received` is not checked on mint), nor is the
    /// registry.
    ///
    /// # Errors
    /// [`Error::NotRegistry`], [`Error::InvalidReceiver`] for the zero address,
    /// [`Error::InvalidSender`] if the token exists.
    ///
    /// # Events
    /// `Transfer(0, to, modelId)`.
    pub fn mint(&mut self, to: Address, model_id: U256) -> Result<(), Error> {
        let sender = self.vm().msg_sender();
        if sender != self.registry.get() {
            return Err(NotRegistry { account: sender }.into());
        }
        Ok(self.erc721._mint(to, model_id)?)
    }

    /// The attribution registry.
    pub fn registry(&self) -> Address {
        self.registry.get()
    }

    /// The revenue router.
    pub fn router(&self) -> Address {
        self.router.get()
    }

    /// The ERC-2981 resale royalty in basis points.
    pub fn resale_royalty_bps(&self) -> U256 {
        U256::from(self.resale_bps.get())
    }

    /// Whether model token `model_id` exists.
    pub fn exists(&self, model_id: U256) -> bool {
        !self.erc721._owner_of(model_id).is_zero()
    }

    // ----- ERC-721 -----

    /// Number of model tokens `owner` holds.
    ///
    /// # Errors
    /// [`Error::InvalidOwner`] for the zero address.
    pub fn balance_of(&self, owner: Address) -> Result<U256, Error> {
        Ok(self.erc721.balance_of(owner)?)
    }

    /// Holder of model token `token_id`.
    ///
    /// # Errors
    /// [`Error::NonexistentToken`].
    pub fn owner_of(&self, token_id: U256) -> Result<Address, Error> {
        Ok(self.erc721.owner_of(token_id)?)
    }

    /// Transfers a model token, tells the registry, then checks `onERC721Received` if `to` is
    /// a contract.
    ///
    /// # Errors
    /// The errors of [`Self::transfer_from`], [`Error::InvalidReceiver`] /
    /// [`Error::InvalidReceiverWithReason`] if the receiver rejects or reverts.
    ///
    /// # Events
    /// `Transfer`.
    pub fn safe_transfer_from(
        &mut self,
        from: Address,
        to: Address,
        token_id: U256,
    ) -> Result<(), Error> {
        self.safe_move(from, to, token_id, &Bytes::from(alloc::vec::Vec::new()))
    }

    /// Transfers a model token with `data` for `onERC721Received`.
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
        self.safe_move(from, to, token_id, &data)
    }

    /// Transfers a model token without a receiver check, and tells the registry
    /// (`moveModel(tokenId, to)`).
    ///
    /// # Errors
    /// [`Error::InvalidReceiver`], [`Error::NonexistentToken`],
    /// [`Error::InsufficientApproval`], [`Error::IncorrectOwner`],
    /// [`Error::ExternalCallFailed`] if the registry's `moveModel` reverts.
    ///
    /// # Events
    /// `Transfer`.
    pub fn transfer_from(
        &mut self,
        from: Address,
        to: Address,
        token_id: U256,
    ) -> Result<(), Error> {
        self.move_token(from, to, token_id)
    }

    /// Approves `to` to transfer `token_id`.
    ///
    /// # Errors
    /// [`Error::NonexistentToken`], [`Error::InvalidApprover`].
    pub fn approve(&mut self, to: Address, token_id: U256) -> Result<(), Error> {
        Ok(self.erc721.approve(to, token_id)?)
    }

    /// Lets `operator` manage all of the caller's model tokens (or stops it).
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

    /// Whether `operator` manages all of `owner`'s model tokens.
    pub fn is_approved_for_all(&self, owner: Address, operator: Address) -> bool {
        self.erc721.is_approved_for_all(owner, operator)
    }

    // ----- ERC-721 Metadata and EIP-4906 -----

    /// ERC-721 Metadata name.
    pub fn name(&self) -> String {
        String::from(NAME)
    }

    /// ERC-721 Metadata symbol.
    pub fn symbol(&self) -> String {
        String::from(SYMBOL)
    }

    /// The URI the holder set for `token_id` ([`Self::set_token_uri`]); empty until set. It
    /// stays with the token when it changes hands, until the new holder sets another.
    ///
    /// Contract builds return it as [`TokenUri`] = `Bytes`, whose ABI encoding is byte-for-byte
    /// that of a `string` (it was stored from a decoded `string`), without UTF-8 validation
    /// code; the exported interface declares `string`.
    ///
    /// # Errors
    /// [`Error::NonexistentToken`].
    #[selector(name = "tokenURI")]
    pub fn token_uri(&self, token_id: U256) -> Result<TokenUri, Error> {
        self.erc721._require_owned(token_id)?;
        Ok(token_uri_of(self.read_uri(token_id)))
    }

    /// Sets the URI of `token_id`; only its holder (not an approved account or operator).
    ///
    /// # Errors
    /// [`Error::NonexistentToken`], [`Error::IncorrectOwner`] unless the caller holds it.
    ///
    /// # Events
    /// `MetadataUpdate(tokenId)` (EIP-4906).
    #[selector(name = "setTokenURI")]
    pub fn set_token_uri(&mut self, token_id: U256, uri: String) -> Result<(), Error> {
        self.store_uri(token_id, uri.as_bytes())
    }

    /// ERC-165: true for ERC-165, ERC-721, ERC-721 Metadata, ERC-2981 and ERC-4906.
    pub fn supports_interface(&self, interface_id: B32) -> bool {
        INTERFACE_IDS.contains(&interface_id)
    }

    // ----- ERC-2981 -----

    /// Resale royalty: `resaleRoyaltyBps` of `sale_price` (rounded down, any `sale_price`),
    /// paid to the model's route forwarder, which reports what it receives to the router as the
    /// model's revenue (see the crate docs).
    ///
    /// # Errors
    /// [`Error::NonexistentToken`].
    pub fn royalty_info(&self, token_id: U256, sale_price: U256) -> Result<(Address, U256), Error> {
        self.erc721._require_owned(token_id)?;
        let vm = self.vm();
        let receiver = route_forwarder_address(self.router.get(), token_id, |data| {
            vm.native_keccak256(data)
        });
        // At most 10,000 (checked by the constructor), so it fits a u16.
        #[allow(clippy::cast_possible_truncation)]
        let bps = self.resale_bps.get().as_limbs()[0] as u16;
        Ok((receiver, bps_share(sale_price, bps)))
    }
}
