//! Unit tests: motsu runs the disputes contract with the real usage anchor and usage escrow
//! (their `test-clock` feature lets [`advance`] move all three clocks together), next to a
//! license contract double, `tributary_testkit`'s splitter and payable wallets.
//!
//! The anchor's `anchorBatch` and `settle` are reached through its calldata dispatcher (the
//! typed forms exist only in the anchor's own tests), with alloy-encoded calls as the attestor
//! kit sends them.
#![allow(
    clippy::unwrap_used,
    clippy::too_many_lines,
    clippy::cast_possible_truncation,
    clippy::missing_panics_doc,
    clippy::unnecessary_wraps,
    unreachable_pub
)]

mod admin;
mod challenges;
mod holds;
mod receipts;
mod vectors;
// The `StandardMerkleTree` builder of the anchor's tests (one file, shared by path: the anchor's
// test module is not visible from here).
#[path = "../../../usage_anchor/src/tests/tree.rs"]
mod tree;

use alloc::{vec, vec::Vec};

use alloy_primitives::{
    aliases::{U64, U8},
    uint, Address, B256, U256,
};
use alloy_sol_types::{eip712_domain, SolCall, SolError, SolStruct};
use motsu::prelude::*;
use openzeppelin_stylus::token::erc721::ERC721NonexistentToken;
use stylus_sdk::{
    host::WasmVM,
    prelude::*,
    storage::{StorageAddress, StorageBool, StorageMap, StorageU256, StorageU64, StorageU8},
};
use tributary_abi::{
    scope,
    usage::{
        anchorBatchCall, receipt_leaf, settleCall, usage_leaf, Batch, Receipt, UsageLeaf,
        EIP712_NAME, EIP712_VERSION,
    },
};
use tributary_testkit::licensing::SplitterDouble;
use usage_anchor::UsageAnchor;
use usage_escrow::UsageEscrow;

use crate::{errors::Error, BatchTuple, LeafTuple, UsageDisputes};

/// The usage anchor's errors.
pub(crate) type AnchorError = usage_anchor::errors::Error;
/// The usage escrow's errors.
pub(crate) type EscrowError = usage_escrow::errors::Error;

/// motsu's host, for the clock.
pub(crate) const HOST: WasmVM = WasmVM {};
/// motsu's fixed block timestamp (before any `advance`).
pub(crate) const NOW: u64 = 1_735_689_600;
/// Chain id the tests run on.
pub(crate) const CHAIN_ID: u64 = 412_346;
/// The anchor's challenge window (1 day).
pub(crate) const WINDOW: u64 = 86_400;
/// The anchor's attestor exit delay (2 days).
pub(crate) const EXIT_DELAY: u64 = 172_800;
/// The escrow's settlement grace (`withdrawalDelay`, 6 hours).
pub(crate) const GRACE: u64 = 21_600;
/// Minimum attestor bond, and the slash of an upheld challenge (1 ETH).
pub(crate) const MIN_BOND: U256 = uint!(1_000_000_000_000_000_000_U256);
/// The challenge bond (0.1 ETH).
pub(crate) const BOND: U256 = uint!(100_000_000_000_000_000_U256);
/// Fee per sample.
pub(crate) const RATE: U256 = uint!(10_000_000_000_U256);
/// The dataset of the test licenses.
pub(crate) const DATASET: U256 = tributary_testkit::licensing::DATASET;
/// The dataset's split.
pub(crate) const SPLIT: U256 = tributary_testkit::licensing::SPLIT;
/// The license every [`World`] issues; [`OTHER_LICENSE`] is a second one.
pub(crate) const LICENSE: U256 = uint!(1_U256);
/// A second license of the licensee.
pub(crate) const OTHER_LICENSE: U256 = uint!(2_U256);
/// Start of the metering period.
pub(crate) const PERIOD_START: u64 = NOW - 7 * 86_400;
/// End of the metering period.
pub(crate) const PERIOD_END: u64 = NOW - 1;
/// The evidence hash challengers post.
pub(crate) const EVIDENCE: B256 = B256::repeat_byte(0xee);

/// The current time (the three contracts' clocks agree).
pub(crate) fn now() -> u64 {
    crate::clock::now(&HOST)
}

/// Moves the clocks of the disputes contract, the anchor and the escrow forward together.
pub(crate) fn advance(seconds: u64) {
    crate::clock::advance(seconds);
    usage_anchor::clock::advance(seconds);
    usage_escrow::clock::advance(seconds);
}

