//! `tributary gateway …` and `tributary fetch …`: the access gateway lives in its own crate
//! (`gateway/`, package `tributary-gateway`), which depends on this one for the attestor kit and
//! the contract bindings, so this binary runs the gateway's binary (`tributary-gateway`, next to
//! this one or on `PATH`) with the same arguments instead of linking it.

use std::{
    ffi::OsString,
    path::PathBuf,
    process::{Command, ExitStatus},
};

/// Name of the gateway's binary.
pub(crate) const GATEWAY_BIN: &str = "tributary-gateway";

/// The gateway binary: next to the running `tributary`, else whatever `PATH` finds.
fn gateway_bin() -> PathBuf {
    let sibling = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|dir| dir.join(GATEWAY_BIN)))
        .filter(|path| path.is_file());
    sibling.unwrap_or_else(|| PathBuf::from(GATEWAY_BIN))
}

/// Runs `tributary-gateway [subcommand] args…` and waits for it.
pub(crate) fn forward(
    subcommand: Option<&str>,
    args: &[OsString],
) -> Result<(), Box<dyn std::error::Error>> {
    let bin = gateway_bin();
    let mut command = Command::new(&bin);
    command.args(subcommand).args(args);
    let status: ExitStatus = command.status().map_err(|e| {
        format!(
            "cannot run {}: {e} (build it with `cargo build -p tributary-gateway`)",
            bin.display()
        )
    })?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{GATEWAY_BIN} failed ({status})").into())
    }
}
