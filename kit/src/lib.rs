//! Tributary's shared off-chain library: the Nitro-ready WASM build, the contract bindings,
//! deployment, the world of deployed contracts the demo and the end-to-end tests drive, and the
//! attestor kit. The `tributary` CLI (`cli/`) and the access gateway (`gateway/`) both build on
//! it; `tributary` re-exports every module, so `tributary::attest` and the rest still resolve.

pub mod attest;
pub mod build;
pub mod contracts;
pub mod contracts_abi;
pub mod deploy;
pub mod nitro_wasm;
pub mod world;
