//! `tributary gateway …` and `tributary fetch …`: the access gateway (`gateway/`, package
//! `tributary-gateway`), run in-process. The gateway builds on `tributary-kit` (`kit/`), not on
//! this crate, so linking it here makes no cycle. The standalone `tributary-gateway` binary runs
//! the same entry points.

use tributary_gateway::cli::{self, FetchArgs, GatewayCommand};

/// Runs `tributary gateway …`.
pub(crate) fn run(command: GatewayCommand) -> Result<(), Box<dyn std::error::Error>> {
    cli::run(command)
}

/// Runs `tributary fetch …`.
pub(crate) fn fetch(args: FetchArgs) -> Result<(), Box<dyn std::error::Error>> {
    cli::fetch(args)
}
