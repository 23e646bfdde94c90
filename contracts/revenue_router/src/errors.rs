//! The router's custom errors.
//!
//! Encoded as revert data by the compact encoder in [`crate::abi`] (tested against alloy's
//! `abi_encode` in `tests::encoding`).
#![allow(missing_docs)] // `sol!` expands the documented declarations below into undocumented items.

use alloc::vec::Vec;

use alloy_sol_types::{sol, SolError};
pub use openzeppelin_stylus::token::erc20::utils::safe_erc20::SafeErc20FailedOperation;

use crate::abi::{self, Arg};

sol! {
    /// An address argument (registry, license contract, splitter, token) is the zero address.
    #[derive(Debug)]
    error ZeroAddress();
    /// No model has this id in the registry.
    #[derive(Debug)]
    error UnknownModel(uint256 modelId);
    /// A revenue report of zero (or a token transfer that delivered nothing).
    #[derive(Debug)]
    error ZeroRevenue();
    /// Model `modelId`'s cumulative revenue would overflow.
    #[derive(Debug)]
    error RevenueOverflow(uint256 modelId);
    /// The registry describes a lineage of model `modelId` that cannot be routed: a parent
    /// model outside its ancestry, or dataset royalties and model shares above 100 %. The real
    /// registry refuses to store such a lineage; this guards a router wired to another one.
    #[derive(Debug)]
    error InvalidLineage(uint256 modelId);
    /// A call to the registry, the splitter, the license contract or a token reverted with
    /// `reason`.
    #[derive(Debug)]
    error ExternalCallFailed(address target, bytes reason);
}

/// Every error the router returns. Encoded as revert data by [`From<Error> for Vec<u8>`].
#[derive(Debug)]
pub enum Error {
    /// See [`ZeroAddress`].
    ZeroAddress(ZeroAddress),
    /// See [`UnknownModel`].
    UnknownModel(UnknownModel),
    /// See [`ZeroRevenue`].
    ZeroRevenue(ZeroRevenue),
    /// See [`RevenueOverflow`].
    RevenueOverflow(RevenueOverflow),
    /// See [`InvalidLineage`].
    InvalidLineage(InvalidLineage),
    /// See [`ExternalCallFailed`].
    ExternalCallFailed(ExternalCallFailed),
    /// A token transfer or approval failed (`SafeErc20FailedOperation`).
    SafeErc20FailedOperation(SafeErc20FailedOperation),
}

impl From<Error> for Vec<u8> {
    fn from(err: Error) -> Vec<u8> {
        let word = |w| [Arg::Word(w)];
        match err {
            Error::ZeroAddress(_) => abi::encode(&ZeroAddress::SELECTOR, &[]),
            Error::UnknownModel(x) => {
                abi::encode(&UnknownModel::SELECTOR, &word(abi::uint(x.modelId)))
            }
            Error::ZeroRevenue(_) => abi::encode(&ZeroRevenue::SELECTOR, &[]),
            Error::RevenueOverflow(x) => {
                abi::encode(&RevenueOverflow::SELECTOR, &word(abi::uint(x.modelId)))
            }
            Error::InvalidLineage(x) => {
                abi::encode(&InvalidLineage::SELECTOR, &word(abi::uint(x.modelId)))
            }
            Error::ExternalCallFailed(x) => abi::encode(
                &ExternalCallFailed::SELECTOR,
                &[Arg::Word(abi::address(x.target)), Arg::Bytes(&x.reason)],
            ),
            Error::SafeErc20FailedOperation(x) => abi::encode(
                &SafeErc20FailedOperation::SELECTOR,
                &word(abi::address(x.token)),
            ),
        }
    }
}

/// Lists the errors in the exported Solidity interface (what `#[derive(SolidityError)]` would
/// generate).
#[cfg(feature = "export-abi")]
impl stylus_sdk::abi::export::internal::InnerTypes for Error {
    fn inner_types() -> Vec<stylus_sdk::abi::export::internal::InnerType> {
        use alloc::{format, vec};
        use core::any::TypeId;

        use stylus_sdk::abi::export::internal::InnerType;

        fn entry<E: SolError + 'static>() -> InnerType {
            InnerType {
                name: format!("error {};", E::SIGNATURE.replace(',', ", ")),
                id: TypeId::of::<E>(),
            }
        }

        vec![
            entry::<ZeroAddress>(),
            entry::<UnknownModel>(),
            entry::<ZeroRevenue>(),
            entry::<RevenueOverflow>(),
            entry::<InvalidLineage>(),
            entry::<ExternalCallFailed>(),
            entry::<SafeErc20FailedOperation>(),
        ]
    }
}

impl From<ZeroAddress> for Error {
    fn from(err: ZeroAddress) -> Self {
        Self::ZeroAddress(err)
    }
}

impl From<UnknownModel> for Error {
    fn from(err: UnknownModel) -> Self {
        Self::UnknownModel(err)
    }
}

impl From<ZeroRevenue> for Error {
    fn from(err: ZeroRevenue) -> Self {
        Self::ZeroRevenue(err)
    }
}

impl From<RevenueOverflow> for Error {
    fn from(err: RevenueOverflow) -> Self {
        Self::RevenueOverflow(err)
    }
}

impl From<InvalidLineage> for Error {
    fn from(err: InvalidLineage) -> Self {
        Self::InvalidLineage(err)
    }
}

impl From<ExternalCallFailed> for Error {
    fn from(err: ExternalCallFailed) -> Self {
        Self::ExternalCallFailed(err)
    }
}

impl From<SafeErc20FailedOperation> for Error {
    fn from(err: SafeErc20FailedOperation) -> Self {
        Self::SafeErc20FailedOperation(err)
    }
}