// ---------------------------------------------------------------- test doubles

/// License contract double: `licenseUsage`, `licensePaymentToken`, `setDebt` (only from the
/// escrow), `ownerOf`;
/// unknown licenses revert `ERC721NonexistentToken` like the real contract.
#[storage]
pub(crate) struct LicenseDouble {
    escrow: StorageAddress,
    exists: StorageMap<U256, StorageBool>,
    owner: StorageMap<U256, StorageAddress>,
    unit: StorageMap<U256, StorageU8>,
    revoked_at: StorageMap<U256, StorageU64>,
    in_debt: StorageMap<U256, StorageBool>,
}

unsafe impl TopLevelStorage for LicenseDouble {}

#[public]
impl LicenseDouble {
    fn set_escrow(&mut self, escrow: Address) {
        self.escrow.set(escrow);
    }

    /// A native TRAIN + DERIVATIVES license of `DATASET` in samples at `RATE`.
    fn issue(&mut self, token_id: U256, owner: Address) {
        self.exists.setter(token_id).set(true);
        self.owner.setter(token_id).set(owner);
        self.unit
            .setter(token_id)
            .set(U8::from(scope::UNIT_SAMPLES));
    }

    fn revoke_at(&mut self, token_id: U256, at: u64) {
        self.revoked_at.setter(token_id).set(U64::from(at));
    }

    #[allow(clippy::type_complexity)]
    fn license_usage(
        &self,
        token_id: U256,
    ) -> Result<(U256, U256, U256, u64, u64, u64, Address, u8, U256), Vec<u8>> {
        if !self.exists.get(token_id) {
            return Err(ERC721NonexistentToken { token_id }.abi_encode());
        }
        Ok((
            DATASET,
            SPLIT,
            U256::from(scope::TRAIN | scope::DERIVATIVES),
            0,
            0,
            self.revoked_at.get(token_id).to(),
            Address::ZERO,
            self.unit.get(token_id).to(),
            RATE,
        ))
    }

    fn license_payment_token(&self, token_id: U256) -> Result<Address, Vec<u8>> {
        if !self.exists.get(token_id) {
            return Err(ERC721NonexistentToken { token_id }.abi_encode());
        }
        Ok(Address::ZERO)
    }

    fn owner_of(&self, token_id: U256) -> Result<Address, Vec<u8>> {
        if !self.exists.get(token_id) {
            return Err(ERC721NonexistentToken { token_id }.abi_encode());
        }
        Ok(self.owner.get(token_id))
    }

    fn set_debt(&mut self, token_id: U256, in_debt: bool) -> Result<(), Vec<u8>> {
        if self.vm().msg_sender() != self.escrow.get() {
            return Err(b"not the usage anchor".to_vec());
        }
        self.in_debt.setter(token_id).set(in_debt);
        Ok(())
    }
}

/// A payee that accepts native currency (motsu delivers value only to contracts): the
/// treasury, the licensee, challengers.
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

// ---------------------------------------------------------------- the deployment

/// The deployment, in its documented order: `UsageEscrow(owner, license, splitter, GRACE)`,
/// `UsageAnchor(owner, license, escrow, WINDOW, MIN_BOND, EXIT_DELAY)`,
/// `UsageDisputes(owner, anchor, escrow, BOND)`, `anchor.setDisputes(disputes)`,
/// `escrow.setUsageAnchor(anchor)`, the license contract's usage anchor set to the escrow;
/// `disputes.setArbiter(arbiter)`. Licenses [`LICENSE`] and [`OTHER_LICENSE`] belong to the
/// licensee; the attestor is allow-listed and bonded with [`MIN_BOND`]. The owner (also the
/// treasury) and the licensee are wallets.
pub(crate) struct World {
    pub disputes: Contract<UsageDisputes>,
    pub anchor: Contract<UsageAnchor>,
    pub escrow: Contract<UsageEscrow>,
    pub license: Contract<LicenseDouble>,
    pub splitter: Contract<SplitterDouble>,
    pub owner: Contract<Wallet>,
    pub licensee: Contract<Wallet>,
    pub arbiter: Address,
    pub attestor: Account,
}

impl World {
    /// The contracts, none constructed.
    pub fn undeployed() -> Self {
        Self::undeployed_at(Address::random())
    }

