//! Unit tests of the escrow alone, next to doubles of the usage anchor (its `config()`, and
//! the caller of `charge`), the license contract, `tributary_testkit`'s splitter and ERC-20,
//! and a payable wallet; the disputes contract is a plain address. Settlement flows with the
//! real anchor are tested in the usage anchor's crate, the holds with the real disputes
//! contract in the usage disputes crate.
#![allow(
    clippy::unwrap_used,
    clippy::too_many_lines,
    clippy::unnecessary_wraps,
    unreachable_pub
)]

mod abi_words;
mod charging;
mod funding;
mod holds;
mod wiring;
mod withdrawals;

use alloc::vec::Vec;

use alloy_primitives::{aliases::U64, uint, Address, B256, U256};
use alloy_sol_types::SolError;
use motsu::prelude::*;
use openzeppelin_stylus::token::erc721::ERC721NonexistentToken;
use stylus_sdk::{
    host::WasmVM,
    prelude::*,
    storage::{StorageAddress, StorageBool, StorageMap, StorageU256, StorageU64},
};
use tributary_testkit::{
    erc20::TestToken,
    licensing::{SplitterDouble, ROUTER},
};

use crate::UsageEscrow;

/// motsu's host, for the escrow's clock.
pub(crate) const HOST: WasmVM = WasmVM {};
/// motsu's fixed block timestamp (before any `clock::advance`).
pub(crate) const NOW: u64 = 1_735_689_600;
/// The anchor's challenge window (1 day).
pub(crate) const WINDOW: u64 = 86_400;
/// The escrow's settlement grace (`withdrawalDelay`, 6 hours).
pub(crate) const GRACE: u64 = 21_600;
/// The native-currency license of every test.
pub(crate) const LICENSE: U256 = uint!(1_U256);
/// An ERC-20 license (see [`Setup::token_license`]).
pub(crate) const TOKEN_LICENSE: U256 = uint!(2_U256);
/// The dataset's split.
pub(crate) const SPLIT: U256 = tributary_testkit::licensing::SPLIT;
/// 1 ETH.
pub(crate) const ETH: U256 = uint!(1_000_000_000_000_000_000_U256);

/// The current time as the escrow sees it.
pub(crate) fn now() -> u64 {
    crate::clock::now(&HOST)
}

/// Moves the escrow's clock forward.
pub(crate) fn advance(seconds: u64) {
    crate::clock::advance(seconds);
}

// ---------------------------------------------------------------- test doubles

/// Usage anchor double: the `config()` the escrow reads when it is wired (disputes contract
/// and challenge window); tests call `charge` with its address as the sender.
#[storage]
pub(crate) struct AnchorDouble {
    disputes: StorageAddress,
    window: StorageU64,
}

unsafe impl TopLevelStorage for AnchorDouble {}

#[public]
impl AnchorDouble {
    fn configure(&mut self, disputes: Address, window: u64) {
        self.disputes.set(disputes);
        self.window.set(U64::from(window));
    }

    fn config(&self) -> (Address, Address, Address, u64, U256, u64, B256) {
        (
            Address::repeat_byte(1),
            Address::repeat_byte(2),
            self.disputes.get(),
            self.window.get().to(),
            ETH,
            3_600,
            B256::repeat_byte(3),
        )
    }
}

/// License contract double: `licensePaymentToken`, `licenseUsage` (only the split matters to
/// the escrow), `ownerOf`, `setDebt` (only from the escrow); unknown licenses revert
/// `ERC721NonexistentToken` like the real contract.
#[storage]
pub(crate) struct LicenseDouble {
    escrow: StorageAddress,
    exists: StorageMap<U256, StorageBool>,
    owner: StorageMap<U256, StorageAddress>,
    token: StorageMap<U256, StorageAddress>,
    in_debt: StorageMap<U256, StorageBool>,
    debt_calls: StorageU256,
}

unsafe impl TopLevelStorage for LicenseDouble {}

#[public]
impl LicenseDouble {
    fn issue(&mut self, token_id: U256, owner: Address, token: Address) {
        self.exists.setter(token_id).set(true);
        self.owner.setter(token_id).set(owner);
        self.token.setter(token_id).set(token);
    }

