//! Events of the model token contract besides `OpenZeppelin`'s ERC-721 `Transfer` / `Approval` /
//! `ApprovalForAll`, emitted word by word through [`tributary_abi::abi_words::emit`].
#![allow(missing_docs)] // `sol!` generates the fields; each event carries its doc comment.

use alloc::{vec, vec::Vec};

use alloy_sol_types::sol;
pub(crate) use tributary_abi::abi_words::emit;
use tributary_abi::abi_words::{Loggable, Word};

sol! {
    /// EIP-4906: the metadata (`tokenURI`) of model token `_tokenId` changed.
    #[derive(Debug, PartialEq, Eq)]
    event MetadataUpdate(uint256 _tokenId);
}

// By hand rather than with `tributary_abi::loggable!`, whose `indexed: []` (no topic) does
// not type-check.
impl Loggable for MetadataUpdate {
    const INDEXED: usize = 0;

    fn words(&self) -> Vec<[u8; 32]> {
        vec![self._tokenId.word()]
    }
}
