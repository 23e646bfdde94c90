//! Unit tests: motsu runs the anchor with the real usage escrow, next to a license contract
//! double (v2 `licenseUsage`, with a revocation time), `tributary_testkit`'s splitter and ERC-20
//! doubles, payable wallets and an ERC-1271 signer. The disputes contract is played by a plain
//! address here (`World::disputes`); the real challenge game runs in the `usage_disputes`
//! crate's tests.
#![allow(
    clippy::unwrap_used,
    clippy::too_many_arguments,
    clippy::cast_possible_truncation,
    clippy::too_many_lines,
    clippy::missing_panics_doc,
    clippy::unnecessary_wraps,
    clippy::unused_self,
    unreachable_pub
)]

mod abi_words;
mod admin;
mod anchoring;
mod calldata;
mod merkle_props;
mod properties;
mod settlement;
mod skips;
mod status;
mod tree;
mod vectors;

use alloc::{vec, vec::Vec};

use alloy_primitives::{
    aliases::{U64, U8},
    uint, Address, FixedBytes, LogData, B256, U256,
};
use alloy_sol_types::{eip712_domain, SolError, SolEvent, SolStruct};
use motsu::prelude::*;
use openzeppelin_stylus::token::erc721::ERC721NonexistentToken;
use stylus_sdk::{
    abi::Bytes,
    host::WasmVM,
    prelude::*,
    storage::{StorageAddress, StorageBool, StorageMap, StorageU256, StorageU64, StorageU8},
};
use tributary_abi::{
    scope,
    usage::{usage_leaf, Batch, UsageLeaf, EIP712_NAME, EIP712_VERSION},
};
use tributary_testkit::{erc20::TestToken, licensing::SplitterDouble};
use usage_escrow::UsageEscrow;

use crate::{errors::Error, UsageAnchor};

/// motsu's host, for the contract's pure helpers and its clock.
pub(crate) const HOST: WasmVM = WasmVM {};

/// motsu's fixed block timestamp (before any `clock::advance`).
pub(crate) const NOW: u64 = 1_735_689_600;
/// Chain id the tests run on.
pub(crate) const CHAIN_ID: u64 = 412_346;
/// Challenge window (1 day).
pub(crate) const WINDOW: u64 = 86_400;
/// Attestor exit delay (2 days).
pub(crate) const EXIT_DELAY: u64 = 172_800;
/// The escrow's settlement grace (`withdrawalDelay`, 6 hours).
pub(crate) const GRACE: u64 = 21_600;
/// Minimum attestor bond (1 ETH).
pub(crate) const MIN_BOND: U256 = uint!(1_000_000_000_000_000_000_U256);
/// Case-study rate: 0.0001 ETH per 10k samples = 10^10 wei per sample.
pub(crate) const RATE: U256 = uint!(10_000_000_000_U256);
/// The dataset of the test licenses.
pub(crate) const DATASET: U256 = tributary_testkit::licensing::DATASET;
/// The dataset's split.
pub(crate) const SPLIT: U256 = tributary_testkit::licensing::SPLIT;
/// A second split, for licenses of another dataset.
pub(crate) const OTHER_SPLIT: U256 = uint!(4_U256);
/// The native-currency license every [`World`] issues.
pub(crate) const LICENSE: U256 = uint!(1_U256);
/// Start of the default metering period (a week before motsu's `NOW`).
pub(crate) const PERIOD_START: u64 = NOW - 7 * 86_400;
/// End of the default metering period.
pub(crate) const PERIOD_END: u64 = NOW - 1;
/// The default anchoring deadline.
pub(crate) const DEADLINE: u64 = NOW + 86_400;

/// The current time as the contracts see it.
pub(crate) fn now() -> u64 {
    crate::clock::now(&HOST)
}

/// Moves the anchor's and the escrow's clocks forward.
pub(crate) fn advance(seconds: u64) {
    crate::clock::advance(seconds);
}

/// `n` wei.
pub(crate) fn wei(n: u64) -> U256 {
    U256::from(n)
}

// ---------------------------------------------------------------- test doubles

