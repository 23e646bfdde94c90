//! Prints the contract's Solidity interface (`--features export-abi`).
fn main() {
    royalty_splitter::print_from_args();
}
