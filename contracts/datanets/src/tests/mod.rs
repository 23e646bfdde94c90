//! Unit tests: motsu runs the Datanets contract with the real attribution registry and the real
//! royalty splitter, `tributary_testkit`'s ERC-20 (for ERC-20 stakes) and payable wallets.
//!
//! Every test starts from a [`World`]: the splitter, the registry and the Datanets contract
//! deployed and wired, a dataset registered by [`OWNER`] with two listed contributors `a` and
//! `b` (one share each), its split handed to the Datanets contract, and (for most tests) its
//! Datanet opened with [`CURATOR`], a stake of [`STAKE`] and [`World::evaluator`] allow-listed.
//! Reports are signed with the evaluator's k256 key over a digest computed here by alloy
//! (`SolStruct::eip712_signing_hash`), never by the contract's own code.
//!
//! - `configure`: opening, reconfiguring and closing a Datanet; evaluators.
//! - `contributions`: submission, review, and the stake's return or slash.
//! - `reports`: the signed report, its checks, the veto and the activation.
//! - `epochs`: revenue across split versions, with a property test of the splitter's books.
//! - `vectors`: the shared attribution vectors written by the attestor kit.
#![allow(
    clippy::unwrap_used,
    clippy::too_many_lines,
    clippy::missing_panics_doc,
    clippy::cast_possible_truncation,
    clippy::unnecessary_wraps,
    clippy::unused_self,
    unreachable_pub
)]

mod configure;
mod contributions;
mod epochs;
mod reports;
// The `StandardMerkleTree` builder of the anchor's tests (one file, shared by path).
#[allow(dead_code)]
#[path = "../../../usage_anchor/src/tests/tree.rs"]
mod tree;
mod vectors;

use alloc::{string::String, vec::Vec};

use alloy_primitives::{uint, Address, PrimitiveSignature, B256, U256};
use alloy_sol_types::{eip712_domain, SolStruct};
use attribution_registry::AttributionRegistry;
use motsu::prelude::*;
use royalty_splitter::RoyaltySplitter;
use stylus_sdk::{abi::Bytes, host::WasmVM, prelude::*};
use tributary_abi::attribution::{weight_leaf, AttributionReport, EIP712_NAME, EIP712_VERSION};
use tributary_testkit::erc20::TestToken;
pub(crate) use tributary_testkit::wallets::{RejectingWallet, Wallet};

use crate::{errors::Error, Datanets, ReportTuple};

/// The splitter's errors.
pub(crate) type SplitterError = royalty_splitter::errors::Error;
/// The registry's errors.
pub(crate) type RegistryError = attribution_registry::errors::Error;

/// motsu's host, for the contract's clock.
pub(crate) const HOST: WasmVM = WasmVM {};
/// motsu's fixed block timestamp (before any `advance`).
pub(crate) const NOW: u64 = 1_735_689_600;
/// Chain id the tests run on.
pub(crate) const CHAIN_ID: u64 = 412_346;
/// One day in seconds.
pub(crate) const DAY: u64 = 86_400;
/// The curator's review window (3 days).
pub(crate) const REVIEW_WINDOW: u32 = 3 * 86_400;
/// How long an accepted contribution's stake stays locked (7 days).
pub(crate) const STAKE_LOCK: u32 = 7 * 86_400;
/// The owner's veto window (2 days).
pub(crate) const VETO_WINDOW: u32 = 2 * 86_400;
/// The stake per contribution (0.01 ETH, or 10^16 token units).
pub(crate) const STAKE: U256 = uint!(10_000_000_000_000_000_U256);
/// One ether.
pub(crate) const ETH: U256 = uint!(1_000_000_000_000_000_000_U256);
/// Native currency in the token position.
pub(crate) const NATIVE: Address = Address::ZERO;
/// The registry's and the splitter's owner.
pub(crate) const ADMIN: Address = Address::repeat_byte(0xad);
/// The dataset's owner.
pub(crate) const OWNER: Address = Address::repeat_byte(0x0e);
/// The dataset's curator.
pub(crate) const CURATOR: Address = Address::repeat_byte(0xc0);
/// Someone with no role.
pub(crate) const STRANGER: Address = Address::repeat_byte(0x57);
/// Whoever posts and activates reports (anyone may).
pub(crate) const RELAYER: Address = Address::repeat_byte(0x4e);
/// Whoever pays revenue into the split.
pub(crate) const PAYER: Address = Address::repeat_byte(0xfe);
/// The benchmark of the test reports.
pub(crate) const BENCHMARK: B256 = B256::repeat_byte(0xbe);
/// The metric of the test reports.
pub(crate) const METRIC: B256 = B256::repeat_byte(0xae);
/// A review's or veto's reason hash.
pub(crate) const REASON: B256 = B256::repeat_byte(0x4a);
/// The content hash of the test contributions.
pub(crate) const CONTENT: B256 = B256::repeat_byte(0xcc);
/// The URI of the test contributions.
pub(crate) const URI: &str = "ipfs://contribution";
/// secp256k1 group order n.
pub(crate) const SECP256K1_N: U256 =
    uint!(0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141_U256);

