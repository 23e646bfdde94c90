//! Compiles the Solidity reference at run time with the pinned npm solc (package.json: solc
//! 0.8.30, installed by `scripts/setup.sh`), through the repository's `scripts/solc.mjs`:
//! standard JSON, optimizer on with 200 runs, EVM version cancun — the settings the other
//! Solidity in the repository is built with.

use std::{
    path::{Path, PathBuf},
    process::Command,
};

use alloy::primitives::Bytes;

use crate::BenchError;

/// The reference contract, relative to the workspace root.
pub const REFERENCE_SOURCE: &str = "bench/solidity/UsageReference.sol";
/// The reference splitter, relative to the workspace root.
pub const SPLIT_SOURCE: &str = "bench/solidity/SplitReference.sol";
/// The reference offer book and license NFT, relative to the workspace root.
pub const LICENSE_SOURCE: &str = "bench/solidity/LicenseReference.sol";
/// The reference splitter with Merkle splits, relative to the workspace root.
pub const MERKLE_SPLIT_SOURCE: &str = "bench/solidity/MerkleSplitReference.sol";
/// The reference of Datanets' attribution reports, relative to the workspace root.
pub const DATANET_SOURCE: &str = "bench/solidity/DatanetReference.sol";

/// Compiles the five reference contracts.
pub fn compile_references(root: &Path) -> Result<crate::reference::Artifacts, BenchError> {
    Ok(crate::reference::Artifacts {
        usage: compile(root, REFERENCE_SOURCE, "UsageReference")?,
        split: compile(root, SPLIT_SOURCE, "SplitReference")?,
        license: compile(root, LICENSE_SOURCE, "LicenseReference")?,
        merkle_split: compile(root, MERKLE_SPLIT_SOURCE, "MerkleSplitReference")?,
        datanet: compile(root, DATANET_SOURCE, "DatanetReference")?,
    })
}
/// Where its artifact is written, relative to the workspace root.
pub const ARTIFACT_DIR: &str = "target/bench/solc";

/// A compiled contract.
#[derive(Debug, Clone)]
pub struct Artifact {
    /// Contract name.
    pub contract: String,
    /// The solc version that built it (`0.8.30+commit.…`).
    pub compiler: String,
    /// Creation code.
    pub bytecode: Bytes,
    /// Runtime code.
    pub deployed_bytecode: Bytes,
}

/// Compiles `source` (relative to `root`) and returns the artifact of `contract`.
pub fn compile(root: &Path, source: &str, contract: &str) -> Result<Artifact, BenchError> {
    if !root.join("node_modules/solc").is_dir() {
        return Err(BenchError(
            "solc is not installed: run `bash scripts/setup.sh` (npm ci installs the pinned solc)"
                .into(),
        ));
    }
    let out = root.join(ARTIFACT_DIR);
    let output = Command::new("node")
        .arg("scripts/solc.mjs")
        .arg("--out")
        .arg(&out)
        .arg(source)
        .current_dir(root)
        .output()
        .map_err(|e| {
            BenchError(format!(
                "node scripts/solc.mjs: {e} (is Node.js installed?)"
            ))
        })?;
    if !output.status.success() {
        return Err(BenchError(format!(
            "solc failed on {source}:\n{}",
            String::from_utf8_lossy(&output.stderr)
        )));
    }
    read_artifact(&out.join(format!("{contract}.json")))
}

fn read_artifact(path: &PathBuf) -> Result<Artifact, BenchError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| BenchError(format!("{}: {e}", path.display())))?;
    let json: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| BenchError(format!("{}: {e}", path.display())))?;
    let field = |name: &str| {
        json[name]
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| BenchError(format!("{}: no {name}", path.display())))
    };
    let hex = |name: &str| {
        field(name)?
            .parse::<Bytes>()
            .map_err(|e| BenchError(format!("{}: {name}: {e}", path.display())))
    };
    Ok(Artifact {
        contract: field("contract")?,
        compiler: field("compiler")?,
        bytecode: hex("bytecode")?,
        deployed_bytecode: hex("deployedBytecode")?,
    })
}