/// License contract double: `licenseUsage` (nine words, `ERC721NonexistentToken` for an
/// unknown license, like the real contract), `licensePaymentToken`, `setDebt` (only from the
/// configured usage anchor, which is the escrow), `ownerOf`, and setters.
#[storage]
pub(crate) struct LicenseDouble {
    usage_anchor: StorageAddress,
    exists: StorageMap<U256, StorageBool>,
    dataset: StorageMap<U256, StorageU256>,
    split: StorageMap<U256, StorageU256>,
    scope: StorageMap<U256, StorageU256>,
    starts_at: StorageMap<U256, StorageU64>,
    expires_at: StorageMap<U256, StorageU64>,
    revoked_at: StorageMap<U256, StorageU64>,
    token: StorageMap<U256, StorageAddress>,
    unit: StorageMap<U256, StorageU8>,
    rate: StorageMap<U256, StorageU256>,
    owner: StorageMap<U256, StorageAddress>,
    in_debt: StorageMap<U256, StorageBool>,
    debt_calls: StorageU256,
    broken: StorageBool,
}

unsafe impl TopLevelStorage for LicenseDouble {}

/// The revert data of a broken license contract (see `LicenseDouble::set_broken`).
pub(crate) const BROKEN: &[u8] = b"license contract broken";

/// What `licenseUsage` answers: `(datasetId, splitId, scope, startsAt, expiresAt, revokedAt,
/// paymentToken, usageUnit, usageRate)`.
pub(crate) type UsageTerms = (U256, U256, U256, u64, u64, u64, Address, u8, U256);

#[public]
impl LicenseDouble {
    fn license_usage(&self, token_id: U256) -> Result<UsageTerms, Vec<u8>> {
        if self.broken.get() {
            return Err(BROKEN.to_vec());
        }
        if !self.exists.get(token_id) {
            return Err(ERC721NonexistentToken { token_id }.abi_encode());
        }
        Ok((
            self.dataset.get(token_id),
            self.split.get(token_id),
            self.scope.get(token_id),
            self.starts_at.get(token_id).to(),
            self.expires_at.get(token_id).to(),
            self.revoked_at.get(token_id).to(),
            self.token.get(token_id),
            self.unit.get(token_id).to(),
            self.rate.get(token_id),
        ))
    }

    fn license_payment_token(&self, token_id: U256) -> Result<Address, Vec<u8>> {
        if self.broken.get() {
            return Err(BROKEN.to_vec());
        }
        if !self.exists.get(token_id) {
            return Err(ERC721NonexistentToken { token_id }.abi_encode());
        }
        Ok(self.token.get(token_id))
    }

    fn set_debt(&mut self, token_id: U256, in_debt: bool) -> Result<(), Vec<u8>> {
        if self.vm().msg_sender() != self.usage_anchor.get() || !self.exists.get(token_id) {
            return Err(b"setDebt".to_vec());
        }
        self.in_debt.setter(token_id).set(in_debt);
        let calls = self.debt_calls.get() + U256::from(1);
        self.debt_calls.set(calls);
        Ok(())
    }

    fn owner_of(&self, token_id: U256) -> Result<Address, Vec<u8>> {
        if !self.exists.get(token_id) {
            return Err(ERC721NonexistentToken { token_id }.abi_encode());
        }
        Ok(self.owner.get(token_id))
    }

    fn is_in_debt(&self, token_id: U256) -> bool {
        self.in_debt.get(token_id)
    }

    fn debt_calls(&self) -> U256 {
        self.debt_calls.get()
    }

    /// Test setup: `licenseUsage` reverts with [`BROKEN`] (or stops doing so).
    fn set_broken(&mut self, broken: bool) {
        self.broken.set(broken);
    }

    fn set_usage_anchor(&mut self, anchor: Address) {
        self.usage_anchor.set(anchor);
    }

    /// A TRAIN + DERIVATIVES license of `DATASET` (split `SPLIT`) in samples at `RATE`, valid
    /// for ever, paid in `token`.
    fn issue(&mut self, token_id: U256, owner: Address, token: Address) {
        self.exists.setter(token_id).set(true);
        self.dataset.setter(token_id).set(DATASET);
        self.split.setter(token_id).set(SPLIT);
        self.scope
            .setter(token_id)
            .set(U256::from(scope::TRAIN | scope::DERIVATIVES));
        self.token.setter(token_id).set(token);
        self.unit
            .setter(token_id)
            .set(U8::from(scope::UNIT_SAMPLES));
        self.rate.setter(token_id).set(RATE);
        self.owner.setter(token_id).set(owner);
    }

    fn set_terms(
        &mut self,
        token_id: U256,
        dataset: U256,
        split: U256,
        scope: U256,
        unit: u8,
        rate: U256,
    ) {
        self.dataset.setter(token_id).set(dataset);
        self.split.setter(token_id).set(split);
        self.scope.setter(token_id).set(scope);
        self.unit.setter(token_id).set(U8::from(unit));
        self.rate.setter(token_id).set(rate);
    }