    /// The contracts, none constructed, the anchor at `anchor`.
    pub fn undeployed_at(anchor: Address) -> Self {
        VM::context().set_chain_id(CHAIN_ID);
        Self {
            disputes: Contract::new(),
            anchor: Contract::new_at(anchor),
            escrow: Contract::new(),
            license: Contract::new(),
            splitter: Contract::new(),
            owner: Contract::new(),
            licensee: Contract::new(),
            arbiter: Address::repeat_byte(0xab),
            attestor: Account::from_seed("attestor"),
        }
    }

    /// Escrow and anchor constructed, the disputes contract not.
    pub fn before_disputes() -> Self {
        Self::construct(Self::undeployed())
    }

    /// Constructs the escrow and the anchor of `world`.
    fn construct(world: Self) -> Self {
        let owner = world.owner();
        world
            .escrow
            .sender(owner)
            .constructor(
                owner,
                world.license.address(),
                world.splitter.address(),
                GRACE,
                Address::repeat_byte(0x7e),
            )
            .motsu_unwrap();
        world
            .anchor
            .sender(owner)
            .constructor(
                owner,
                world.license.address(),
                world.escrow.address(),
                WINDOW,
                MIN_BOND,
                EXIT_DELAY,
            )
            .motsu_unwrap();
        world
    }

    /// Everything deployed and wired (see [`World`]).
    pub fn new() -> Self {
        Self::wire(Self::before_disputes())
    }

    /// [`World::new`] with the anchor at `anchor` (where a test vector was signed for).
    pub fn at(anchor: Address) -> Self {
        Self::wire(Self::construct(Self::undeployed_at(anchor)))
    }

    /// Deploys the disputes contract of `world` and wires everything.
    fn wire(world: Self) -> Self {
        let owner = world.owner();
        world
            .disputes
            .sender(owner)
            .constructor(owner, world.anchor.address(), world.escrow.address(), BOND)
            .motsu_unwrap();
        world
            .anchor
            .sender(owner)
            .set_disputes(world.disputes.address())
            .motsu_unwrap();
        world
            .escrow
            .sender(owner)
            .set_usage_anchor(world.anchor.address())
            .motsu_unwrap();
        world
            .license
            .sender(owner)
            .set_escrow(world.escrow.address());
        world
            .disputes
            .sender(owner)
            .set_arbiter(world.arbiter)
            .motsu_unwrap();
        for id in [LICENSE, OTHER_LICENSE] {
            world
                .license
                .sender(owner)
                .issue(id, world.licensee.address());
        }
        world.enroll(world.attestor.address());
        world
    }

    /// The owner's (treasury's) address.
    pub fn owner(&self) -> Address {
        self.owner.address()
    }

    /// The attestor's address.
    pub fn attestor(&self) -> Address {
        self.attestor.address()
    }

