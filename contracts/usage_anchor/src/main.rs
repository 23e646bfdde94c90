//! Prints the contract's Solidity interface (`--features export-abi`).
fn main() {
    usage_anchor::print_from_args();
}