/// The current time as the contract sees it.
pub(crate) fn now() -> u64 {
    crate::clock::now(&HOST)
}

/// Moves the contract's clock forward.
pub(crate) fn advance(seconds: u64) {
    crate::clock::advance(seconds);
}

/// The native balance of `account`.
pub(crate) fn balance_of(account: Address) -> U256 {
    #[allow(deprecated)]
    AddressVM::balance(&account)
}

// ---------------------------------------------------------------- test doubles

// ---------------------------------------------------------------- the deployment

/// The deployment of every test (see the module documentation).
pub(crate) struct World {
    pub datanets: Contract<Datanets>,
    pub registry: Contract<AttributionRegistry>,
    pub splitter: Contract<RoyaltySplitter>,
    /// The ERC-20 of ERC-20 stakes.
    pub token: Contract<TestToken>,
    /// The dataset's first listed contributor (one share).
    pub a: Contract<Wallet>,
    /// The dataset's second listed contributor (one share).
    pub b: Contract<Wallet>,
    /// The allow-listed evaluator.
    pub evaluator: Account,
    /// The dataset (zero for [`World::deployed`]).
    pub dataset: U256,
    /// The dataset's split.
    pub split: U256,
}

impl World {
    /// The three contracts deployed and wired; no dataset.
    pub fn deployed() -> Self {
        Self::deployed_at(Address::random())
    }

    /// [`World::deployed`] with the Datanets contract at `datanets` (where a vector was signed
    /// for).
    pub fn deployed_at(datanets: Address) -> Self {
        VM::context().set_chain_id(CHAIN_ID);
        let world = Self {
            datanets: Contract::new_at(datanets),
            registry: Contract::new(),
            splitter: Contract::new(),
            token: Contract::new(),
            a: Contract::new(),
            b: Contract::new(),
            evaluator: Account::from_seed("evaluator"),
            dataset: U256::ZERO,
            split: U256::ZERO,
        };
        world
            .splitter
            .sender(ADMIN)
            .constructor(ADMIN)
            .motsu_unwrap();
        world
            .registry
            .sender(ADMIN)
            .constructor(ADMIN, world.splitter.address())
            .motsu_unwrap();
        world
            .datanets
            .sender(ADMIN)
            .constructor(world.registry.address())
            .motsu_unwrap();
        world
    }

    /// The dataset `[a, b]` 50/50 registered; its split still with the registry.
    pub fn registered() -> Self {
        let mut world = Self::deployed();
        let members = [(world.a.address(), 1), (world.b.address(), 1)];
        world.dataset = world.register_listed(1, &members);
        world.split = world.split_of(world.dataset);
        world
    }

    /// [`World::registered`] with the split handed to the Datanets contract (not configured).
    pub fn handed_over() -> Self {
        let world = Self::registered();
        world.hand_over(world.dataset);
        world
    }

    /// The dataset's Datanet open with a native stake.
    pub fn native() -> Self {
        let world = Self::handed_over();
        world.open(world.dataset, NATIVE);
        world
    }

    /// The dataset's Datanet open with an ERC-20 stake ([`World::token`]).
    pub fn erc20() -> Self {
        let world = Self::handed_over();
        world.open(world.dataset, world.token.address());
        world
    }

    /// Registers a dataset with content hash `repeat_byte(tag)` and listed `members` (in any
    /// order) as [`OWNER`].
    pub fn register_listed(&self, tag: u8, members: &[(Address, u64)]) -> U256 {
        let mut members = members.to_vec();
        members.sort_by_key(|m| m.0);
        let (recipients, shares): (Vec<Address>, Vec<U256>) =
            members.into_iter().map(|(a, s)| (a, U256::from(s))).unzip();
        self.registry
            .sender(OWNER)
            .register_dataset(
                B256::repeat_byte(tag),
                String::from("ipfs://dataset"),
                recipients,
                shares,
            )
            .motsu_unwrap()
    }

    /// Registers a dataset whose contributors are the Merkle split of `weights`, as [`OWNER`].
    pub fn register_merkle(&self, tag: u8, weights: &Weights) -> U256 {
        self.registry
            .sender(OWNER)
            .register_merkle_dataset(
                B256::repeat_byte(tag),
                String::from("ipfs://dataset"),
                weights.root(),
                weights.total(),
            )
            .motsu_unwrap()
    }

