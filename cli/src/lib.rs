//! Off-chain tooling for Tributary: the Nitro-ready WASM build, deployment, the world of
//! deployed contracts the demo and the end-to-end tests drive, the demo and the attestor kit.

pub mod attest;
pub mod build;
pub mod contracts;
pub mod contracts_abi;
pub mod demo;
pub mod deploy;
pub mod nitro_wasm;
pub mod world;
