//! Prints the contract's Solidity interface (`--features export-abi`).
fn main() {
    license_offers::print_from_args();
}
