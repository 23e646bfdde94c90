//! ERC-2981 royalty receivers: the splitter deploys one forwarder per split with CREATE2. The
//! forwarder's code and address are declared in `tributary_abi::receiver`, which the offers
//! contract shares to predict the address.

use alloy_primitives::{Address, U256};
use tributary_abi::receiver::{forwarder_init_code, forwarder_salt};

impl crate::RoyaltySplitter {
    /// Returns the split's receiver, deploying it on the first call.
    pub(crate) fn royalty_receiver_of(
        &mut self,
        split_id: U256,
    ) -> Result<Address, crate::errors::Error> {
        use alloy_sol_types::SolEvent;
        use stylus_sdk::prelude::*;
        use tributary_abi::abi_words::{emit_log, Word};

        use crate::{
            errors::{Error, SplitReceiverDeploymentFailed},
            events::SplitReceiverCreated,
            state::Field,
        };

        self.require_split(split_id)?;
        let key = crate::state::of_split(split_id);
        let stored = self.read_address(Field::Receiver, &key);
        if !stored.is_zero() {
            return Ok(stored);
        }
        let splitter = self.vm().contract_address();
        let init_code = forwarder_init_code(splitter, split_id);
        // SAFETY: the init code is the fixed forwarder above: its constructor only returns the
        // runtime code, makes no call and cannot re-enter this contract, so recording the
        // address after the deployment is safe (`forwarder_address` predicts the same address;
        // the tests check it).
        let receiver = unsafe {
            self.vm()
                .deploy(&init_code, U256::ZERO, Some(forwarder_salt(split_id)))
        }
        .map_err(|_| Error::ReceiverDeploymentFailed(SplitReceiverDeploymentFailed { split_id }))?;
        self.record_receiver(split_id, receiver);
        emit_log(
            self.vm(),
            &[SplitReceiverCreated::SIGNATURE_HASH.0, split_id.word()],
            &[receiver.word()],
            &[],
        );
        Ok(receiver)
    }

    /// Records `receiver` as the deployed forwarder of `split_id`, and the reverse mapping
    /// receiver -> split that native withdrawals use to credit a forwarder internally.
    pub(crate) fn record_receiver(&mut self, split_id: U256, receiver: Address) {
        use crate::state::{of_receiver, of_split, word, Field};

        self.write(Field::Receiver, &of_split(split_id), word(receiver));
        self.write(
            Field::SplitOfReceiver,
            &of_receiver(receiver),
            word(split_id),
        );
    }
}
