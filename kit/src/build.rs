//! `tributary build` and `tributary export-abi`: compile every contract to WASM that Nitro
//! accepts, and keep the committed Solidity interfaces in step with the code.

use std::{
    fmt::Write as _,
    fs,
    path::{Path, PathBuf},
    process::Command,
};

use crate::{
    contracts::{ContractCrate, CONTRACTS},
    nitro_wasm::{self, StylusProgram, MAX_CODE_SIZE},
};

/// A build failure, naming the contract where there is one.
#[derive(Debug)]
pub enum BuildError {
    /// Running cargo failed or it reported an error.
    Cargo(String),
    /// Reading or writing a file failed.
    Io(PathBuf, std::io::Error),
    /// A contract's WASM is invalid for Nitro or too large.
    Contract {
        /// The contract's directory name.
        contract: &'static str,
        /// Why.
        error: nitro_wasm::WasmError,
    },
    /// Committed interfaces differ from what the code exports.
    StaleInterfaces(Vec<String>),
}

impl std::fmt::Display for BuildError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Cargo(e) => write!(f, "cargo: {e}"),
            Self::Io(path, e) => write!(f, "{}: {e}", path.display()),
            Self::Contract { contract, error } => write!(f, "contract {contract}: {error}"),
            Self::StaleInterfaces(paths) => write!(
                f,
                "stale Solidity interfaces (run `cargo run -p tributary -- export-abi`): {}",
                paths.join(", ")
            ),
        }
    }
}

impl std::error::Error for BuildError {}

/// One built contract.
#[derive(Debug, Clone)]
pub struct BuiltContract {
    /// Which contract.
    pub contract: ContractCrate,
    /// Its deployable program.
    pub program: StylusProgram,
    /// Size of the raw cargo output.
    pub raw_size: usize,
}

/// The workspace root, found by cargo from the current directory.
pub fn workspace_root() -> Result<PathBuf, BuildError> {
    let out = Command::new(cargo())
        .args(["locate-project", "--workspace", "--message-format", "plain"])
        .output()
        .map_err(|e| BuildError::Cargo(e.to_string()))?;
    if !out.status.success() {
        return Err(BuildError::Cargo(
            String::from_utf8_lossy(&out.stderr).into_owned(),
        ));
    }
    let manifest = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
    Ok(manifest.parent().map(Path::to_path_buf).unwrap_or_default())
}

fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".into())
}

/// Compiles every contract for wasm32 in release with build-std (cargo's progress goes to
/// stderr), then prepares each as a Nitro program and writes `target/stylus/<dir>.wasm` and
/// `.wasm.br`.
pub fn build_all(root: &Path) -> Result<Vec<BuiltContract>, BuildError> {
    let mut cmd = Command::new(cargo());
    cmd.current_dir(root).args([
        "build",
        "--release",
        "--lib",
        "--target",
        "wasm32-unknown-unknown",
        "-Z",
        "build-std=std,panic_abort",
        "-Z",
        "build-std-features=panic_immediate_abort",
    ]);
    for contract in CONTRACTS {
        cmd.args(["-p", contract.package]);
    }
    let status = cmd.status().map_err(|e| BuildError::Cargo(e.to_string()))?;
    if !status.success() {
        return Err(BuildError::Cargo(format!(
            "contract build failed ({status})"
        )));
    }
    let target = root.join("target");
    let out_dir = target.join("stylus");
    fs::create_dir_all(&out_dir).map_err(|e| BuildError::Io(out_dir.clone(), e))?;
    let mut built = Vec::new();
    for contract in CONTRACTS {
        let path = target.join(format!(
            "wasm32-unknown-unknown/release/{}.wasm",
            contract.dir
        ));
        let raw = fs::read(&path).map_err(|e| BuildError::Io(path.clone(), e))?;
        let optimized = optimize(contract, &path, &out_dir)?;
        let mut prepared = prepare_contract(contract, &optimized, &out_dir)?;
        prepared.raw_size = raw.len();
        built.push(prepared);
    }
    Ok(built)
}

