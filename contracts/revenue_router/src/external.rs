//! Calls to the registry (lineage views), the license contract (royalty tiers), the splitter
//! (deposits) and ERC-20 tokens, through one raw call helper.
//!
//! Calldata is built by [`crate::abi::encode`] and return data decoded word by word (one small
//! decoder instead of a generated stub and alloy decoder per function). A reverted call becomes
//! [`errors::ExternalCallFailed`] carrying the callee's revert data; return data too short for
//! the declared outputs fails the same way with empty data.

use alloc::vec::Vec;

use stylus_sdk::{
    alloy_primitives::{Address, U256},
    prelude::*,
    stylus_core::calls::{context::Call, errors::Error as CallError},
};

use crate::{
    abi::{self, selector, Arg},
    errors::{self, Error},
    routing::Tier,
    RevenueRouter,
};

/// `model(uint256)`.
const MODEL: [u8; 4] = selector("model(uint256)");
/// `parents(uint256)`.
const PARENTS: [u8; 4] = selector("parents(uint256)");
/// `ancestry(uint256)`.
const ANCESTRY: [u8; 4] = selector("ancestry(uint256)");
/// `datasetSplit(uint256)`.
const DATASET_SPLIT: [u8; 4] = selector("datasetSplit(uint256)");
/// `royaltyTiers(uint256)`.
const ROYALTY_TIERS: [u8; 4] = selector("royaltyTiers(uint256)");
/// `deposit(uint256)`.
const DEPOSIT: [u8; 4] = selector("deposit(uint256)");
/// `depositToken(uint256,address,uint256)`.
const DEPOSIT_TOKEN: [u8; 4] = selector("depositToken(uint256,address,uint256)");
/// `balanceOf(address)`.
const BALANCE_OF: [u8; 4] = selector("balanceOf(address)");
/// `transferFrom(address,address,uint256)`.
const TRANSFER_FROM: [u8; 4] = selector("transferFrom(address,address,uint256)");
/// `approve(address,uint256)`.
const APPROVE: [u8; 4] = selector("approve(address,uint256)");

/// A model's parents as the registry returns them: `(datasets, datasetWeights, licenses,
/// models, modelWeights)`.
pub(crate) type Parents = (Vec<U256>, Vec<U256>, Vec<U256>, Vec<U256>, Vec<U256>);

/// Return data, decoded word by word.
struct Output(Vec<u8>);

impl Output {
    /// Word `i` (from byte `32 i`), if present.
    fn word(&self, i: usize) -> Option<U256> {
        let bytes = self.0.get(32 * i..32 * i + 32)?;
        Some(U256::from_be_slice(bytes))
    }

    /// The dynamic `uint` array whose offset is head word `i` of the tuple starting at word
    /// `base`.
    fn array_at(&self, base: usize, i: usize) -> Option<Vec<U256>> {
        let offset = usize::try_from(self.word(base + i)?).ok()?;
        if offset % 32 != 0 {
            return None;
        }
        let start = base + offset / 32;
        let len = usize::try_from(self.word(start)?).ok()?;
        (0..len).map(|k| self.word(start + 1 + k)).collect()
    }

    /// The dynamic `uint` array whose offset is head word `i`.
    fn array(&self, i: usize) -> Option<Vec<U256>> {
        self.array_at(0, i)
    }

    /// Where a returned tuple of `n` > 1 dynamic values starts: word 0 in the standard
    /// encoding (whose first head word is then the offset `32 n`), or word 1 when the callee
    /// wrapped the tuple in one more offset (`0x20`), as stylus-sdk 0.9 contracts do: they
    /// encode return values with `abi_encode` rather than `abi_encode_params`.
    fn tuple_base(&self) -> usize {
        usize::from(self.word(0) == Some(U256::from(32)))
    }
}

