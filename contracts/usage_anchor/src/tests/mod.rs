//! Unit tests: motsu runs the anchor next to small test doubles of the license contract, the
//! splitter, an ERC-20 token and an ERC-1271 contract signer.
#![allow(
    clippy::unwrap_used,
    clippy::too_many_arguments,
    clippy::cast_possible_truncation,
    clippy::unnecessary_wraps,
    clippy::unused_self,
    clippy::too_many_lines
)]

mod abi_words;
mod admin;
mod anchoring;
mod calldata;
mod challenges;
mod escrow_rule;
mod merkle_props;
mod settlement;
mod tree;
mod vectors;

use alloc::{vec, vec::Vec};

use alloy_primitives::{
    aliases::{U64, U8},
    uint, Address, FixedBytes, B256, U256,
};
use motsu::prelude::*;
use openzeppelin_stylus::token::erc20::{self, interface::Erc20Interface, Erc20, IErc20};
#[allow(deprecated)]
use stylus_sdk::call::Call;
use stylus_sdk::{
    abi::Bytes,
    host::WasmVM,
    prelude::*,
    storage::{StorageAddress, StorageBool, StorageMap, StorageU256, StorageU64, StorageU8},
};
use tributary_abi::{
    scope,
    usage::{receipt_leaf, Batch, Receipt},
};
use usage_escrow::UsageEscrow;

use crate::{signing, UsageAnchor};

/// motsu's host, for the contract's pure hashing helpers (a software keccak behind
/// `native_keccak256`).
pub(crate) const HOST: WasmVM = WasmVM {};

/// motsu's fixed block timestamp.
pub(crate) const NOW: u64 = 1_735_689_600;
/// Chain id the tests run on.
pub(crate) const CHAIN_ID: u64 = 412_346;
/// Challenge window (1 day).
pub(crate) const WINDOW: u64 = 86_400;
/// Exit delay / settlement grace (2 days).
pub(crate) const EXIT_DELAY: u64 = 172_800;
/// Minimum attestor bond.
pub(crate) const MIN_BOND: U256 = uint!(1_000_000_000_000_000_000_U256);
/// Challenge bond.
pub(crate) const CHALLENGE_BOND: U256 = uint!(100_000_000_000_000_000_U256);
/// Case-study rate: 0.0001 ETH per 10k samples = 10^10 wei per sample.
pub(crate) const RATE: U256 = uint!(10_000_000_000_U256);
/// The dataset of the test licenses.
pub(crate) const DATASET: U256 = uint!(7_U256);
/// The dataset's split.
pub(crate) const SPLIT: U256 = uint!(70_U256);
/// Native-currency license.
pub(crate) const LICENSE: U256 = uint!(1_U256);

// ---------------------------------------------------------------- test doubles

/// License contract double: `licenseUsage`, `setDebt`, `ownerOf` and setters.
#[storage]
pub(crate) struct LicenseDouble {
    dataset: StorageMap<U256, StorageU256>,
    split: StorageMap<U256, StorageU256>,
    scope: StorageMap<U256, StorageU256>,
    starts_at: StorageMap<U256, StorageU64>,
    expires_at: StorageMap<U256, StorageU64>,
    revoked: StorageMap<U256, StorageBool>,
    token: StorageMap<U256, StorageAddress>,
    unit: StorageMap<U256, StorageU8>,
    rate: StorageMap<U256, StorageU256>,
    owner: StorageMap<U256, StorageAddress>,
    in_debt: StorageMap<U256, StorageBool>,
}

unsafe impl TopLevelStorage for LicenseDouble {}

#[public]
impl LicenseDouble {
    fn license_usage(
        &self,
        token_id: U256,
    ) -> (U256, U256, U256, u64, u64, bool, Address, u8, U256) {
        (
            self.dataset.get(token_id),
            self.split.get(token_id),
            self.scope.get(token_id),
            self.starts_at.get(token_id).to(),
            self.expires_at.get(token_id).to(),
            self.revoked.get(token_id),
            self.token.get(token_id),
            self.unit.get(token_id).to(),
            self.rate.get(token_id),
        )
    }

    fn set_debt(&mut self, token_id: U256, in_debt: bool) {
        self.in_debt.setter(token_id).set(in_debt);
    }

    fn owner_of(&self, token_id: U256) -> Address {
        self.owner.get(token_id)
    }

    fn is_in_debt(&self, token_id: U256) -> bool {
        self.in_debt.get(token_id)
    }

