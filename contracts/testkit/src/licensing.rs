//! Doubles and fixtures of the two license contracts' tests (`LicenseNft` and `LicenseOffers`):
//! small contracts standing in for the attribution registry and the royalty splitter that
//! implement exactly the functions the license contracts call and record what they receive, the
//! case-study terms, and [`license_fixtures!`](crate::license_fixtures) for the deploy / offer /
//! buy fixtures.

use alloc::{string::String, vec, vec::Vec};

use stylus_sdk::{
    alloy_primitives::{b256, uint, Address, B256, U256},
    prelude::*,
    storage::{StorageAddress, StorageBool, StorageMap, StorageU256},
};
use tributary_abi::{
    scope::{DERIVATIVES, TRAIN, UNIT_SAMPLES},
    terms::LicenseTerms,
};

use crate::erc20::pull;

/// Registry double: dataset owners and splits, and model holders, set by the test.
#[storage]
pub struct RegistryDouble {
    owners: StorageMap<U256, StorageAddress>,
    splits: StorageMap<U256, StorageU256>,
    model_holders: StorageMap<U256, StorageAddress>,
}

unsafe impl TopLevelStorage for RegistryDouble {}

#[public]
impl RegistryDouble {
    /// Test setup: `dataset_id` is owned by `owner` and pays into split `split_id`.
    pub fn set_dataset(&mut self, dataset_id: U256, owner: Address, split_id: U256) {
        self.owners.setter(dataset_id).set(owner);
        self.splits.setter(dataset_id).set(split_id);
    }

    /// `datasetOwner(uint256)`.
    pub fn dataset_owner(&self, dataset_id: U256) -> Address {
        self.owners.get(dataset_id)
    }

    /// `datasetSplit(uint256)`.
    pub fn dataset_split(&self, dataset_id: U256) -> U256 {
        self.splits.get(dataset_id)
    }

    /// `datasetListing(uint256)`: owner and split.
    pub fn dataset_listing(&self, dataset_id: U256) -> (Address, U256) {
        (self.owners.get(dataset_id), self.splits.get(dataset_id))
    }

    /// Test setup: model `model_id`'s token is held by `holder`.
    pub fn set_model(&mut self, model_id: U256, holder: Address) {
        self.model_holders.setter(model_id).set(holder);
    }

    /// `model(uint256)`: `(holder, splitId, modelHash, depth)`; reverts (as the registry's
    /// `UnknownModel`) for a model never set.
    pub fn model(&self, model_id: U256) -> Result<(Address, U256, B256, u8), Vec<u8>> {
        let holder = self.model_holders.get(model_id);
        if holder.is_zero() {
            return Err(b"unknown model".to_vec());
        }
        Ok((holder, model_id, B256::ZERO, 1))
    }
}

/// Split 0 is unknown to the splitter double (its calls revert with `UNKNOWN_SPLIT`).
pub const UNKNOWN_SPLIT_REASON: &[u8] = b"unknown split";
/// For this split the splitter double reports no royalty receiver.
pub const NO_RECEIVER_SPLIT: U256 = U256::from_limbs([99, 0, 0, 0]);

/// The ERC-2981 receiver the splitter double reports for `split_id`.
pub fn receiver_of(split_id: U256) -> Address {
    let mut bytes = [0u8; 20];
    bytes[0] = 0xAA;
    bytes[12..].copy_from_slice(&split_id.to_be_bytes::<32>()[24..]);
    Address::from(bytes)
}

/// Splitter double: records native and token deposits per split.
#[storage]
pub struct SplitterDouble {
    native: StorageMap<U256, StorageU256>,
    tokens: StorageMap<U256, StorageU256>,
    last_token: StorageAddress,
    reject: StorageBool,
}

unsafe impl TopLevelStorage for SplitterDouble {}

#[public]
impl SplitterDouble {
    /// Test setup: every call reverts as for an unknown split (or stops doing so).
    pub fn set_reject(&mut self, reject: bool) {
        self.reject.set(reject);
    }

    /// `deposit(uint256)`: records the value sent.
    #[payable]
    pub fn deposit(&mut self, split_id: U256) -> Result<(), Vec<u8>> {
        self.check(split_id)?;
        let value = self.vm().msg_value();
        let total = self.native.get(split_id) + value;
        self.native.setter(split_id).set(total);
        Ok(())
    }