/// Feature flags for `wasm-opt`: exactly what Nitro enables, so the optimiser never introduces
/// an instruction the validator would refuse (multi-value and reference types stay off).
pub const WASM_OPT_FEATURES: [&str; 5] = [
    "--mvp-features",
    "--enable-bulk-memory",
    "--enable-sign-ext",
    "--enable-mutable-globals",
    "--enable-nontrapping-float-to-int",
];

/// The optimisation and stripping passes, after [`WASM_OPT_FEATURES`].
pub const WASM_OPT_PASSES: [&str; 3] = ["-Oz", "--strip-debug", "--strip-producers"];

/// The binaryen version the recipe is pinned to: Debian's `binaryen` package, which
/// `scripts/setup.sh` installs. cargo-stylus refuses another version (`Stylus.toml`).
pub const WASM_OPT_VERSION: &str = "108";

/// Runs binaryen's `wasm-opt -Oz` on a contract (about 4 % smaller after brotli; see the code
/// size budget, docs/architecture.md §9) and returns the optimised module.
pub fn optimize(
    contract: ContractCrate,
    input: &Path,
    out_dir: &Path,
) -> Result<Vec<u8>, BuildError> {
    let output = out_dir.join(format!("{}.opt.wasm", contract.dir));
    let status = Command::new("wasm-opt")
        .args(WASM_OPT_FEATURES)
        .args(WASM_OPT_PASSES)
        .arg(input)
        .arg("-o")
        .arg(&output)
        .status()
        .map_err(|e| {
            BuildError::Cargo(format!(
                "wasm-opt (binaryen) is required: {e}; run `bash scripts/setup.sh`"
            ))
        })?;
    if !status.success() {
        return Err(BuildError::Cargo(format!(
            "wasm-opt failed on {} ({status})",
            contract.dir
        )));
    }
    fs::read(&output).map_err(|e| BuildError::Io(output, e))
}

/// Prepares one contract's raw WASM and writes the artifacts into `out_dir`.
pub fn prepare_contract(
    contract: ContractCrate,
    raw: &[u8],
    out_dir: &Path,
) -> Result<BuiltContract, BuildError> {
    let program = nitro_wasm::prepare(raw).map_err(|error| BuildError::Contract {
        contract: contract.dir,
        error,
    })?;
    for (ext, bytes) in [
        ("wasm", program.wasm.as_slice()),
        ("wasm.br", program.compressed()),
    ] {
        let path = out_dir.join(format!("{}.{ext}", contract.dir));
        fs::write(&path, bytes).map_err(|e| BuildError::Io(path, e))?;
    }
    Ok(BuiltContract {
        contract,
        program,
        raw_size: raw.len(),
    })
}

/// The size table: contract, raw bytes, compressed code bytes, limit, headroom.
pub fn size_table(built: &[BuiltContract]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<22} {:>10} {:>10} {:>10} {:>8} {:>9}",
        "contract", "raw (B)", "wasm (B)", "code (B)", "limit", "headroom"
    );
    for b in built {
        let code = b.program.code.len();
        let _ = writeln!(
            out,
            "{:<22} {:>10} {:>10} {:>10} {:>8} {:>9}",
            b.contract.dir,
            b.raw_size,
            b.program.wasm.len(),
            code,
            MAX_CODE_SIZE,
            MAX_CODE_SIZE.saturating_sub(code)
        );
    }
    out.push_str(
        "raw = cargo output; wasm = after wasm-opt -Oz and the wat round trip; code = 0xEFF000 \
         prefix + dictionary byte + brotli(q11, w22) of the wasm\n",
    );
    out
}