    fn set_escrow(&mut self, escrow: Address) {
        self.escrow.set(escrow);
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
            uint!(7_U256),
            SPLIT,
            U256::from(1),
            0,
            0,
            0,
            self.token.get(token_id),
            0,
            U256::from(10),
        ))
    }

    fn license_payment_token(&self, token_id: U256) -> Result<Address, Vec<u8>> {
        if !self.exists.get(token_id) {
            return Err(ERC721NonexistentToken { token_id }.abi_encode());
        }
        Ok(self.token.get(token_id))
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
        let calls = self.debt_calls.get() + U256::from(1);
        self.debt_calls.set(calls);
        Ok(())
    }

    fn is_in_debt(&self, token_id: U256) -> bool {
        self.in_debt.get(token_id)
    }

    fn debt_calls(&self) -> U256 {
        self.debt_calls.get()
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

// ---------------------------------------------------------------- the deployment

/// The escrow and its doubles: `UsageEscrow(owner, license, splitter, GRACE)`, the anchor
/// double configured with `disputes` and [`WINDOW`], native [`LICENSE`] and ERC-20
/// [`TOKEN_LICENSE`] owned by the `licensee` wallet. [`Setup::wired`] also wires the anchor.
pub(crate) struct Setup {
    pub escrow: Contract<UsageEscrow>,
    pub anchor: Contract<AnchorDouble>,
    pub license: Contract<LicenseDouble>,
    pub splitter: Contract<SplitterDouble>,
    pub token: Contract<TestToken>,
    pub licensee: Contract<Wallet>,
    pub owner: Address,
    pub disputes: Address,
}

impl Setup {
    /// The contracts; the escrow constructed but not wired.
    pub fn new() -> Self {
        let setup = Self {
            escrow: Contract::new(),
            anchor: Contract::new(),
            license: Contract::new(),
            splitter: Contract::new(),
            token: Contract::new(),
            licensee: Contract::new(),
            owner: Address::repeat_byte(0x0a),
            disputes: Address::repeat_byte(0xd1),
        };
        setup
            .escrow
            .sender(setup.owner)
            .constructor(
                setup.owner,
                setup.license.address(),
                setup.splitter.address(),
                GRACE,
                ROUTER,
            )
            .motsu_unwrap();
        setup
            .anchor
            .sender(setup.owner)
            .configure(setup.disputes, WINDOW);
        setup
            .license
            .sender(setup.owner)
            .set_escrow(setup.escrow.address());
        setup
            .license
            .sender(setup.owner)
            .issue(LICENSE, setup.licensee.address(), Address::ZERO);
        setup.license.sender(setup.owner).issue(
            TOKEN_LICENSE,
            setup.licensee.address(),
            setup.token.address(),
        );
        setup
    }

    /// [`Setup::new`] with the anchor wired.
    pub fn wired() -> Self {
        let setup = Self::new();
        setup
            .escrow
            .sender(setup.owner)
            .set_usage_anchor(setup.anchor.address())
            .motsu_unwrap();
        setup
    }

    /// The licensee's address.
    pub fn licensee(&self) -> Address {
        self.licensee.address()
    }

    /// Funds `license_id`'s native escrow with `amount`.
    pub fn fund(&self, license_id: U256, amount: U256) {
        let funder = Address::repeat_byte(0xf0);
        funder.fund(amount);
        self.escrow
            .sender_and_value(funder, amount)
            .fund_escrow(license_id)
            .motsu_unwrap();
    }

    /// Funds [`TOKEN_LICENSE`]'s escrow with `amount` of tokens minted to a payer.
    pub fn fund_tokens(&self, amount: U256) {
        let payer = Address::repeat_byte(0xf1);
        self.token.sender(payer).mint(payer, amount);
        self.token
            .sender(payer)
            .approve(self.escrow.address(), amount);
        self.escrow
            .sender(payer)
            .fund_escrow_token(TOKEN_LICENSE, amount)
            .motsu_unwrap();
    }

    /// `charge` as the anchor.
    pub fn charge(
        &self,
        ids: &[U256],
        fees: &[U256],
        splits: &[U256],
        tokens: &[Address],
    ) -> Result<(), crate::errors::Error> {
        self.escrow.sender(self.anchor.address()).charge(
            ids.to_vec(),
            fees.to_vec(),
            splits.to_vec(),
            tokens.to_vec(),
        )
    }

    /// `escrowInfo(licenseId)`.
    pub fn info(&self, license_id: U256) -> (U256, U256, U256, u64, u32, u64) {
        self.escrow.sender(self.owner).escrow_info(license_id)
    }
}
