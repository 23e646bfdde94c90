//! Prints the contract's Solidity interface (`--features export-abi`).
fn main() {
    license_nft::print_from_args();
}
