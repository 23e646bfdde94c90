//! The `tributary` command.

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use tributary::{attest, build, demo::command as demo_command, deploy};

mod gateway;

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
    /// Deploy, activate and wire every contract on a Nitro chain; writes
    /// `deployments/<chainId>.json`. Does nothing if that deployment is already live.
    Deploy(deploy::command::DeployArgs),
    /// Print a contract's constructor arguments as `tributary deploy` passes them, for
    /// `cargo stylus deploy --constructor-args` (see scripts/cargo-stylus-smoke.sh).
    ConstructorArgs(deploy::command::ConstructorArgsArgs),
    /// Play the case study end to end on real WASM (starts a devnode unless --rpc-url).
    Demo(demo_command::DemoArgs),
    /// Attestor kit: sign receipt batches, prove receipts for settlement, verify batches; sign
    /// attribution reports for the Datanets contract from evaluator scores, prove contributors'
    /// Merkle claims on the splitter; write or check the shared test vectors.
    Attest {
        #[command(subcommand)]
        command: attest::command::AttestCommand,
    },
    /// Access gateway: serve a dataset to license holders (`serve --dataset DIR --dataset-id N
    /// --deployment FILE --rpc-url URL`), `keys list|revoke`, `jobs`, `batches`.
    Gateway {
        #[command(subcommand)]
        command: tributary_gateway::cli::GatewayCommand,
    },
    /// Explorer: index the deployment's events into `SQLite` and serve the JSON API and web page
    /// (`serve --deployment FILE --rpc-url URL [--db explorer.db] [--listen 127.0.0.1:8550]`),
    /// `index [--until-head]`, `status`.
    Explorer {
        #[command(subcommand)]
        command: tributary_explorer::cli::ExplorerCommand,
    },
    /// Sign in with the wallet key in `$TRIBUTARY_KEY` and download a dataset through a gateway
    /// (`--gateway URL --license N --out DIR`).
    Fetch(tributary_gateway::cli::FetchArgs),
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
    match cli.command {
        Command::Build => {
            let built = build::build_all(&build::workspace_root()?)?;
            print!("{}", build::size_table(&built));
        }
        Command::ExportAbi { check } => {
            let written = build::export_interfaces(&build::workspace_root()?, check)?;
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
        Command::Deploy(args) => deploy::command::run(&args)?,
        Command::ConstructorArgs(args) => deploy::command::constructor_args(&args)?,
        Command::Demo(args) => demo_command::run(&args)?,
        // The attestor kit works outside the workspace too.
        Command::Attest { command } => attest::command::run(command)?,
        Command::Gateway { command } => gateway::run(command)?,
        Command::Fetch(args) => gateway::fetch(args)?,
        Command::Explorer { command } => tributary_explorer::cli::run(command)?,
    }
    Ok(())
}
