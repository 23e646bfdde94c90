//! Prints the contract's Solidity interface (`--features export-abi`).
fn main() {
    datanets::print_from_args();
}