    fn configure(
        &mut self,
        token_id: U256,
        owner: Address,
        token: Address,
        scope: U256,
        starts_at: u64,
        expires_at: u64,
    ) {
        self.dataset.setter(token_id).set(DATASET);
        self.split.setter(token_id).set(SPLIT);
        self.scope.setter(token_id).set(scope);
        self.starts_at.setter(token_id).set(U64::from(starts_at));
        self.expires_at.setter(token_id).set(U64::from(expires_at));
        self.token.setter(token_id).set(token);
        self.unit
            .setter(token_id)
            .set(U8::from(scope::UNIT_SAMPLES));
        self.rate.setter(token_id).set(RATE);
        self.owner.setter(token_id).set(owner);
    }

    fn set_dataset(&mut self, token_id: U256, dataset: U256) {
        self.dataset.setter(token_id).set(dataset);
    }

    fn set_split(&mut self, token_id: U256, split: U256) {
        self.split.setter(token_id).set(split);
    }

    fn revoke(&mut self, token_id: U256) {
        self.revoked.setter(token_id).set(true);
    }
}

/// Splitter double: records what each split received.
#[storage]
pub(crate) struct SplitterDouble {
    native: StorageMap<U256, StorageU256>,
    tokens: StorageMap<U256, StorageU256>,
    deposits: StorageU256,
}

unsafe impl TopLevelStorage for SplitterDouble {}

#[public]
impl SplitterDouble {
    #[payable]
    fn deposit(&mut self, split_id: U256) {
        let value = self.vm().msg_value();
        let total = self.native.get(split_id) + value;
        self.native.setter(split_id).set(total);
        let count = self.deposits.get() + U256::from(1);
        self.deposits.set(count);
    }

    fn deposit_token(
        &mut self,
        split_id: U256,
        token: Address,
        amount: U256,
    ) -> Result<(), Vec<u8>> {
        let from = self.vm().msg_sender();
        let this = self.vm().contract_address();
        #[allow(deprecated)]
        let ok =
            Erc20Interface::new(token).transfer_from(Call::new_in(self), from, this, amount)?;
        if !ok {
            return Err(vec![1]);
        }
        let total = self.tokens.get(split_id) + amount;
        self.tokens.setter(split_id).set(total);
        let count = self.deposits.get() + U256::from(1);
        self.deposits.set(count);
        Ok(())
    }

    fn native_of(&self, split_id: U256) -> U256 {
        self.native.get(split_id)
    }

    fn tokens_of(&self, split_id: U256) -> U256 {
        self.tokens.get(split_id)
    }

    fn deposit_count(&self) -> U256 {
        self.deposits.get()
    }
}

/// A mintable ERC-20.
#[storage]
pub(crate) struct TestToken {
    erc20: Erc20,
}

unsafe impl TopLevelStorage for TestToken {}

#[public]
impl TestToken {
    fn mint(&mut self, to: Address, amount: U256) -> Result<(), erc20::Error> {
        self.erc20._mint(to, amount)
    }

    fn balance_of(&self, account: Address) -> U256 {
        self.erc20.balance_of(account)
    }

    fn approve(&mut self, spender: Address, value: U256) -> Result<bool, erc20::Error> {
        self.erc20.approve(spender, value)
    }

    fn allowance(&self, owner: Address, spender: Address) -> U256 {
        self.erc20.allowance(owner, spender)
    }

    fn transfer(&mut self, to: Address, value: U256) -> Result<bool, erc20::Error> {
        self.erc20.transfer(to, value)
    }

    fn transfer_from(
        &mut self,
        from: Address,
        to: Address,
        value: U256,
    ) -> Result<bool, erc20::Error> {
        self.erc20.transfer_from(from, to, value)
    }
}

/// A payee that accepts native currency (motsu only delivers value to contracts).
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

// ---------------------------------------------------------------- helpers

/// Deploys the escrow and the anchor wired to each other and to the doubles (deploy order:
/// escrow, anchor, `escrow.setUsageAnchor(anchor)`), with `owner` as owner and arbiter, and a
/// native TRAIN license `LICENSE` owned by `licensee`.
pub(crate) fn deploy(
    anchor: &Contract<UsageAnchor>,
    escrow: &Contract<UsageEscrow>,
    license: &Contract<LicenseDouble>,
    splitter: &Contract<SplitterDouble>,
    owner: Address,
    licensee: Address,
) {
    VM::context().set_chain_id(CHAIN_ID);
    escrow
        .sender(owner)
        .constructor(owner, license.address(), splitter.address(), EXIT_DELAY)
        .motsu_unwrap();
    anchor
        .sender(owner)
        .constructor(
            owner,
            license.address(),
            escrow.address(),
            WINDOW,
            MIN_BOND,
            CHALLENGE_BOND,
            EXIT_DELAY,
        )
        .motsu_unwrap();
    escrow
        .sender(owner)
        .set_usage_anchor(anchor.address())
        .motsu_unwrap();
    license.sender(owner).configure(
        LICENSE,
        licensee,
        Address::ZERO,
        U256::from(scope::TRAIN | scope::DERIVATIVES),
        0,
        0,
    );
}

