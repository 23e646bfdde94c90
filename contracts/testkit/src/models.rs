//! The registry double of the model token contract's tests (`ModelNft`): it records every
//! `moveModel(modelId, to)` the token contract sends (model, new holder, caller) and can be told
//! to revert.

use alloc::vec::Vec;

use stylus_sdk::{
    alloy_primitives::{Address, U256},
    prelude::*,
    storage::{StorageAddress, StorageBool, StorageMap, StorageU256, StorageVec},
};

/// The revert data of [`ModelRegistryDouble::move_model`] once told to fail.
pub const MOVE_REFUSED_REASON: &[u8] = b"move refused";

/// Registry double: records `moveModel` calls; reverts them with [`MOVE_REFUSED_REASON`] while
/// `setFail(true)`.
#[storage]
pub struct ModelRegistryDouble {
    /// The model of each `moveModel` call, in call order.
    model_ids: StorageVec<StorageU256>,
    /// The new holder of each call.
    holders: StorageVec<StorageAddress>,
    /// The caller of each call.
    callers: StorageVec<StorageAddress>,
    /// The last holder each model was moved to.
    holder_of: StorageMap<U256, StorageAddress>,
    /// When set, `moveModel` reverts.
    fail: StorageBool,
}

unsafe impl TopLevelStorage for ModelRegistryDouble {}

#[public]
impl ModelRegistryDouble {
    /// Test setup: make `moveModel` revert with [`MOVE_REFUSED_REASON`] (or stop doing so).
    pub fn set_fail(&mut self, fail: bool) {
        self.fail.set(fail);
    }

    /// `moveModel(uint256,address)`: records the call.
    pub fn move_model(&mut self, model_id: U256, to: Address) -> Result<(), Vec<u8>> {
        if self.fail.get() {
            return Err(MOVE_REFUSED_REASON.to_vec());
        }
        let caller = self.vm().msg_sender();
        self.model_ids.push(model_id);
        self.holders.push(to);
        self.callers.push(caller);
        self.holder_of.setter(model_id).set(to);
        Ok(())
    }

    /// How many `moveModel` calls were recorded.
    pub fn move_count(&self) -> U256 {
        U256::from(self.holders.len())
    }

    /// Call `index` (from 0): (modelId, to, caller).
    pub fn moved(&self, index: U256) -> (U256, Address, Address) {
        let i = usize::try_from(index).unwrap_or(usize::MAX);
        (
            self.model_ids.get(i).unwrap_or_default(),
            self.holders.get(i).unwrap_or_default(),
            self.callers.get(i).unwrap_or_default(),
        )
    }

    /// The holder `model_id` was last moved to (zero if never).
    pub fn holder(&self, model_id: U256) -> Address {
        self.holder_of.get(model_id)
    }
}
