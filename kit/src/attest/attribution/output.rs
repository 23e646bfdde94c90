//! Writing an attribution's files into its output directory.

use std::{collections::HashSet, fs, path::Path};

use alloy::primitives::Address;

use super::{
    files::{ProofFile, ReportFile, ReportJson, TreeFile},
    scores::lower_hex,
    Attribution, AttributionError,
};
use crate::attest::json::to_pretty_json;

/// What [`Attribution::write_to`] wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WriteSummary {
    /// Proof files written.
    pub proof_files: usize,
    /// Stale proof files (of addresses no longer in the tree) removed from `proofs/`.
    pub stale_removed: usize,
}

impl Attribution {
    /// `report.json`.
    pub fn report_file(&self) -> ReportFile {
        ReportFile {
            chain_id: self.params.chain_id,
            verifying_contract: self.params.datanets,
            report: ReportJson::from(&self.report),
            report_digest: self.digest,
            evaluator: self.evaluator,
            signature: self.signature.clone(),
            calldata: self.post_report_calldata(),
        }
    }

    /// `weights.csv`.
    pub fn weights_csv(&self) -> String {
        self.weights.to_csv()
    }

    /// `tree.json`.
    pub fn tree_file(&self) -> TreeFile {
        TreeFile::new(&self.tree, &self.report)
    }

    /// `proofs/<address>.json` of `account`.
    ///
    /// # Errors
    ///
    /// [`AttributionError::UnknownAccount`] if it has no leaf.
    pub fn proof_file(&self, account: Address) -> Result<ProofFile, AttributionError> {
        Ok(ProofFile::new(&self.tree.proof(account)?, &self.report))
    }

    /// Writes `report.json`, `weights.csv`, `tree.json` and (with `proof_files`)
    /// `proofs/<lowercase address>.json` for every member into `dir`, creating it. Proof files
    /// of addresses that are no longer members (or all of them, without `proof_files`) are
    /// removed, so `proofs/` never holds a stale proof.
    ///
    /// # Errors
    ///
    /// [`AttributionError::Io`] naming the file.
    pub fn write_to(
        &self,
        dir: &Path,
        proof_files: bool,
    ) -> Result<WriteSummary, AttributionError> {
        create_dir(dir)?;
        write(
            &dir.join("report.json"),
            &to_pretty_json(&self.report_file()),
        )?;
        write(&dir.join("weights.csv"), &self.weights_csv())?;
        write(&dir.join("tree.json"), &to_pretty_json(&self.tree_file()))?;
        let proofs = dir.join("proofs");
        let members: HashSet<String> = self
            .tree
            .members()
            .iter()
            .map(|m| proof_file_name(m.contributor))
            .collect();
        let stale_removed = remove_stale_proofs(&proofs, proof_files.then_some(&members))?;
        let mut written = 0;
        if proof_files {
            create_dir(&proofs)?;
            for member in self.tree.members() {
                let file = self.proof_file(member.contributor)?;
                write(
                    &proofs.join(proof_file_name(member.contributor)),
                    &to_pretty_json(&file),
                )?;
                written += 1;
            }
        }
        Ok(WriteSummary {
            proof_files: written,
            stale_removed,
        })
    }
}

/// `0x<40 lowercase hex digits>.json`.
pub fn proof_file_name(account: Address) -> String {
    format!("{}.json", lower_hex(account))
}

fn is_proof_file_name(name: &str) -> bool {
    name.strip_prefix("0x")
        .and_then(|rest| rest.strip_suffix(".json"))
        .is_some_and(|digits| {
            digits.len() == 40
                && digits
                    .bytes()
                    .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        })
}

/// Removes proof files in `dir` not named in `keep` (all of them for `None`), and `dir` itself
/// if that empties it.
fn remove_stale_proofs(
    dir: &Path,
    keep: Option<&HashSet<String>>,
) -> Result<usize, AttributionError> {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(0),
        Err(e) => return Err(io_error(dir, &e)),
    };
    let mut removed = 0;
    for entry in entries {
        let entry = entry.map_err(|e| io_error(dir, &e))?;
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        if is_proof_file_name(name) && keep.is_none_or(|keep| !keep.contains(name)) {
            let path = entry.path();
            fs::remove_file(&path).map_err(|e| io_error(&path, &e))?;
            removed += 1;
        }
    }
    if keep.is_none() {
        // Only succeeds if nothing else lives there.
        let _ = fs::remove_dir(dir);
    }
    Ok(removed)
}

fn create_dir(dir: &Path) -> Result<(), AttributionError> {
    fs::create_dir_all(dir).map_err(|e| io_error(dir, &e))
}

fn write(path: &Path, text: &str) -> Result<(), AttributionError> {
    fs::write(path, text).map_err(|e| io_error(path, &e))
}

fn io_error(path: &Path, e: &std::io::Error) -> AttributionError {
    AttributionError::Io {
        path: path.display().to_string(),
        message: e.to_string(),
    }
}
