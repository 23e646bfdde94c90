//! Prints the contract's Solidity interface (`--features export-abi`).
fn main() {
    usage_disputes::print_from_args();
}