/// Builds every contract's `export-abi` binary in one cargo invocation and returns the Solidity
/// interface each prints, in [`CONTRACTS`] order.
pub fn exported_interfaces(root: &Path) -> Result<Vec<String>, BuildError> {
    let features: Vec<String> = CONTRACTS
        .iter()
        .map(|c| format!("{}/export-abi", c.package))
        .collect();
    let mut cmd = Command::new(cargo());
    cmd.current_dir(root)
        .args(["build", "--quiet", "--features", &features.join(",")]);
    for contract in CONTRACTS {
        cmd.args([
            "-p",
            contract.package,
            "--bin",
            &format!("{}-abi", contract.package),
        ]);
    }
    let status = cmd.status().map_err(|e| BuildError::Cargo(e.to_string()))?;
    if !status.success() {
        return Err(BuildError::Cargo(format!(
            "export-abi build failed ({status})"
        )));
    }
    CONTRACTS
        .iter()
        .map(|contract| {
            let bin = root
                .join("target/debug")
                .join(format!("{}-abi", contract.package));
            let out = Command::new(&bin)
                .output()
                .map_err(|e| BuildError::Io(bin.clone(), e))?;
            if !out.status.success() {
                return Err(BuildError::Cargo(format!(
                    "{} failed: {}",
                    bin.display(),
                    String::from_utf8_lossy(&out.stderr)
                )));
            }
            Ok(String::from_utf8_lossy(&out.stdout).into_owned())
        })
        .collect()
}

/// Writes (or with `check`, compares) every committed interface.
pub fn export_interfaces(root: &Path, check: bool) -> Result<Vec<String>, BuildError> {
    let mut stale = Vec::new();
    let mut written = Vec::new();
    for (contract, abi) in CONTRACTS.into_iter().zip(exported_interfaces(root)?) {
        let rel = contract.interface_path();
        let path = root.join(&rel);
        let current = fs::read_to_string(&path).unwrap_or_default();
        if current == abi {
            continue;
        }
        if check {
            stale.push(rel);
        } else {
            fs::write(&path, abi).map_err(|e| BuildError::Io(path, e))?;
            written.push(rel);
        }
    }
    if stale.is_empty() {
        Ok(written)
    } else {
        Err(BuildError::StaleInterfaces(stale))
    }
}

#[cfg(test)]
mod wasm_opt_recipe_tests {
    use super::{WASM_OPT_FEATURES, WASM_OPT_PASSES, WASM_OPT_VERSION};

    /// cargo-stylus folds the workspace `Stylus.toml`'s `[wasm-opt]` recipe into the
    /// reproducible-deployment hash: it must be exactly the recipe `tributary build` runs.
    #[test]
    fn stylus_toml_declares_the_build_recipe() {
        let manifest = include_str!("../../Stylus.toml");
        let table = manifest
            .split("\n[wasm-opt]\n")
            .nth(1)
            .expect("Stylus.toml has a [wasm-opt] table");
        let version = table
            .lines()
            .find_map(|l| l.trim().strip_prefix("version = "))
            .expect("[wasm-opt] has a version");
        assert_eq!(version.trim_matches('"'), WASM_OPT_VERSION);
        let flags_start = table.find("flags = [").expect("[wasm-opt] has flags") + 9;
        let flags_end = flags_start + table[flags_start..].find(']').expect("flags end");
        let flags: Vec<&str> = table[flags_start..flags_end]
            .split(',')
            .map(|f| f.trim().trim_matches('"'))
            .filter(|f| !f.is_empty())
            .collect();
        let expected: Vec<&str> = WASM_OPT_FEATURES
            .iter()
            .chain(WASM_OPT_PASSES.iter())
            .copied()
            .collect();
        assert_eq!(flags, expected);
        for contract in crate::contracts::CONTRACTS {
            let path = format!(
                "{}/../contracts/{}/Stylus.toml",
                env!("CARGO_MANIFEST_DIR"),
                contract.dir
            );
            let own = std::fs::read_to_string(&path).expect("contract Stylus.toml");
            let opted_in = own.lines().any(|l| l.trim() == "[wasm-opt]");
            assert!(opted_in, "{path} opts into the workspace [wasm-opt] recipe");
        }
    }
}
