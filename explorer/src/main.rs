//! `tributary-explorer`: the explorer's commands, standalone (the same entry points
//! `tributary explorer …` calls in-process).

use std::process::ExitCode;

use clap::Parser;
use tributary_explorer::cli;

/// Tributary explorer: index a deployment's events and serve them.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Cli {
    #[command(subcommand)]
    command: cli::ExplorerCommand,
}

fn main() -> ExitCode {
    match cli::run(Cli::parse().command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