impl RevenueRouter {
    /// Calls `target` with `calldata` (a state-changing call with `value` when `mutating`,
    /// else a static call).
    fn call_raw(
        &mut self,
        target: Address,
        calldata: &[u8],
        mutating: bool,
        value: U256,
    ) -> Result<Output, Error> {
        let result = if mutating {
            self.vm().call(&Call::new().value(value), target, calldata)
        } else {
            self.vm().static_call(&Call::new(), target, calldata)
        };
        result.map(Output).map_err(|err| {
            let reason = match err {
                CallError::Revert(data) => data,
                CallError::AbiDecodingFailed(_) => Vec::new(),
            };
            failed(target, reason)
        })
    }

    /// A view of the registry taking one id.
    fn registry_view(&mut self, sel: [u8; 4], id: U256) -> Result<Output, Error> {
        let registry = self.registry.get();
        let calldata = abi::encode(&sel, &[Arg::Word(abi::uint(id))]);
        self.call_raw(registry, &calldata, false, U256::ZERO)
    }

    /// The split of a model; [`errors::UnknownModel`] if the registry does not know it.
    pub(crate) fn model_split(&mut self, model_id: U256) -> Result<U256, Error> {
        self.registry_view(MODEL, model_id)
            .ok()
            .and_then(|out| out.word(1))
            .ok_or_else(|| errors::UnknownModel { modelId: model_id }.into())
    }

    /// A model's ancestors, highest id first.
    pub(crate) fn ancestry(&mut self, model_id: U256) -> Result<Vec<U256>, Error> {
        let out = self.registry_view(ANCESTRY, model_id)?;
        out.array(0).ok_or_else(|| self.malformed_registry())
    }

    /// A model's parents.
    pub(crate) fn parents(&mut self, model_id: U256) -> Result<Parents, Error> {
        let out = self.registry_view(PARENTS, model_id)?;
        let base = out.tuple_base();
        let decoded = (|| {
            Some((
                out.array_at(base, 0)?,
                out.array_at(base, 1)?,
                out.array_at(base, 2)?,
                out.array_at(base, 3)?,
                out.array_at(base, 4)?,
            ))
        })();
        decoded.ok_or_else(|| self.malformed_registry())
    }

    /// A dataset's split.
    pub(crate) fn dataset_split(&mut self, dataset_id: U256) -> Result<U256, Error> {
        let out = self.registry_view(DATASET_SPLIT, dataset_id)?;
        out.word(0).ok_or_else(|| self.malformed_registry())
    }

    /// The registry returned less than its views declare.
    fn malformed_registry(&self) -> Error {
        failed(self.registry.get(), Vec::new())
    }

    /// The derivative royalty tiers of a license token.
    pub(crate) fn royalty_tiers(&mut self, license_id: U256) -> Result<Vec<Tier>, Error> {
        let license = self.license_nft.get();
        let calldata = abi::encode(&ROYALTY_TIERS, &[Arg::Word(abi::uint(license_id))]);
        let out = self.call_raw(license, &calldata, false, U256::ZERO)?;
        let base = out.tuple_base();
        let (thresholds, bps) = out
            .array_at(base, 0)
            .zip(out.array_at(base, 1))
            .ok_or_else(|| failed(license, Vec::new()))?;
        Ok(thresholds
            .into_iter()
            .zip(bps)
            // `uint16` values: the low 16 bits are the whole value.
            .map(|(threshold, bps)| Tier {
                threshold,
                bps: bps.wrapping_to(),
            })
            .collect())
    }

    /// Deposits `amount` of native currency into a split.
    pub(crate) fn deposit(&mut self, split_id: U256, amount: U256) -> Result<(), Error> {
        let splitter = self.splitter.get();
        let calldata = abi::encode(&DEPOSIT, &[Arg::Word(abi::uint(split_id))]);
        self.call_raw(splitter, &calldata, true, amount).map(drop)
    }

    /// Deposits `amount` of `token` into a split (the splitter pulls it; approved beforehand).
    pub(crate) fn deposit_token(
        &mut self,
        split_id: U256,
        token: Address,
        amount: U256,
    ) -> Result<(), Error> {
        let splitter = self.splitter.get();
        let calldata = abi::encode(
            &DEPOSIT_TOKEN,
            &[
                Arg::Word(abi::uint(split_id)),
                Arg::Word(abi::address(token)),
                Arg::Word(abi::uint(amount)),
            ],
        );
        self.call_raw(splitter, &calldata, true, U256::ZERO)
            .map(drop)
    }