    /// Funds `license_id`'s escrow with `amount`.
    pub fn fund(&self, license_id: U256, amount: U256) {
        let funder = Address::repeat_byte(0xf0);
        funder.fund(amount);
        self.escrow
            .sender_and_value(funder, amount)
            .fund_escrow(license_id)
            .motsu_unwrap();
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

    /// Signs `signed` with the world's attestor and anchors it (kit calldata).
    pub fn anchor(&self, signed: &Signed) {
        let signature = sign(
            &self.attestor,
            digest(&signed.batch, CHAIN_ID, self.anchor.address()),
        );
        let data = anchorBatchCall {
            batch: signed.batch.clone(),
            signature: signature.into(),
        }
        .abi_encode();
        self.anchor
            .sender(self.owner())
            .dispatch(&data)
            .expect("the anchor's selector")
            .motsu_unwrap();
    }

    /// Settles the leaves at `positions` of `signed` with one multiproof (kit calldata).
    pub fn settle(&self, signed: &Signed, positions: &[usize]) -> Result<(), AnchorError> {
        let proof = tree::multiproof(&signed.tree, positions);
        let data = settleCall {
            batch: signed.batch.clone(),
            leaves: proof
                .leaf_indices
                .iter()
                .map(|&i| signed.leaves[i].clone())
                .collect(),
            proof: proof.proof,
            proofFlags: proof.flags,
        }
        .abi_encode();
        self.anchor
            .sender(self.owner())
            .dispatch(&data)
            .expect("the anchor's selector")
    }

    /// `challenge(attestor, batchId, EVIDENCE)` by `challenger` with `value`.
    pub fn challenge_with(
        &self,
        challenger: Address,
        batch: &Batch,
        value: U256,
    ) -> Result<(), Error> {
        challenger.fund(value);
        self.disputes.sender_and_value(challenger, value).challenge(
            batch.attestor,
            batch.batchId,
            EVIDENCE,
        )
    }

    /// `challenge` by `challenger` with the exact bond.
    pub fn challenge(&self, challenger: Address, batch: &Batch) -> Result<(), Error> {
        self.challenge_with(challenger, batch, BOND)
    }

    /// The arbiter's ruling.
    pub fn resolve(&self, batch: &Batch, upheld: bool) -> Result<(), Error> {
        self.disputes
            .sender(self.arbiter)
            .resolve_challenge(batch.attestor, batch.batchId, upheld)
    }

    /// `claimChallengeBond` (by a keeper: anyone may).
    pub fn claim(&self, batch: &Batch, challenger: Address) -> Result<(), Error> {
        self.disputes
            .sender(Address::repeat_byte(0x4b))
            .claim_challenge_bond(batch.attestor, batch.batchId, challenger)
    }

    /// `holdEscrow(batch, leaf, path)` for the leaf at `position` (by anyone).
    pub fn hold(&self, signed: &Signed, position: usize) -> Result<(), Error> {
        self.disputes
            .sender(Address::repeat_byte(0x4b))
            .hold_escrow(
                tuple(&signed.batch),
                signed.leaves[position].clone().into(),
                tree::path(&signed.tree, position),
            )
    }

    /// `releaseEscrow(attestor, batchId, index)` (by anyone).
    pub fn release(&self, batch: &Batch, index: u32) -> Result<(), Error> {
        self.disputes
            .sender(Address::repeat_byte(0x4b))
            .release_escrow(batch.attestor, batch.batchId, index)
    }

    /// The anchor's `(status, round)` of a batch.
    pub fn status(&self, batch: &Batch) -> (u8, u16) {
        let info = self
            .anchor
            .sender(self.owner())
            .batch_info(batch.attestor, batch.batchId);
        (info.2, info.3)
    }

    /// `account`'s credit at the disputes contract.
    pub fn credit(&self, account: Address) -> U256 {
        self.disputes.sender(self.owner()).credit_of(account)
    }

    /// The treasury's credit at the anchor (slashed bonds).
    pub fn treasury_credit(&self) -> U256 {
        self.anchor
            .sender(self.owner())
            .attestor_info(self.owner())
            .5
    }

    /// The attestor's bond at the anchor.
    pub fn attestor_bond(&self) -> U256 {
        self.anchor
            .sender(self.owner())
            .attestor_info(self.attestor())
            .1
    }

    /// `escrowInfo(licenseId)`: `(balance, debt, withdrawalAmount, withdrawalReadyAt, holds,
    /// releasedAt)`.
    pub fn escrow_info(&self, license_id: U256) -> (U256, U256, U256, u64, u32, u64) {
        self.escrow.sender(self.owner()).escrow_info(license_id)
    }

    /// The licensee asks to withdraw `amount` of `license_id`'s escrow.
    pub fn request_withdrawal(&self, license_id: U256, amount: U256) {
        self.escrow
            .sender(self.licensee.address())
            .request_escrow_withdrawal(license_id, amount)
            .motsu_unwrap();
    }

    /// The licensee executes its withdrawal.
    pub fn withdraw(&self, license_id: U256) -> Result<(), EscrowError> {
        self.escrow
            .sender(self.licensee.address())
            .withdraw_escrow(license_id)
    }
}

// ---------------------------------------------------------------- leaves, receipts, batches

/// A usage leaf of `units` samples over `receipts` receipts on `license_id`, inside the period.
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

/// Leaves `0..count`, alternating between [`LICENSE`] and [`OTHER_LICENSE`].
pub(crate) fn leaves(count: u32) -> Vec<UsageLeaf> {
    (0..count)
        .map(|i| {
            let license = if i % 2 == 0 { LICENSE } else { OTHER_LICENSE };
            leaf(i, license, 1_000 + u64::from(i), 1)
        })
        .collect()
}

/// A batch over usage leaves with its tree (position `i` at tree index `len - 1 - i`).
#[derive(Clone, Debug)]
pub(crate) struct Signed {
    pub batch: Batch,
    pub leaves: Vec<UsageLeaf>,
    pub tree: Vec<B256>,
}

impl Signed {
    /// Batch `id` of `attestor` over `leaves`, its totals the leaves' own.
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
            deadline: u64::MAX,
        };
        Self {
            batch,
            leaves,
            tree,
        }
    }

    /// The same leaves under a batch changed by `edit`.
    pub fn with(mut self, edit: impl FnOnce(&mut Batch)) -> Self {
        edit(&mut self.batch);
        self
    }
}