    fn set_validity(&mut self, token_id: U256, starts_at: u64, expires_at: u64, revoked_at: u64) {
        self.starts_at.setter(token_id).set(U64::from(starts_at));
        self.expires_at.setter(token_id).set(U64::from(expires_at));
        self.revoked_at.setter(token_id).set(U64::from(revoked_at));
    }
}

/// A payee that accepts native currency (motsu delivers value only to contracts).
#[storage]
pub(crate) struct Wallet {
    received: StorageU256,
}

unsafe impl TopLevelStorage for Wallet {}

#[public]
impl Wallet {
    #[receive]
    fn receive(&mut self) -> Result<(), Vec<u8>> {
        let total = self.received.get() + self.vm().msg_value();
        self.received.set(total);
        Ok(())
    }

    fn received(&self) -> U256 {
        self.received.get()
    }
}

/// ERC-1271 signer double: accepts exactly the digests it approved (and native currency).
#[storage]
pub(crate) struct ContractSigner {
    approved: StorageMap<B256, StorageBool>,
}

unsafe impl TopLevelStorage for ContractSigner {}

#[public]
impl ContractSigner {
    #[receive]
    fn receive(&mut self) -> Result<(), Vec<u8>> {
        Ok(())
    }

    fn approve_digest(&mut self, hash: B256) {
        self.approved.setter(hash).set(true);
    }

    fn is_valid_signature(&self, hash: B256, _signature: Bytes) -> FixedBytes<4> {
        if self.approved.get(hash) {
            FixedBytes(crate::external_calls::ERC1271_MAGIC_VALUE)
        } else {
            FixedBytes([0xff; 4])
        }
    }
}

// ---------------------------------------------------------------- the deployment

/// The deployment of every test: `UsageEscrow(owner, license, splitter, GRACE)`,
/// `UsageAnchor(owner, license, escrow, WINDOW, MIN_BOND, EXIT_DELAY)`,
/// `anchor.setDisputes(disputes)`, `escrow.setUsageAnchor(anchor)`, the license contract's
/// usage anchor set to the escrow; native license [`LICENSE`] owned by `licensee`; `attestor`
/// allow-listed and bonded with [`MIN_BOND`]. The owner (the treasury) and the licensee are
/// wallets so they can receive native currency.
pub(crate) struct World {
    pub anchor: Contract<UsageAnchor>,
    pub escrow: Contract<UsageEscrow>,
    pub license: Contract<LicenseDouble>,
    pub splitter: Contract<SplitterDouble>,
    pub owner: Contract<Wallet>,
    pub licensee: Contract<Wallet>,
    /// Plays the usage disputes contract (the only caller of `setBatchStatus`).
    pub disputes: Address,
    pub attestor: Account,
}

impl World {
    /// Deploys and wires everything (see [`World`]).
    pub fn new() -> Self {
        Self::with_exit_delay(EXIT_DELAY)
    }

    /// [`World::new`] with another attestor exit delay.
    pub fn with_exit_delay(exit_delay: u64) -> Self {
        let world = Self::undeployed();
        world.deploy(exit_delay);
        world
    }

    /// [`World::new`] with the anchor at `anchor` (where a test vector was signed for).
    pub fn at(anchor: Address) -> Self {
        let world = Self::undeployed_at(anchor);
        world.deploy(EXIT_DELAY);
        world
    }

    /// The contracts, not yet constructed.
    pub fn undeployed() -> Self {
        Self::undeployed_at(Address::random())
    }

    /// The contracts, not yet constructed, the anchor at `anchor`.
    pub fn undeployed_at(anchor: Address) -> Self {
        VM::context().set_chain_id(CHAIN_ID);
        Self {
            anchor: Contract::new_at(anchor),
            escrow: Contract::new(),
            license: Contract::new(),
            splitter: Contract::new(),
            owner: Contract::new(),
            licensee: Contract::new(),
            disputes: Address::repeat_byte(0xd1),
            attestor: Account::from_seed("attestor"),
        }
    }

    fn deploy(&self, exit_delay: u64) {
        let owner = self.owner();
        self.escrow
            .sender(owner)
            .constructor(
                owner,
                self.license.address(),
                self.splitter.address(),
                GRACE,
                Address::repeat_byte(0x7e),
            )
            .motsu_unwrap();
        self.anchor
            .sender(owner)
            .constructor(
                owner,
                self.license.address(),
                self.escrow.address(),
                WINDOW,
                MIN_BOND,
                exit_delay,
            )
            .motsu_unwrap();
        self.anchor
            .sender(owner)
            .set_disputes(self.disputes)
            .motsu_unwrap();
        self.escrow
            .sender(owner)
            .set_usage_anchor(self.anchor.address())
            .motsu_unwrap();
        self.license
            .sender(owner)
            .set_usage_anchor(self.escrow.address());
        self.license
            .sender(owner)
            .issue(LICENSE, self.licensee.address(), Address::ZERO);
        self.enroll(self.attestor.address());
    }

