//! `tributary-gateway`: the access gateway's commands, standalone (the same entry points
//! `tributary gateway …` and `tributary fetch …` call in-process).

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use tributary_gateway::cli;

/// Tributary access gateway.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    #[command(flatten)]
    Gateway(cli::GatewayCommand),
    /// Sign in with the wallet in `$TRIBUTARY_KEY` and download a dataset through a gateway.
    Fetch(cli::FetchArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Gateway(command) => cli::run(command),
        Command::Fetch(args) => cli::fetch(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