/// Receipts aggregated into one usage leaf, with their tree.
pub(crate) struct Receipts {
    pub receipts: Vec<Receipt>,
    pub tree: Vec<B256>,
}

impl Receipts {
    /// Receipts on `license_id` by `attestor`: `units[i]` samples at `PERIOD_START + 3_600 +
    /// 1_000 × i`.
    pub fn new(license_id: U256, attestor: Address, units: &[u64]) -> Self {
        let receipts: Vec<Receipt> = units
            .iter()
            .enumerate()
            .map(|(i, &units)| Receipt {
                jobId: B256::from(U256::from(1_000 * u64::from(license_id.byte(0)) + i as u64)),
                licenseId: license_id,
                assetId: DATASET,
                modelHash: B256::repeat_byte(0xab),
                scope: U256::from(scope::TRAIN),
                unit: scope::UNIT_SAMPLES,
                units: U256::from(units),
                timestamp: PERIOD_START + 3_600 + 1_000 * i as u64,
                attestor,
            })
            .collect();
        Self::of(receipts)
    }

    /// The tree over `receipts` as they are.
    pub fn of(receipts: Vec<Receipt>) -> Self {
        let hashes: Vec<B256> = receipts.iter().map(receipt_leaf).collect();
        let tree = tree::build(&hashes);
        Self { receipts, tree }
    }

    /// The usage leaf `index` aggregating them (what the kit builds).
    pub fn leaf(&self, index: u32) -> UsageLeaf {
        let first = &self.receipts[0];
        UsageLeaf {
            index,
            licenseId: first.licenseId,
            assetId: first.assetId,
            scope: first.scope,
            unit: first.unit,
            units: self.receipts.iter().map(|r| r.units).sum(),
            receiptCount: self.receipts.len() as u32,
            firstAt: self.receipts.iter().map(|r| r.timestamp).min().unwrap(),
            lastAt: self.receipts.iter().map(|r| r.timestamp).max().unwrap(),
            receiptsRoot: self.tree[0],
        }
    }

    /// The Merkle path of receipt `i`.
    pub fn path(&self, i: usize) -> Vec<B256> {
        tree::path(&self.tree, i)
    }
}

/// The ABI tuple of a batch.
pub(crate) fn tuple(batch: &Batch) -> BatchTuple {
    batch.clone().into()
}

/// The ABI tuple of a leaf.
pub(crate) fn leaf_tuple(leaf: &UsageLeaf) -> LeafTuple {
    leaf.clone().into()
}

/// The EIP-712 digest of `batch` for the anchor at `anchor` on `chain_id` (alloy's).
pub(crate) fn digest(batch: &Batch, chain_id: u64, anchor: Address) -> B256 {
    let domain = eip712_domain! {
        name: EIP712_NAME,
        version: EIP712_VERSION,
        chain_id: chain_id,
        verifying_contract: anchor,
    };
    batch.eip712_signing_hash(&domain)
}

/// Signs `digest` with `account`'s key: `r ‖ s ‖ v`, `v` ∈ {27, 28}.
pub(crate) fn sign(account: &Account, digest: B256) -> Vec<u8> {
    let (signature, recovery_id) = account
        .signer()
        .credential()
        .sign_prehash_recoverable(digest.as_slice())
        .unwrap();
    let mut bytes = signature.to_bytes().to_vec();
    bytes.push(27 + recovery_id.to_byte());
    bytes
}

/// A fresh challenger wallet (a contract, so it can receive its credit).
pub(crate) fn challenger() -> Contract<Wallet> {
    Contract::new()
}

/// `vec![]` of `n` fresh challengers.
pub(crate) fn challengers(n: usize) -> Vec<Contract<Wallet>> {
    (0..n).map(|_| challenger()).collect()
}