    /// The owner's (treasury's) address.
    pub fn owner(&self) -> Address {
        self.owner.address()
    }

    /// Allow-lists `attestor` and posts the minimum bond for it.
    pub fn enroll(&self, attestor: Address) {
        self.anchor
            .sender(self.owner())
            .set_attestor(attestor, true)
            .motsu_unwrap();
        attestor.fund(MIN_BOND);
        self.anchor
            .sender_and_value(attestor, MIN_BOND)
            .bond_attestor()
            .motsu_unwrap();
    }

    /// Issues another native license of `DATASET` to the licensee.
    pub fn issue(&self, license_id: U256) {
        self.license
            .sender(self.owner())
            .issue(license_id, self.licensee.address(), Address::ZERO);
    }

    /// Funds `license_id`'s escrow with `amount` of native currency.
    pub fn fund(&self, license_id: U256, amount: U256) {
        let funder = Address::repeat_byte(0xf0);
        funder.fund(amount);
        self.escrow
            .sender_and_value(funder, amount)
            .fund_escrow(license_id)
            .motsu_unwrap();
    }

    /// `(balance, debt)` of a license's escrow.
    pub fn escrow_of(&self, license_id: U256) -> (U256, U256) {
        let info = self.escrow.sender(self.owner()).escrow_info(license_id);
        (info.0, info.1)
    }

    /// Signs and anchors `signed` (submitted by the owner: anyone may).
    pub fn anchor(&self, signed: &Signed) {
        self.try_anchor(signed).motsu_unwrap();
    }

    /// Signs `signed` with the world's attestor and submits it.
    pub fn try_anchor(&self, signed: &Signed) -> Result<(), Error> {
        let signature = sign_batch(&self.attestor, self.anchor.address(), &signed.batch);
        self.anchor
            .sender(self.owner())
            .anchor_batch(tuple(&signed.batch), Bytes::from(signature))
    }

    /// Settles the leaves at `positions` of `signed` with one multiproof.
    pub fn settle(&self, signed: &Signed, positions: &[usize]) -> Result<(), Error> {
        let (leaves, proof, flags) = signed.multiproof(positions);
        self.anchor
            .sender(self.owner())
            .settle(tuple(&signed.batch), leaves, proof, flags)
    }

    /// Settles the leaf at `position` with a plain Merkle path and no flags.
    pub fn settle_one(&self, signed: &Signed, position: usize) -> Result<(), Error> {
        self.anchor.sender(self.owner()).settle(
            tuple(&signed.batch),
            vec![signed.leaves[position].clone().into()],
            tree::path(&signed.tree, position),
            vec![],
        )
    }

    /// `setBatchStatus` as the disputes contract.
    pub fn set_status(&self, batch: &Batch, status: u8) -> Result<u16, Error> {
        self.anchor
            .sender(self.disputes)
            .set_batch_status(batch.attestor, batch.batchId, status)
    }

    /// `batchInfo(attestor, batchId)`.
    pub fn info(&self, batch: &Batch) -> crate::BatchInfo {
        self.anchor
            .sender(self.owner())
            .batch_info(batch.attestor, batch.batchId)
    }

    /// Whether leaf `index` of the batch is settled.
    pub fn settled(&self, batch: &Batch, index: u32) -> bool {
        self.anchor
            .sender(self.owner())
            .is_usage_settled(batch.attestor, batch.batchId, index)
    }
}

// ---------------------------------------------------------------- usage leaves and batches

/// A usage leaf of `units` samples over `receipts` receipts on `license_id` (TRAIN, `DATASET`),
/// inside the default period.
pub(crate) fn leaf(index: u32, license_id: U256, units: u64, receipts: u32) -> UsageLeaf {
    UsageLeaf {
        index,
        licenseId: license_id,
        assetId: DATASET,
        scope: U256::from(scope::TRAIN),
        unit: scope::UNIT_SAMPLES,
        units: U256::from(units),
        receiptCount: receipts,
        firstAt: PERIOD_START + 3_600,
        lastAt: PERIOD_END - 3_600,
        receiptsRoot: B256::repeat_byte(0x5e),
    }
}

