//! The `tributary` command.

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use tributary::build;

/// Tributary: on-chain licensing and royalties for AI training data.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Build every contract to WASM that Nitro accepts and print the size table.
    Build,
    /// Write each contract's Solidity interface to `contracts/<name>/I<Name>.sol`.
    ExportAbi {
        /// Fail if a committed interface differs instead of writing it.
        #[arg(long)]
        check: bool,
    },
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<(), Box<dyn std::error::Error>> {
    let root = build::workspace_root()?;
    match cli.command {
        Command::Build => {
            let built = build::build_all(&root)?;
            print!("{}", build::size_table(&built));
        }
        Command::ExportAbi { check } => {
            let written = build::export_interfaces(&root, check)?;
            if check {
                println!("interfaces are up to date");
            } else if written.is_empty() {
                println!("interfaces already up to date");
            } else {
                for path in written {
                    println!("wrote {path}");
                }
            }
        }
    }
    Ok(())
}