    /// Pulls `amount` from the caller like the real splitter and credits the balance delta.
    pub fn deposit_token(
        &mut self,
        split_id: U256,
        token: Address,
        amount: U256,
    ) -> Result<(), Vec<u8>> {
        self.check(split_id)?;
        let arrived = pull(self, token, amount).ok_or_else(|| b"pull failed".to_vec())?;
        let total = self.tokens.get(split_id) + arrived;
        self.tokens.setter(split_id).set(total);
        self.last_token.set(token);
        Ok(())
    }

    /// `royaltyReceiver(uint256)`: [`receiver_of`] the split, zero for [`NO_RECEIVER_SPLIT`].
    pub fn royalty_receiver(&mut self, split_id: U256) -> Result<Address, Vec<u8>> {
        self.check(split_id)?;
        if split_id == NO_RECEIVER_SPLIT {
            return Ok(Address::ZERO);
        }
        Ok(receiver_of(split_id))
    }

    /// Native currency deposited into `split_id`.
    pub fn native_deposited(&self, split_id: U256) -> U256 {
        self.native.get(split_id)
    }

    /// Tokens credited to `split_id` (any token).
    pub fn token_deposited(&self, split_id: U256) -> U256 {
        self.tokens.get(split_id)
    }

    /// The token of the last token deposit.
    pub fn last_token(&self) -> Address {
        self.last_token.get()
    }
}

impl SplitterDouble {
    fn check(&self, split_id: U256) -> Result<(), Vec<u8>> {
        if split_id.is_zero() || self.reject.get() {
            return Err(UNKNOWN_SPLIT_REASON.to_vec());
        }
        Ok(())
    }
}

/// The dataset every fixture offer licenses.
pub const DATASET: U256 = uint!(7_U256);
/// The revenue router the offers contract and the escrow are constructed with in unit tests:
/// no contract is there, so a model's revenue route is exercised end to end on real WASM
/// (`tests/model_tokens.rs`), not here.
pub const ROUTER: Address = Address::new([0x7e; 20]);
/// Its split in the splitter double.
pub const SPLIT: U256 = uint!(3_U256);
/// Case study: 0.05 ETH.
pub const PRICE: U256 = uint!(50_000_000_000_000_000_U256);
/// Case study: 24 months of 30 days.
pub const DURATION: u64 = 24 * 30 * 24 * 3600;
/// Case study: 0.0001 ETH per 10k samples.
pub const RATE: U256 = uint!(10_000_000_000_U256);
/// keccak256 of the terms document (any non-zero value here).
pub const TERMS_HASH: B256 =
    b256!("1111111111111111111111111111111111111111111111111111111111111111");
/// The terms document.
pub const TERMS_URI: &str = "ipfs://bafy-medical-patches-terms";

/// The case-study terms: TRAIN + DERIVATIVES for 24 months at 0.05 ETH, 5/10/15 % derivative
/// tiers at 0 / 1 ETH / 10 ETH of revenue, transferable, rentable, 5 % resale royalty.
pub fn case_study_terms(arbiter: Address) -> LicenseTerms {
    LicenseTerms {
        datasetId: DATASET,
        scope: U256::from(TRAIN | DERIVATIVES),
        duration: DURATION,
        paymentToken: Address::ZERO,
        price: PRICE,
        usageUnit: UNIT_SAMPLES,
        usageRate: RATE,
        tierThresholds: vec![
            U256::ZERO,
            uint!(1_000_000_000_000_000_000_U256),
            uint!(10_000_000_000_000_000_000_U256),
        ],
        tierBps: vec![500, 1000, 1500],
        maxSupply: 0,
        transferable: true,
        rentable: true,
        resaleRoyaltyBps: 500,
        arbiter,
        termsHash: TERMS_HASH,
        termsUri: String::from(TERMS_URI),
    }
}

/// Terms with `edit` applied to the case study.
pub fn terms_with(arbiter: Address, edit: impl FnOnce(&mut LicenseTerms)) -> LicenseTerms {
    let mut terms = case_study_terms(arbiter);
    edit(&mut terms);
    terms
}

