//! Token URIs, set by each token's holder, stored as keccak-addressed words.
//!
//! The URI of token `id` starts at `slot = keccak256(0x01 ‖ id)` (a 33-byte preimage, so it
//! collides with none of the `#[storage]` fields' slots, whose map preimages are 64 bytes): the
//! word at `slot` holds the URI's byte length, the words at `slot + 1, slot + 2, …` its bytes,
//! left-aligned and zero-padded. Reading or writing is one host keccak and one
//! `SLOAD`/`SSTORE` per word, without the byte-by-byte code of the SDK's `StorageBytes`. A
//! shorter URI replacing a longer one leaves the old tail words in place; the length word
//! bounds every read.

use alloc::vec::Vec;

use alloy_primitives::U256;
use stylus_sdk::prelude::*;

use crate::{
    errors::{ERC721IncorrectOwner, Error},
    events::{emit, MetadataUpdate},
    ModelNft,
};

/// The namespace byte of the URI slots.
const URI_NAMESPACE: u8 = 1;

impl ModelNft {
    /// The slot of the URI of `token_id` (its length word).
    fn uri_slot(&self, token_id: U256) -> U256 {
        let mut preimage = [0u8; 33];
        preimage[0] = URI_NAMESPACE;
        preimage[1..].copy_from_slice(&token_id.to_be_bytes::<32>());
        self.vm().native_keccak256(&preimage).into()
    }

    /// Reads the word at `slot`.
    fn load(&self, slot: U256) -> U256 {
        self.vm().storage_load_bytes32(slot).into()
    }

    /// The URI bytes of `token_id` (empty until set).
    pub(crate) fn read_uri(&self, token_id: U256) -> Vec<u8> {
        let mut slot = self.uri_slot(token_id);
        // A transaction's calldata costs at least 4 gas a byte, so a stored length fits 64 bits
        // (and a `usize` of the 32-bit WASM target: no one pays for 4 GB of calldata).
        #[allow(clippy::cast_possible_truncation)]
        let len = self.load(slot).as_limbs()[0] as usize;
        let mut uri = Vec::with_capacity(len + 32);
        while uri.len() < len {
            slot += U256::from(1);
            uri.extend_from_slice(&self.load(slot).to_be_bytes::<32>());
        }
        uri.truncate(len);
        uri
    }

    /// Sets the URI of `token_id` to `uri`; only its holder.
    pub(crate) fn store_uri(&mut self, token_id: U256, uri: &[u8]) -> Result<(), Error> {
        let owner = self.erc721._require_owned(token_id)?;
        let sender = self.vm().msg_sender();
        if sender != owner {
            return Err(ERC721IncorrectOwner {
                sender,
                token_id,
                owner,
            }
            .into());
        }
        let mut slot = self.uri_slot(token_id);
        self.store(slot, U256::from(uri.len()));
        for chunk in uri.chunks(32) {
            let mut word = [0u8; 32];
            word[..chunk.len()].copy_from_slice(chunk);
            slot += U256::from(1);
            self.store(slot, U256::from_be_bytes(word));
        }
        emit(self.vm(), &MetadataUpdate { _tokenId: token_id });
        Ok(())
    }

    /// Writes the word at `slot` (through the SDK's storage cache, flushed at the end of the
    /// call).
    fn store(&mut self, slot: U256, value: U256) {
        // SAFETY: `slot` is a URI slot (see the module docs), where no `#[storage]` field of
        // this contract lives.
        unsafe { self.vm().storage_cache_bytes32(slot, value.into()) };
    }
}