/// Allow-lists `attestor` and posts the minimum bond.
pub(crate) fn enroll(anchor: &Contract<UsageAnchor>, owner: Address, attestor: Address) {
    anchor
        .sender(owner)
        .set_attestor(attestor, true)
        .motsu_unwrap();
    attestor.fund(MIN_BOND);
    anchor
        .sender_and_value(attestor, MIN_BOND)
        .bond_attestor()
        .motsu_unwrap();
}

/// A receipt of `units` samples on `license_id` at `timestamp`.
pub(crate) fn receipt(
    job: u64,
    license_id: U256,
    units: u64,
    timestamp: u64,
    attestor: Address,
) -> Receipt {
    Receipt {
        jobId: B256::from(U256::from(job)),
        licenseId: license_id,
        datasetId: DATASET,
        modelHash: B256::repeat_byte(0xab),
        unit: scope::UNIT_SAMPLES,
        units: U256::from(units),
        timestamp,
        attestor,
    }
}

/// `count` receipts on `LICENSE` of 1,000 samples each.
pub(crate) fn receipts(count: u64, attestor: Address) -> Vec<Receipt> {
    (0..count)
        .map(|i| receipt(i + 1, LICENSE, 1_000, NOW - 1_000 - i, attestor))
        .collect()
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

/// A batch over `receipts` (tree built like `StandardMerkleTree`), period covering them.
pub(crate) fn batch_of(id: u8, attestor: Address, receipts: &[Receipt]) -> (Batch, Vec<B256>) {
    let leaves: Vec<B256> = receipts.iter().map(receipt_leaf).collect();
    let tree = tree::build(&leaves);
    let total_units = receipts.iter().fold(U256::ZERO, |sum, r| sum + r.units);
    let batch = Batch {
        batchId: B256::repeat_byte(id),
        attestor,
        root: tree[0],
        receiptCount: receipts.len() as u32,
        totalUnits: total_units,
        periodStart: NOW - 100_000,
        periodEnd: NOW,
    };
    (batch, tree)
}

/// Signs `batch` for the anchor at `anchor` on [`CHAIN_ID`].
pub(crate) fn sign_batch(attestor: &Account, anchor: Address, batch: &Batch) -> Bytes {
    Bytes::from(sign(
        attestor,
        signing::batch_digest(&HOST, CHAIN_ID, anchor, batch),
    ))
}

/// Builds, signs and anchors a batch of `receipts`; returns it and its tree.
pub(crate) fn anchor_receipts(
    anchor: &Contract<UsageAnchor>,
    attestor: &Account,
    id: u8,
    receipts: &[Receipt],
) -> (Batch, Vec<B256>) {
    let (batch, tree) = batch_of(id, attestor.address(), receipts);
    let signature = sign_batch(attestor, anchor.address(), &batch);
    anchor
        .sender(attestor.address())
        .anchor_batch(batch.clone().into(), signature)
        .motsu_unwrap();
    (batch, tree)
}

/// Settles every receipt of a batch with one multiproof.
pub(crate) fn settle_all(
    anchor: &Contract<UsageAnchor>,
    caller: Address,
    batch: &Batch,
    tree: &[B256],
    receipts: &[Receipt],
) -> Result<(), crate::errors::Error> {
    let indices: Vec<usize> = (0..receipts.len()).collect();
    settle_subset(anchor, caller, batch, tree, receipts, &indices)
}

/// Settles the receipts at `indices` (leaf order) with one multiproof.
pub(crate) fn settle_subset(
    anchor: &Contract<UsageAnchor>,
    caller: Address,
    batch: &Batch,
    tree: &[B256],
    receipts: &[Receipt],
    indices: &[usize],
) -> Result<(), crate::errors::Error> {
    let proof = tree::multiproof(tree, indices);
    let ordered: Vec<crate::ReceiptTuple> = proof
        .leaf_indices
        .iter()
        .map(|&i| receipts[i].clone().into())
        .collect();
    anchor
        .sender(caller)
        .settle(batch.batchId, ordered, proof.proof, proof.flags)
}

/// Native balance of `account` in the motsu VM.
pub(crate) fn balance(account: Address) -> U256 {
    #[allow(deprecated)] // motsu answers the hostio behind it
    AddressVM::balance(&account)
}

/// Funds `LICENSE`'s escrow with `amount` from `funder`.
pub(crate) fn fund(escrow: &Contract<UsageEscrow>, funder: Address, amount: U256) {
    funder.fund(amount);
    escrow
        .sender_and_value(funder, amount)
        .fund_escrow(LICENSE)
        .motsu_unwrap();
}
