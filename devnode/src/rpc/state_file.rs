//! The `--state FILE` format: the node's accounts and head plus the JSON-RPC history (blocks,
//! transactions, receipts), as one JSON document.
//!
//! It is written to `FILE.tmp`, flushed to disk and renamed over `FILE`, so a crash leaves
//! either the previous complete file or the new one, never a torn write. A file that does not
//! parse (truncated, corrupt, another format) is refused at start-up, never replaced.

use std::{
    fs,
    io::Write,
    path::{Path, PathBuf},
};

use alloy::primitives::{Address, Bytes, U256};
use serde::{Deserialize, Serialize};

use super::chain::RpcChain;
use crate::{AccountDump, BlockRecord, StateDump, TxRecord};

/// Format tag written into every state file.
pub const FORMAT: &str = "tributary-devnode-state/2";

#[derive(Serialize, Deserialize)]
struct Account {
    address: Address,
    balance: U256,
    nonce: u64,
    code: Bytes,
    storage: Vec<(U256, U256)>,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct StateFile {
    format: String,
    chain_id: u64,
    number: u64,
    timestamp: u64,
    time_offset: u64,
    accounts: Vec<Account>,
    blocks: Vec<BlockRecord>,
    transactions: Vec<TxRecord>,
}

/// Why a state file could not be used.
#[derive(Debug)]
pub enum StateFileError {
    /// Reading or writing failed.
    Io(PathBuf, std::io::Error),
    /// The file is not a complete devnode state.
    Corrupt(PathBuf, String),
}

impl std::fmt::Display for StateFileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Io(path, e) => write!(f, "state file {}: {e}", path.display()),
            Self::Corrupt(path, e) => write!(
                f,
                "state file {} is not a complete devnode state ({e}); refusing to start. Move it \
                 away to start a fresh chain.",
                path.display()
            ),
        }
    }
}

impl std::error::Error for StateFileError {}

/// Serialises `chain` into the state-file JSON.
pub fn encode(chain: &RpcChain) -> Vec<u8> {
    let dump = chain.node().dump_state();
    let file = StateFile {
        format: FORMAT.to_owned(),
        chain_id: dump.chain_id,
        number: dump.number,
        timestamp: dump.timestamp,
        time_offset: dump.time_offset,
        accounts: dump
            .accounts
            .into_iter()
            .map(|a| Account {
                address: a.address,
                balance: a.balance,
                nonce: a.nonce,
                code: a.code,
                storage: a.storage,
            })
            .collect(),
        blocks: chain.node().history().blocks().to_vec(),
        transactions: chain.node().history().transactions().to_vec(),
    };
    // Serialising plain data (no maps with non-string keys) into a Vec cannot fail.
    serde_json::to_vec(&file).unwrap_or_default()
}

/// Writes `chain` to `path` atomically (temporary file, fsync, rename).
pub fn save(chain: &RpcChain, path: &Path) -> Result<(), StateFileError> {
    let bytes = encode(chain);
    let tmp = path.with_extension("tmp");
    let io = |e| StateFileError::Io(path.to_path_buf(), e);
    let mut file = fs::File::create(&tmp).map_err(io)?;
    file.write_all(&bytes).map_err(io)?;
    file.sync_all().map_err(io)?;
    drop(file);
    fs::rename(&tmp, path).map_err(io)?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        if let Ok(dir) = fs::File::open(dir) {
            let _ = dir.sync_all();
        }
    }
    Ok(())
}

/// What a state file holds.
pub struct Loaded {
    /// The node state.
    pub dump: StateDump,
    /// Mined blocks.
    pub blocks: Vec<BlockRecord>,
    /// Mined transactions in order.
    pub transactions: Vec<TxRecord>,
}

/// Reads `path`; `Ok(None)` if it does not exist.
pub fn load(path: &Path) -> Result<Option<Loaded>, StateFileError> {
    let bytes = match fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(StateFileError::Io(path.to_path_buf(), e)),
    };
    decode(&bytes)
        .map(Some)
        .map_err(|e| StateFileError::Corrupt(path.to_path_buf(), e))
}

/// Parses state-file JSON.
pub fn decode(bytes: &[u8]) -> Result<Loaded, String> {
    let file: StateFile = serde_json::from_slice(bytes).map_err(|e| e.to_string())?;
    if file.format != FORMAT {
        return Err(format!("format {:?}, expected {FORMAT:?}", file.format));
    }
    if file.blocks.last().is_some_and(|b| b.number != file.number) {
        return Err("head block does not match the saved block number".into());
    }
    Ok(Loaded {
        dump: StateDump {
            chain_id: file.chain_id,
            number: file.number,
            timestamp: file.timestamp,
            time_offset: file.time_offset,
            accounts: file
                .accounts
                .into_iter()
                .map(|a| AccountDump {
                    address: a.address,
                    balance: a.balance,
                    nonce: a.nonce,
                    code: a.code,
                    storage: a.storage,
                })
                .collect(),
        },
        blocks: file.blocks,
        transactions: file.transactions,
    })
}
