//! Prints the contract's Solidity interface (`--features export-abi`).
fn main() {
    usage_escrow::print_from_args();
}
