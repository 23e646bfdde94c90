//! Events: one for every state change of the usage escrow.
#![allow(missing_docs)] // `sol!` documents the events; the generated fields need none.

use alloy_sol_types::sol;
pub(crate) use tributary_abi::abi_words::emit;
use tributary_abi::loggable;

sol! {
    /// The usage anchor allowed to charge escrow was wired (once).
    #[derive(Debug, PartialEq, Eq)]
    event UsageAnchorSet(address indexed anchor);
    /// `funder` paid `amount` for the license: `toDebt` of it settled debt, the rest is escrow.
    #[derive(Debug, PartialEq, Eq)]
    event EscrowFunded(
        uint256 indexed licenseId,
        address indexed funder,
        uint256 amount,
        uint256 toDebt
    );
    /// The anchor charged `fee` of settled usage to the license: `paid` from escrow, the rest
    /// became debt.
    #[derive(Debug, PartialEq, Eq)]
    event EscrowCharged(uint256 indexed licenseId, uint256 fee, uint256 paid);
    /// `amount` of fees (in `token`, zero = native) went into the split `splitId`.
    #[derive(Debug, PartialEq, Eq)]
    event FeesDeposited(uint256 indexed splitId, address indexed token, uint256 amount);
    /// The unpaid fees of a license are now `debt` (0 = cleared).
    #[derive(Debug, PartialEq, Eq)]
    event DebtChanged(uint256 indexed licenseId, uint256 debt);
    /// The license owner asked to withdraw up to `amount` of escrow from `readyAt`.
    #[derive(Debug, PartialEq, Eq)]
    event EscrowWithdrawalRequested(uint256 indexed licenseId, uint256 amount, uint64 readyAt);
    /// `amount` of escrow went back to the license owner `to`.
    #[derive(Debug, PartialEq, Eq)]
    event EscrowWithdrawn(uint256 indexed licenseId, address indexed to, uint256 amount);
    /// The number of challenged usage leaves holding the license's escrow is now `holds`;
    /// `releasedAt` is when a hold of a cleared (settleable) batch was last released:
    /// withdrawals wait the settlement grace after it.
    #[derive(Debug, PartialEq, Eq)]
    event EscrowHoldsChanged(uint256 indexed licenseId, uint32 holds, uint64 releasedAt);
}

loggable! {
    UsageAnchorSet { indexed: [anchor], data: [] }
    EscrowFunded { indexed: [licenseId, funder], data: [amount, toDebt] }
    EscrowCharged { indexed: [licenseId], data: [fee, paid] }
    FeesDeposited { indexed: [splitId, token], data: [amount] }
    DebtChanged { indexed: [licenseId], data: [debt] }
    EscrowWithdrawalRequested { indexed: [licenseId], data: [amount, readyAt] }
    EscrowWithdrawn { indexed: [licenseId, to], data: [amount] }
    EscrowHoldsChanged { indexed: [licenseId], data: [holds, releasedAt] }
}
