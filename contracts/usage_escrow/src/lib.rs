//! Placeholder for a contract split out for size; see its issue.
//!
//! Foundation placeholder: an owned contract with a version getter. The
//! contract's own issue replaces this with the real logic.
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
// `#[entrypoint]` generates an undocumented `pub fn user_entrypoint` (and `print_from_args` with
// export-abi); host builds still check that everything written by hand is documented.
#![cfg_attr(any(target_arch = "wasm32", feature = "export-abi"), allow(missing_docs))]
extern crate alloc;

use alloc::string::String;

use openzeppelin_stylus::access::{
    ownable,
    ownable_two_step::{IOwnable2Step, Ownable2Step},
};
use stylus_sdk::{alloy_primitives::Address, prelude::*};

/// The contract's storage.
#[entrypoint]
#[storage]
pub struct UsageEscrow {
    /// Two-step ownership for admin functions.
    ownable: Ownable2Step,
}

#[public]
#[implements(IOwnable2Step<Error = ownable::Error>)]
impl UsageEscrow {
    /// Sets the initial owner.
    ///
    /// # Errors
    /// [`ownable::Error::InvalidOwner`] if `owner` is the zero address.
    #[constructor]
    pub fn constructor(&mut self, owner: Address) -> Result<(), ownable::Error> {
        self.ownable.constructor(owner)
    }

    /// The contract's semantic version.
    pub fn version(&self) -> String {
        String::from(env!("CARGO_PKG_VERSION"))
    }
}

#[public]
impl IOwnable2Step for UsageEscrow {
    type Error = ownable::Error;

    fn owner(&self) -> Address {
        self.ownable.owner()
    }

    fn pending_owner(&self) -> Address {
        self.ownable.pending_owner()
    }

    fn transfer_ownership(&mut self, new_owner: Address) -> Result<(), Self::Error> {
        self.ownable.transfer_ownership(new_owner)
    }

    fn accept_ownership(&mut self) -> Result<(), Self::Error> {
        self.ownable.accept_ownership()
    }

    fn renounce_ownership(&mut self) -> Result<(), Self::Error> {
        self.ownable.renounce_ownership()
    }
}

#[cfg(test)]
mod tests {
    use motsu::prelude::*;

    use super::*;

    #[motsu::test]
    fn constructor_sets_owner(contract: Contract<UsageEscrow>, alice: Address) {
        contract.sender(alice).constructor(alice).motsu_unwrap();
        assert_eq!(contract.sender(alice).owner(), alice);
        assert_eq!(contract.sender(alice).version(), env!("CARGO_PKG_VERSION"));
    }
}
