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
    /// The arbiter (who resolves challenges) changed.
    #[derive(Debug, PartialEq, Eq)]
    event ArbiterChanged(address indexed previousArbiter, address indexed newArbiter);
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

    /// A batch was anchored; it becomes settleable at `settleableAt` unless challenged.
    #[derive(Debug, PartialEq, Eq)]
    event BatchAnchored(
        bytes32 indexed batchId,
        address indexed attestor,
        bytes32 root,
        uint32 receiptCount,
        uint256 totalUnits,
        uint64 settleableAt
    );
    /// `challenger` disputed the batch, posting the challenge bond; `evidence` is the hash of
    /// the off-chain evidence.
    #[derive(Debug, PartialEq, Eq)]
    event BatchChallenged(bytes32 indexed batchId, address indexed challenger, bytes32 evidence);
    /// The arbiter resolved the challenge: upheld (batch void, `slashed` taken from the
    /// attestor's bond for the challenger) or rejected (challenge bond to the attestor).
    #[derive(Debug, PartialEq, Eq)]
    event ChallengeResolved(bytes32 indexed batchId, bool upheld, uint256 slashed);
    /// `amount` of native currency was credited to `account`, to be pulled with
    /// `withdrawCredit`.
    #[derive(Debug, PartialEq, Eq)]
    event Credited(address indexed account, uint256 amount);
    /// `account` pulled `amount` of its credited balance.
    #[derive(Debug, PartialEq, Eq)]
    event CreditWithdrawn(address indexed account, uint256 amount);

    /// A receipt was settled: `fee` owed, `paid` of it from escrow, the rest added as debt.
    #[derive(Debug, PartialEq, Eq)]
    event ReceiptSettled(
        bytes32 indexed batchId,
        bytes32 indexed leaf,
        uint256 indexed licenseId,
        uint256 fee,
        uint256 paid
    );

}

loggable! {
    OwnershipTransferStarted { indexed: [previousOwner, newOwner], data: [] }
    OwnershipTransferred { indexed: [previousOwner, newOwner], data: [] }
    ArbiterChanged { indexed: [previousArbiter, newArbiter], data: [] }
    AttestorAllowed { indexed: [attestor], data: [allowed] }
    AttestorBonded { indexed: [attestor], data: [amount, bond] }
    AttestorExitRequested { indexed: [attestor], data: [withdrawableFrom] }
    AttestorBondWithdrawn { indexed: [attestor], data: [amount] }
    BatchAnchored {
        indexed: [batchId, attestor],
        data: [root, receiptCount, totalUnits, settleableAt]
    }
    BatchChallenged { indexed: [batchId, challenger], data: [evidence] }
    ChallengeResolved { indexed: [batchId], data: [upheld, slashed] }
    Credited { indexed: [account], data: [amount] }
    CreditWithdrawn { indexed: [account], data: [amount] }
    ReceiptSettled { indexed: [batchId, leaf, licenseId], data: [fee, paid] }
}