/// `count` leaves `0..count` on [`LICENSE`], leaf `i` with `1_000 + i` units over `1 + i % 3`
/// receipts.
pub(crate) fn leaves(count: u32) -> Vec<UsageLeaf> {
    (0..count)
        .map(|i| leaf(i, LICENSE, 1_000 + u64::from(i), 1 + i % 3))
        .collect()
}

/// A batch over usage leaves, with its tree (leaf at position `i` of `leaves` stored at tree
/// index `len - 1 - i`).
#[derive(Clone, Debug)]
pub(crate) struct Signed {
    pub batch: Batch,
    pub leaves: Vec<UsageLeaf>,
    pub tree: Vec<B256>,
}

impl Signed {
    /// A batch with id `id` of `attestor` over `leaves`: `leafCount`, `receiptCount` and
    /// `totalUnits` are the leaves' own, the period the default one.
    pub fn new(id: u8, attestor: Address, leaves: Vec<UsageLeaf>) -> Self {
        let hashes: Vec<B256> = leaves.iter().map(usage_leaf).collect();
        let tree = tree::build(&hashes);
        let batch = Batch {
            batchId: B256::repeat_byte(id),
            attestor,
            root: tree[0],
            leafCount: leaves.len() as u32,
            receiptCount: leaves.iter().map(|l| l.receiptCount).sum(),
            totalUnits: leaves.iter().map(|l| l.units).sum(),
            periodStart: PERIOD_START,
            periodEnd: PERIOD_END,
            deadline: DEADLINE,
        };
        Self {
            batch,
            leaves,
            tree,
        }
    }

    /// The same leaves under a batch changed by `edit` (after the defaults are set).
    pub fn with(mut self, edit: impl FnOnce(&mut Batch)) -> Self {
        edit(&mut self.batch);
        self
    }

    /// The multiproof of the leaves at `positions`: leaves in proof order, proof, flags.
    pub fn multiproof(&self, positions: &[usize]) -> (Vec<crate::LeafTuple>, Vec<B256>, Vec<bool>) {
        let proof = tree::multiproof(&self.tree, positions);
        let leaves = proof
            .leaf_indices
            .iter()
            .map(|&i| self.leaves[i].clone().into())
            .collect();
        (leaves, proof.proof, proof.flags)
    }
}

/// What `batchInfo` answers as the batch's hash: the first `BATCH_HASH_PREFIX` bytes of its
/// EIP-712 struct hash (computed by alloy), the rest zero.
pub(crate) fn stored_hash(batch: &Batch) -> B256 {
    let mut hash = batch.eip712_hash_struct();
    hash[tributary_abi::usage::BATCH_HASH_PREFIX..].fill(0);
    hash
}

/// The ABI tuple of a batch.
pub(crate) fn tuple(batch: &Batch) -> crate::BatchTuple {
    batch.clone().into()
}

/// The EIP-712 digest of `batch` for the anchor at `anchor` on `chain_id`, computed by alloy.
pub(crate) fn digest(batch: &Batch, chain_id: u64, anchor: Address) -> B256 {
    let domain = eip712_domain! {
        name: EIP712_NAME,
        version: EIP712_VERSION,
        chain_id: chain_id,
        verifying_contract: anchor,
    };
    batch.eip712_signing_hash(&domain)
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

/// `attestor`'s signature of `batch` for the anchor at `anchor` on [`CHAIN_ID`].
pub(crate) fn sign_batch(attestor: &Account, anchor: Address, batch: &Batch) -> Vec<u8> {
    sign(attestor, digest(batch, CHAIN_ID, anchor))
}

// ---------------------------------------------------------------- events

/// The events of type `E` among `logs`.
pub(crate) fn decode<E: SolEvent>(logs: &[LogData]) -> Vec<E> {
    logs.iter()
        .filter(|log| log.topics().first() == Some(&E::SIGNATURE_HASH))
        .map(|log| E::decode_log_data(log, true).unwrap())
        .collect()
}

/// Counts the events a contract emits from now on.
pub(crate) struct Logs(usize);

impl Logs {
    /// Starts counting after `events`, a contract's events so far (`Contract::all_events`).
    pub fn after(events: Vec<LogData>) -> Self {
        Self(events.len())
    }

    /// The events of type `E` among the contract's `events` since [`Logs::after`].
    pub fn since<E: SolEvent>(&self, events: Vec<LogData>) -> Vec<E> {
        decode(&events[self.0..])
    }
}

/// The native balance of `account` (motsu answers the deprecated hostio behind it).
pub(crate) fn balance_of(account: Address) -> U256 {
    #[allow(deprecated)]
    AddressVM::balance(&account)
}
