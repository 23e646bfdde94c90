//! Off-chain tooling for Tributary: the demo, plus (re-exported from `tributary-kit`, `kit/`)
//! the Nitro-ready WASM build, deployment, the world of deployed contracts the demo and the
//! end-to-end tests drive, and the attestor kit.

pub use tributary_kit::{attest, build, contracts, contracts_abi, deploy, nitro_wasm, world};

pub mod demo;
