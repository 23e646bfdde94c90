//! Types, constants and interfaces shared by the Tributary contracts.
//!
//! Everything that crosses a contract boundary is declared once here: license scope flags and
//! usage units, the terms of a license offer, the usage receipt and batch that attestors sign,
//! and the `sol_interface!` callables each contract uses to reach the others. A contract crate
//! never depends on another contract crate, only on this one.
//!
//! Off-chain code (alloy 1.x) does not link this crate: it uses the Solidity interfaces the
//! contracts export (`contracts/<name>/I<Name>.sol`) and re-declares the signed structs with the
//! same field order, checked by shared test vectors.
#![no_std]
extern crate alloc;

pub mod abi_words;
pub mod compact_abi;
pub mod interfaces;
pub mod returns;
pub mod scope;
pub mod terms;
pub mod usage;
