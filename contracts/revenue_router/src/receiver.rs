//! Model royalty receivers: the router deploys one revenue-route forwarder per model with
//! CREATE2 (`tributary_abi::receiver::route_forwarder_init_code`), so that ERC-2981 royalties
//! paid on a model token's resale are reported as the model's revenue and routed up its lineage.

use stylus_sdk::{
    alloy_primitives::{Address, B256, U256},
    prelude::*,
};
use tributary_abi::{
    calls::has_code,
    receiver::{forwarder_salt, route_forwarder_address, route_forwarder_init_code},
};

use crate::{
    errors::{Error, ModelReceiverDeploymentFailed},
    events::{emit, ModelReceiverCreated},
    RevenueRouter,
};

impl RevenueRouter {
    /// See [`RevenueRouter::royalty_receiver`].
    pub(crate) fn royalty_receiver_of(&mut self, model_id: U256) -> Result<Address, Error> {
        // Fails with `UnknownModel` for a model the registry does not know.
        self.model_split(model_id)?;
        let router = self.vm().contract_address();
        let keccak = |data: &[u8]| -> B256 { self.vm().native_keccak256(data) };
        let predicted = route_forwarder_address(router, model_id, keccak);
        if has_code(self.vm().code_hash(predicted)) {
            return Ok(predicted);
        }
        let init_code = route_forwarder_init_code(router, model_id);
        // SAFETY: the init code is the fixed forwarder: its constructor only returns the runtime
        // code, makes no call and cannot re-enter this contract.
        let receiver = unsafe {
            self.vm()
                .deploy(&init_code, U256::ZERO, Some(forwarder_salt(model_id)))
        }
        .map_err(|_| {
            Error::ReceiverDeploymentFailed(ModelReceiverDeploymentFailed { modelId: model_id })
        })?;
        emit(
            self.vm(),
            &ModelReceiverCreated {
                modelId: model_id,
                receiver,
            },
        );
        Ok(receiver)
    }
}
