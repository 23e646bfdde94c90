//! Prints the contract's Solidity interface (`--features export-abi`).
fn main() {
    attribution_registry::print_from_args();
}