    /// The router's balance of `token`.
    pub(crate) fn token_balance(&mut self, token: Address) -> Result<U256, Error> {
        let this = self.vm().contract_address();
        let calldata = abi::encode(&BALANCE_OF, &[Arg::Word(abi::address(this))]);
        let out = self.call_raw(token, &calldata, false, U256::ZERO)?;
        out.word(0).ok_or_else(|| failed(token, Vec::new()))
    }

    /// A token call with `SafeERC20` semantics: it must not revert, and must return `true` or
    /// nothing (then the token must have code). Any failure is
    /// [`errors::SafeErc20FailedOperation`].
    fn safe_token_call(&mut self, token: Address, calldata: &[u8]) -> Result<(), Error> {
        let ok = match self.call_raw(token, calldata, true, U256::ZERO) {
            Ok(out) if out.0.is_empty() => self.vm().code_size(token) > 0,
            Ok(out) => out.word(0) == Some(U256::from(1)),
            Err(_) => false,
        };
        if ok {
            Ok(())
        } else {
            Err(errors::SafeErc20FailedOperation { token }.into())
        }
    }

    /// Pulls `amount` of `token` from `from` to the router.
    pub(crate) fn pull_tokens(
        &mut self,
        token: Address,
        from: Address,
        amount: U256,
    ) -> Result<(), Error> {
        let this = self.vm().contract_address();
        let calldata = abi::encode(
            &TRANSFER_FROM,
            &[
                Arg::Word(abi::address(from)),
                Arg::Word(abi::address(this)),
                Arg::Word(abi::uint(amount)),
            ],
        );
        self.safe_token_call(token, &calldata)
    }

    /// Sets the splitter's allowance of `token` to `amount`, first resetting it to zero if the
    /// token refuses a direct change (`OpenZeppelin`'s `forceApprove`).
    pub(crate) fn force_approve(
        &mut self,
        token: Address,
        spender: Address,
        amount: U256,
    ) -> Result<(), Error> {
        let approve = |value: U256| {
            abi::encode(
                &APPROVE,
                &[
                    Arg::Word(abi::address(spender)),
                    Arg::Word(abi::uint(value)),
                ],
            )
        };
        if self.safe_token_call(token, &approve(amount)).is_ok() {
            return Ok(());
        }
        self.safe_token_call(token, &approve(U256::ZERO))?;
        self.safe_token_call(token, &approve(amount))
    }
}

/// [`errors::ExternalCallFailed`] for `target` with revert data `reason`.
fn failed(target: Address, reason: Vec<u8>) -> Error {
    errors::ExternalCallFailed {
        target,
        reason: reason.into(),
    }
    .into()
}

#[cfg(test)]
mod tests {
    use alloc::vec;

    use alloy_sol_types::{sol_data, SolType};

    use super::*;

    type Pair = (
        sol_data::Array<sol_data::Uint<256>>,
        sol_data::Array<sol_data::Uint<16>>,
    );

    #[test]
    fn decodes_standard_and_wrapped_tuples() {
        let value = (vec![U256::from(7), U256::MAX], vec![500u16, 1_000]);
        for data in [Pair::abi_encode_params(&value), Pair::abi_encode(&value)] {
            let out = Output(data);
            let base = out.tuple_base();
            assert_eq!(out.array_at(base, 0), Some(value.0.clone()));
            assert_eq!(
                out.array_at(base, 1),
                Some(vec![U256::from(500), U256::from(1_000)])
            );
        }
        let single = sol_data::Array::<sol_data::Uint<256>>::abi_encode(&vec![U256::from(3)]);
        assert_eq!(Output(single).array(0), Some(vec![U256::from(3)]));
        // Truncated data fails instead of panicking.
        assert_eq!(Output(vec![0; 31]).array(0), None);
        assert_eq!(Output(U256::from(32).to_be_bytes_vec()).array(0), None);
    }
}
