//! Prints the contract's Solidity interface (`--features export-abi`).
fn main() {
    model_nft::print_from_args();
}