    /// The split of `dataset`.
    pub fn split_of(&self, dataset: U256) -> U256 {
        self.registry.sender(OWNER).dataset_split(dataset)
    }

    /// `registry.handOverSplit(dataset, datanets)` as [`OWNER`].
    pub fn hand_over(&self, dataset: U256) {
        self.registry
            .sender(OWNER)
            .hand_over_split(dataset, self.datanets.address())
            .motsu_unwrap();
    }

    /// `configureDatanet` as [`OWNER`] with [`CURATOR`], the default windows and `stake`.
    pub fn configure(&self, dataset: U256, token: Address, stake: U256) -> Result<(), Error> {
        self.datanets.sender(OWNER).configure_datanet(
            dataset,
            CURATOR,
            token,
            stake,
            REVIEW_WINDOW,
            STAKE_LOCK,
            VETO_WINDOW,
        )
    }

    /// Opens `dataset`'s Datanet with a stake of [`STAKE`] in `token` and allow-lists the
    /// evaluator.
    pub fn open(&self, dataset: U256, token: Address) {
        self.configure(dataset, token, STAKE).motsu_unwrap();
        self.datanets
            .sender(OWNER)
            .set_evaluator(dataset, self.evaluator.address(), true)
            .motsu_unwrap();
    }

    /// `datanet(dataset)`.
    pub fn datanet(&self, dataset: U256) -> (Address, Address, U256, u32, u32, u32, u64, bool) {
        self.datanets.sender(STRANGER).datanet(dataset)
    }

    /// The dataset's current epoch.
    pub fn epoch(&self, dataset: U256) -> u64 {
        self.datanet(dataset).6
    }

    // ----- contributions

    /// Submits `content` to the world's dataset as `who` with exactly the stake: the value of
    /// the call for a native stake (funded first), else minted and approved to the contract.
    pub fn try_contribute(&self, who: Address, content: B256) -> Result<U256, Error> {
        let (_, token, stake, ..) = self.datanet(self.dataset);
        if token.is_zero() {
            who.fund(stake);
            self.datanets.sender_and_value(who, stake).contribute(
                self.dataset,
                content,
                String::from(URI),
            )
        } else {
            self.token.sender(who).mint(who, stake);
            self.token
                .sender(who)
                .approve(self.datanets.address(), stake);
            self.datanets
                .sender(who)
                .contribute(self.dataset, content, String::from(URI))
        }
    }

    /// [`World::try_contribute`] of [`CONTENT`], which must succeed.
    pub fn contribute(&self, who: Address) -> U256 {
        self.try_contribute(who, CONTENT).motsu_unwrap()
    }

    /// The curator's verdict on `id`.
    pub fn review(&self, id: U256, verdict: u8) -> Result<(), Error> {
        self.datanets
            .sender(CURATOR)
            .review_contribution(id, verdict, REASON)
    }

    /// `withdrawStake(id)`, triggered by a stranger (anyone may).
    pub fn withdraw(&self, id: U256) -> Result<U256, Error> {
        self.datanets.sender(STRANGER).withdraw_stake(id)
    }

    /// `contribution(id)`: `(datasetId, contributor, status, stake, deadline)`.
    pub fn contribution(&self, id: U256) -> (U256, Address, u8, U256, u64) {
        self.datanets.sender(STRANGER).contribution(id)
    }

    /// What `who` holds of the world's stake token (native or [`World::token`]).
    pub fn stake_balance(&self, who: Address) -> U256 {
        if self.datanet(self.dataset).1.is_zero() {
            balance_of(who)
        } else {
            self.token.sender(STRANGER).balance_of(who)
        }
    }

    // ----- reports

    /// `report` signed by the world's evaluator for this chain and contract.
    pub fn sign(&self, report: &AttributionReport) -> Vec<u8> {
        sign(
            &self.evaluator,
            digest(report, CHAIN_ID, self.datanets.address()),
        )
    }

    /// Posts `report` with `signature` (as [`RELAYER`]: anyone may).
    pub fn post_signed(&self, report: &AttributionReport, signature: Vec<u8>) -> Result<(), Error> {
        self.datanets
            .sender(RELAYER)
            .post_report(tuple(report), Bytes::from(signature))
    }

    /// Posts `report` signed by the world's evaluator.
    pub fn post(&self, report: &AttributionReport) -> Result<(), Error> {
        self.post_signed(report, self.sign(report))
    }

