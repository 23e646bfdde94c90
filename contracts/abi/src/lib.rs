//! Types, constants, errors and interfaces shared by the Tributary contracts.
//!
//! Everything that crosses a contract boundary is declared once here: asset ids of datasets and
//! models and revenue destinations ([`asset`]), license scope flags and
//! usage units ([`scope`]), the terms of a license offer ([`terms`]) and the words they are
//! registered in ([`packed`]), the usage receipt and batch that attestors sign ([`usage`]), the
//! attribution report evaluators sign ([`attribution`]), EIP-712 digests and ECDSA recovery
//! ([`eip712`]), every function one contract calls on another ([`interfaces`], sent through
//! [`calls`]), the errors more than one contract raises ([`errors`]), structs returned by views
//! ([`returns`]) and the one ABI encoder of errors, events and calldata ([`abi_words`]). A contract
//! crate never depends on another contract crate, only on this one.
//!
//! Off-chain code (the CLI, the devnode and the tests, on alloy 0.11) does not link this crate:
//! it uses the Solidity interfaces the contracts export (`contracts/<name>/I<Name>.sol`) and
//! re-declares the signed structs with the same field order, checked by shared test vectors.
//! This crate's own tests read those interfaces and check that every call and shared error
//! declared here has the selector the callee exports (`conformance`).
#![no_std]
extern crate alloc;

pub mod abi_words;
pub mod asset;
pub mod attribution;
pub mod calls;
pub mod eip712;
pub mod errors;
pub mod interfaces;
pub mod packed;
pub mod receiver;
pub mod returns;
pub mod scope;
pub mod terms;
pub mod usage;

#[cfg(test)]
mod conformance;
