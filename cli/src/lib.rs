//! Off-chain tooling for Tributary: the Nitro-ready WASM build, and (with later modules)
//! deployment, the demo and the attestor kit.

pub mod attest;
pub mod build;
pub mod contracts;
pub mod contracts_abi;
pub mod demo;
pub mod deploy;
pub mod nitro_wasm;