/// Defines the fixtures that deploy and use the two license contracts, for the token contract
/// type `$nft` and the offers contract type `$offers` (each crate's tests run its own type and
/// the other crate's; a macro because a crate's own type differs from the one a dependency
/// would see):
///
/// - `deploy(nft, offers, registry, splitter, admin, dataset_owner)`: the four contracts of every
///   test, wired in deploy order: `LicenseNft(admin)`, `LicenseOffers(nft, registry, splitter)`,
///   `nft.setLicenseOffers(offers)`; `dataset_owner` owns [`DATASET`](crate::licensing::DATASET)
///   (split [`SPLIT`](crate::licensing::SPLIT)) in the registry double;
/// - `offer(offers, dataset_owner, terms) -> U256`: creates an offer as `dataset_owner`;
/// - `buy(offers, offer_id, buyer, price) -> U256`: buys one license of a native-priced offer for
///   `buyer`;
/// - `licensed(nft, offers, registry, splitter, admin, dataset_owner, arbiter, buyer) -> (U256,
///   U256)`: deploys, publishes the case-study offer and sells one license to `buyer`; returns
///   (offer id, token id);
/// - `now(nft) -> u64`: the block timestamp motsu reports.
#[macro_export]
macro_rules! license_fixtures {
    ($nft:ty, $offers:ty $(,)?) => {
        /// The four contracts of every test, wired in deploy order: `LicenseNft(admin)`,
        /// `LicenseOffers(nft, registry, splitter)`, `nft.setLicenseOffers(offers)`;
        /// `dataset_owner` owns `DATASET` (split `SPLIT`) in the registry.
        pub(crate) fn deploy(
            nft: &$crate::__private::Contract<$nft>,
            offers: &$crate::__private::Contract<$offers>,
            registry: &$crate::__private::Contract<$crate::licensing::RegistryDouble>,
            splitter: &$crate::__private::Contract<$crate::licensing::SplitterDouble>,
            admin: $crate::__private::Address,
            dataset_owner: $crate::__private::Address,
        ) {
            use $crate::__private::motsu::prelude::*;
            registry.sender(admin).set_dataset(
                $crate::licensing::DATASET,
                dataset_owner,
                $crate::licensing::SPLIT,
            );
            nft.sender(admin).constructor(admin).motsu_unwrap();
            offers
                .sender(admin)
                .constructor(
                    nft.address(),
                    registry.address(),
                    splitter.address(),
                    $crate::licensing::ROUTER,
                )
                .motsu_unwrap();
            nft.sender(admin)
                .set_license_offers(offers.address())
                .motsu_unwrap();
        }

        /// Creates an offer with `terms` as `dataset_owner`.
        pub(crate) fn offer(
            offers: &$crate::__private::Contract<$offers>,
            dataset_owner: $crate::__private::Address,
            terms: $crate::__private::LicenseTerms,
        ) -> $crate::__private::U256 {
            use $crate::__private::motsu::prelude::*;
            offers
                .sender(dataset_owner)
                .create_offer(terms)
                .motsu_unwrap()
        }

        /// Buys one license of a native-priced offer for `buyer`.
        pub(crate) fn buy(
            offers: &$crate::__private::Contract<$offers>,
            offer_id: $crate::__private::U256,
            buyer: $crate::__private::Address,
            price: $crate::__private::U256,
        ) -> $crate::__private::U256 {
            use $crate::__private::motsu::prelude::*;
            buyer.fund(price);
            offers
                .sender_and_value(buyer, price)
                .mint(offer_id, buyer, price)
                .motsu_unwrap()
        }

        /// Deploys, publishes the case-study offer (arbiter `arbiter`) and sells one license to
        /// `buyer`; returns (offer id, token id).
        #[allow(clippy::too_many_arguments)]
        pub(crate) fn licensed(
            nft: &$crate::__private::Contract<$nft>,
            offers: &$crate::__private::Contract<$offers>,
            registry: &$crate::__private::Contract<$crate::licensing::RegistryDouble>,
            splitter: &$crate::__private::Contract<$crate::licensing::SplitterDouble>,
            admin: $crate::__private::Address,
            dataset_owner: $crate::__private::Address,
            arbiter: $crate::__private::Address,
            buyer: $crate::__private::Address,
        ) -> ($crate::__private::U256, $crate::__private::U256) {
            deploy(nft, offers, registry, splitter, admin, dataset_owner);
            let offer_id = offer(
                offers,
                dataset_owner,
                $crate::licensing::case_study_terms(arbiter),
            );
            let token_id = buy(offers, offer_id, buyer, $crate::licensing::PRICE);
            (offer_id, token_id)
        }

        /// The block timestamp motsu reports.
        pub(crate) fn now(nft: &$crate::__private::Contract<$nft>) -> u64 {
            use $crate::__private::stylus_sdk::prelude::HostAccess;
            nft.sender($crate::__private::Address::ZERO)
                .vm()
                .block_timestamp()
        }
    };
}