    /// `activateReport(dataset)` as [`RELAYER`].
    pub fn try_activate(&self, dataset: U256) -> Result<u32, Error> {
        self.datanets.sender(RELAYER).activate_report(dataset)
    }

    /// Installs `weights` as `dataset`'s next epoch: posts the evaluator's report, waits out
    /// the veto window and activates it. Returns the split version it opened.
    pub fn activate(&self, dataset: U256, weights: &Weights) -> u32 {
        let report = report(dataset, self.epoch(dataset) + 1, weights);
        self.post(&report).motsu_unwrap();
        advance(u64::from(VETO_WINDOW));
        self.try_activate(dataset).motsu_unwrap()
    }

    // ----- the splitter

    /// Pays `amount` of native currency into `split` (as [`PAYER`], funded first).
    pub fn deposit(&self, split: U256, amount: U256) {
        PAYER.fund(amount);
        self.splitter
            .sender_and_value(PAYER, amount)
            .deposit(split)
            .motsu_unwrap();
    }

    /// `(deposited, remainder)` of `split` in `token`.
    pub fn split_balance(&self, split: U256, token: Address) -> (U256, U256) {
        self.splitter.sender(STRANGER).split_balance(split, token)
    }

    /// What `who` can withdraw of `token` from `version` of `split`.
    pub fn claimable(&self, split: U256, version: u32, who: Address, token: Address) -> U256 {
        self.splitter
            .sender(STRANGER)
            .claimable(split, version, who, token)
    }
}

// ---------------------------------------------------------------- weights and reports

/// A weights file: `(contributor, weight)` members in input order, and the
/// `StandardMerkleTree` over their [`weight_leaf`]s (member `i` at tree index `len - 1 - i`).
#[derive(Clone, Debug)]
pub(crate) struct Weights {
    pub members: Vec<(Address, U256)>,
    pub tree: Vec<B256>,
}

impl Weights {
    /// The tree of `members`.
    pub fn new(members: &[(Address, u64)]) -> Self {
        let members: Vec<(Address, U256)> = members
            .iter()
            .map(|&(account, weight)| (account, U256::from(weight)))
            .collect();
        let leaves: Vec<B256> = members
            .iter()
            .map(|&(account, weight)| weight_leaf(account, weight))
            .collect();
        Self {
            tree: tree::build(&leaves),
            members,
        }
    }

    /// The root.
    pub fn root(&self) -> B256 {
        self.tree[0]
    }

    /// The sum of the weights.
    pub fn total(&self) -> U256 {
        self.members.iter().map(|m| m.1).sum()
    }

    /// The proof of member `i`.
    pub fn proof(&self, i: usize) -> Vec<B256> {
        tree::path(&self.tree, i)
    }
}

/// The evaluator's report of `weights` for `dataset` version 1 and `epoch`, on [`BENCHMARK`]
/// and [`METRIC`], postable for 30 days.
pub(crate) fn report(dataset: U256, epoch: u64, weights: &Weights) -> AttributionReport {
    AttributionReport {
        datasetId: dataset,
        version: U256::from(1),
        epoch,
        benchmarkId: BENCHMARK,
        metric: METRIC,
        weightsRoot: weights.root(),
        totalWeight: weights.total(),
        deadline: now() + 30 * DAY,
    }
}

/// The ABI tuple of a report.
pub(crate) fn tuple(report: &AttributionReport) -> ReportTuple {
    report.clone().into()
}

/// The EIP-712 digest of `report` for the Datanets contract at `contract` on `chain_id`,
/// computed by alloy.
pub(crate) fn digest(report: &AttributionReport, chain_id: u64, contract: Address) -> B256 {
    report.eip712_signing_hash(&eip712_domain! {
        name: EIP712_NAME,
        version: EIP712_VERSION,
        chain_id: chain_id,
        verifying_contract: contract,
    })
}

/// Signs `digest` with `account`'s key: 65 bytes `r ‖ s ‖ v`, `v` ∈ {27, 28}, low `s`.
pub(crate) fn sign(account: &Account, digest: B256) -> Vec<u8> {
    let signer = account.signer();
    let (signature, recovery_id) = signer
        .credential()
        .sign_prehash_recoverable(digest.as_slice())
        .unwrap();
    let mut bytes = signature.to_bytes().to_vec();
    bytes.push(27 + recovery_id.to_byte());
    bytes
}

/// Who `signature` recovers to for `digest`, computed by alloy (k256).
pub(crate) fn recover(signature: &[u8], digest: B256) -> Address {
    PrimitiveSignature::from_bytes_and_parity(&signature[..64], signature[64] == 28)
        .recover_address_from_prehash(&digest)
        .unwrap()
}
