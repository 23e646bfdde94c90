//! The word encoding of every error matches alloy's `SolError::abi_encode`, the royalty amount
//! is the exact floor of the product, and the EIP-4906 event is the standard one.

use alloc::{string::String, vec};

use alloy_primitives::{keccak256, Address, U256};
use alloy_sol_types::SolEvent;
use tributary_abi::abi_words::Loggable;

use crate::{errors::*, events::MetadataUpdate};

#[test]
fn every_error_encodes_like_alloy() {
    let a = Address::repeat_byte(0xab);
    let n = U256::from(0x1234_5678_u64) << 100;
    let mut samples = vec![
        Error::from(ERC721InvalidOwner { owner: a }),
        Error::from(ERC721NonexistentToken { token_id: n }),
        Error::from(ERC721IncorrectOwner {
            sender: a,
            token_id: n,
            owner: Address::repeat_byte(1),
        }),
        Error::from(ERC721InvalidSender { sender: a }),
        Error::from(ERC721InvalidReceiver { receiver: a }),
        Error::from(ERC721InsufficientApproval {
            operator: a,
            token_id: n,
        }),
        Error::from(ERC721InvalidApprover { approver: a }),
        Error::from(ERC721InvalidOperator { operator: a }),
        Error::from(ERC2981InvalidDefaultRoyalty {
            numerator: U256::MAX,
            denominator: U256::from(10_000),
        }),
        Error::from(NotRegistry { account: a }),
        Error::from(ZeroAddress {}),
    ];
    // The dynamic tails in every padding case: empty, short, one word exactly, several words.
    let long = "x".repeat(70);
    for reason in [
        "",
        "no",
        "no models here",
        "a reason exactly 32 bytes long!!",
        &long,
    ] {
        samples.push(Error::from(InvalidReceiverWithReason {
            reason: String::from(reason),
        }));
        samples.push(Error::from(ExternalCallFailed {
            target: a,
            reason: reason.as_bytes().to_vec().into(),
        }));
    }
    Error::assert_encodes_like_alloy(samples);
}

#[test]
fn metadata_update_is_the_eip_4906_event() {
    assert_eq!(
        MetadataUpdate::SIGNATURE_HASH,
        keccak256("MetadataUpdate(uint256)")
    );
    let words = crate::events::MetadataUpdate {
        _tokenId: U256::from(7),
    }
    .words();
    assert_eq!(words, vec![U256::from(7).to_be_bytes::<32>()]);
    assert_eq!(<MetadataUpdate as Loggable>::INDEXED, 0);
}
