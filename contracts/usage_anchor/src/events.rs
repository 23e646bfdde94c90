//! Events: one for every state change of the usage anchor.
#![allow(missing_docs)] // `sol!` documents the events; the generated fields need none.

use alloy_sol_types::sol;
pub(crate) use tributary_abi::abi_words::emit;
use tributary_abi::loggable;

sol! {
    /// Ownership transfer to `newOwner` started; it completes when `newOwner` accepts
    /// (`OpenZeppelin` `Ownable2Step`'s event).
    #[derive(Debug, PartialEq, Eq)]
    event OwnershipTransferStarted(address indexed previousOwner, address indexed newOwner);
    /// Ownership moved from `previousOwner` to `newOwner` (`OpenZeppelin` `Ownable`'s event).
    #[derive(Debug, PartialEq, Eq)]
    event OwnershipTransferred(address indexed previousOwner, address indexed newOwner);
    /// The owner added `attestor` to the allow-list (`allowed`) or removed it.
    #[derive(Debug, PartialEq, Eq)]
    event AttestorAllowed(address indexed attestor, bool allowed);

    /// `attestor` added `amount` to its bond, which is now `bond`.
    #[derive(Debug, PartialEq, Eq)]
    event AttestorBonded(address indexed attestor, uint256 amount, uint256 bond);
    /// `attestor` asked to exit; its bond is withdrawable from `withdrawableFrom` at the
    /// earliest (later if its batches are still inside their windows or challenged).
    #[derive(Debug, PartialEq, Eq)]
    event AttestorExitRequested(address indexed attestor, uint64 withdrawableFrom);
    /// `attestor` withdrew its whole remaining bond, `amount`, and left.
    #[derive(Debug, PartialEq, Eq)]
    event AttestorBondWithdrawn(address indexed attestor, uint256 amount);

    /// `attestor`'s batch `batchId` was anchored; it becomes settleable at `settleableAt` unless
    /// challenged.
    #[derive(Debug, PartialEq, Eq)]
    event BatchAnchored(
        address indexed attestor,
        bytes32 indexed batchId,
        bytes32 root,
        uint32 leafCount,
        uint32 receiptCount,
        uint256 totalUnits,
        uint64 settleableAt
    );
    /// The disputes contract moved the batch to `status` (2 challenged, 3 voided, 4 cleared)
    /// in challenge round `round`; `slashed` was taken from the attestor's bond for the treasury
    /// (voided only).
    #[derive(Debug, PartialEq, Eq)]
    event BatchStatusChanged(
        address indexed attestor,
        bytes32 indexed batchId,
        uint8 status,
        uint16 round,
        uint256 slashed
    );
    /// The disputes contract was wired.
    #[derive(Debug, PartialEq, Eq)]
    event DisputesSet(address indexed disputes);
    /// `amount` of native currency was credited to `account`, to be pulled with
    /// `withdrawCredit`.
    #[derive(Debug, PartialEq, Eq)]
    event Credited(address indexed account, uint256 amount);
    /// `account` pulled `amount` of its credited balance.
    #[derive(Debug, PartialEq, Eq)]
    event CreditWithdrawn(address indexed account, uint256 amount);

    /// Usage leaf `index` of the batch was billed: `units` over `receiptCount` receipts,
    /// `fee` charged to the license's escrow (what escrow does not cover becomes debt, see the
    /// escrow's `EscrowCharged`).
    #[derive(Debug, PartialEq, Eq)]
    event UsageSettled(
        address indexed attestor,
        bytes32 indexed batchId,
        uint256 indexed licenseId,
        uint32 index,
        uint256 units,
        uint32 receiptCount,
        uint256 fee
    );
    /// Usage leaf `index` of the batch cannot be billed (`reason`: `tributary_abi::usage::skip`)
    /// and was closed without a fee.
    #[derive(Debug, PartialEq, Eq)]
    event UsageSkipped(
        address indexed attestor,
        bytes32 indexed batchId,
        uint256 indexed licenseId,
        uint32 index,
        uint8 reason
    );
}

loggable! {
    OwnershipTransferStarted { indexed: [previousOwner, newOwner], data: [] }
    OwnershipTransferred { indexed: [previousOwner, newOwner], data: [] }
    AttestorAllowed { indexed: [attestor], data: [allowed] }
    AttestorBonded { indexed: [attestor], data: [amount, bond] }
    AttestorExitRequested { indexed: [attestor], data: [withdrawableFrom] }
    AttestorBondWithdrawn { indexed: [attestor], data: [amount] }
    BatchAnchored {
        indexed: [attestor, batchId],
        data: [root, leafCount, receiptCount, totalUnits, settleableAt]
    }
    BatchStatusChanged { indexed: [attestor, batchId], data: [status, round, slashed] }
    DisputesSet { indexed: [disputes], data: [] }
    Credited { indexed: [account], data: [amount] }
    CreditWithdrawn { indexed: [account], data: [amount] }
    UsageSettled {
        indexed: [attestor, batchId, licenseId],
        data: [index, units, receiptCount, fee]
    }
    UsageSkipped { indexed: [attestor, batchId, licenseId], data: [index, reason] }
}
