//! Prints the contract's Solidity interface (`--features export-abi`).
fn main() {
    revenue_router::print_from_args();
}
