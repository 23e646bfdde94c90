//! The devnode as a JSON-RPC chain that cast, alloy, ethers and viem can use, interchangeable
//! with nitro-devnode: port 8547, chain id 412346, the same funded dev key (plus the test
//! mnemonic's ten accounts), StylusDeployer at the address cargo-stylus expects.
//!
//! Modules: [`server`] (HTTP, batching, the chain thread, interval mining), [`request`] (the
//! methods as typed requests), [`chain`] (the method table over the node's history),
//! [`filters`] (polling filters), [`params`] (hex quantities), [`error`] (geth-compatible error
//! codes), [`genesis`] (dev accounts and predeploys), [`state_file`] (`--state FILE`).
//!
//! Methods (grouped as the README lists them): `web3_clientVersion`, `net_version`,
//! `net_listening`, `eth_chainId`, `eth_blockNumber`, `eth_syncing`, `eth_accounts`,
//! `eth_getBalance`, `eth_getTransactionCount`, `eth_getCode`, `eth_getStorageAt`,
//! `eth_gasPrice`, `eth_maxPriorityFeePerGas`, `eth_feeHistory`, `eth_estimateGas`, `eth_call`
//! (state overrides: balance, nonce, code, state, stateDiff), `eth_createAccessList`,
//! `eth_sendRawTransaction` (legacy, EIP-2930, EIP-1559), `eth_sendTransaction` (dev and
//! impersonated accounts), `eth_sign`, `personal_sign`, `eth_signTypedData_v4`,
//! `eth_getTransactionByHash`, `eth_getTransactionReceipt`, `eth_getBlockReceipts`,
//! `eth_getBlockByNumber`, `eth_getBlockByHash`, `eth_getLogs`, `eth_newFilter`,
//! `eth_newBlockFilter`, `eth_newPendingTransactionFilter`, `eth_getFilterChanges`,
//! `eth_getFilterLogs`, `eth_uninstallFilter`; `debug_traceTransaction` and `debug_traceCall`
//! (geth's callTracer), and `debug_traceTransaction` with `{"tracer": "gasAnatomy"}` (where the
//! transaction's gas went, [`crate::anatomy`]); test controls `evm_mine`, `evm_increaseTime`,
//! `evm_setNextBlockTimestamp`, `evm_snapshot`, `evm_revert`, `evm_setAutomine`,
//! `anvil_setBalance`, `anvil_setNonce`, `anvil_setCode`, `anvil_setStorageAt`,
//! `anvil_impersonateAccount`, `anvil_stopImpersonatingAccount`,
//! `anvil_autoImpersonateAccount` (also as `hardhat_*` and `devnode_*`). `eth_getProof` is
//! refused with `-32004`: the state has no Merkle-Patricia trie to prove against.

pub mod chain;
pub mod error;
pub mod filters;
pub mod genesis;
pub mod params;
pub mod request;
pub mod server;
pub mod state_file;

pub use server::{start, RunningServer, ServerConfig, ServerError};
