//! Calls out of a contract through one raw-call helper, the reader of their return data, and
//! the calls several contracts make (token balances, split deposits, license usage).
//!
//! Calldata is built word by word ([`crate::abi_words::call_data`] with a selector from
//! [`crate::interfaces`]) and results are read as words ([`Output`]), instead of one typed
//! `sol_interface!` stub and alloy decoder per function (kilobytes of WASM under the code-size
//! limit). A failed call is reported as [`ExternalCallFailed`] with the callee's revert data.

use alloc::vec::Vec;

use alloy_primitives::{b256, Address, Bytes, B256, U256};
use alloy_sol_types::SolCall;
use stylus_sdk::{
    prelude::Host,
    stylus_core::calls::{context::Call, errors::Error as CallError},
};

use crate::{
    abi_words::{call_data, Word},
    asset::model_of,
    errors::{ExternalCallFailed, SafeErc20FailedOperation},
    interfaces::{IErc20, ILicenseNft, IRevenueRouter, IRoyaltySplitter},
};

/// Whether an account whose `EXTCODEHASH` is `code_hash` has code: zero is an account that does
/// not exist, `keccak256("")` one without code.
#[must_use]
pub fn has_code(code_hash: B256) -> bool {
    !code_hash.is_zero() && code_hash != EMPTY_CODE_HASH
}

/// `keccak256("")`, the code hash of an account without code.
pub const EMPTY_CODE_HASH: B256 =
    b256!("c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");

/// Calls `target` with `data`: a static call when `value` is `None`, else a call sending
/// `value`. A revert (or a reply that cannot be read) becomes [`ExternalCallFailed`] carrying
/// the callee's revert data.
///
/// Inlined so the `dyn Host` calls are devirtualised at each call site (out of line the
/// compiler keeps the host's whole vtable).
#[inline]
pub fn call(
    vm: &dyn Host,
    target: Address,
    value: Option<U256>,
    data: &[u8],
) -> Result<Output, ExternalCallFailed> {
    let result = match value {
        None => vm.static_call(&Call::new(), target, data),
        Some(value) => vm.call(&Call::new().value(value), target, data),
    };
    result.map(Output).map_err(|error| failed(target, error))
}

/// [`ExternalCallFailed`] for a call to `target` that failed with `error`.
#[inline(never)]
#[must_use]
pub fn failed(target: Address, error: CallError) -> ExternalCallFailed {
    let reason = match error {
        // Leaked into a static `Bytes` rather than converted with `Bytes::from(Vec)`, which
        // links the `bytes` crate's shared-buffer machinery (measured: +1 KB of code in
        // `usage_escrow`). Nothing is lost: the error ends the call, and the program's memory
        // is discarded with it (the Stylus allocator never frees).
        CallError::Revert(data) => Bytes::from_static(data.leak()),
        CallError::AbiDecodingFailed(_) => Bytes::new(),
    };
    ExternalCallFailed { target, reason }
}

/// [`ExternalCallFailed`] with empty data: `target` answered, but not with what its declared
/// outputs promise.
#[must_use]
pub fn malformed(target: Address) -> ExternalCallFailed {
    ExternalCallFailed {
        target,
        reason: alloy_primitives::Bytes::new(),
    }
}

/// The return data of a call, read word by word.
pub struct Output(pub Vec<u8>);

impl Output {
    /// Word `index` (from byte `32 × index`), if present.
    #[must_use]
    pub fn word(&self, index: usize) -> Option<U256> {
        let start = index.checked_mul(32)?;
        let bytes = self.0.get(start..start.checked_add(32)?)?;
        Some(U256::from_be_slice(bytes))
    }

    /// The low 64 bits of word `index`, if present.
    #[must_use]
    pub fn low(&self, index: usize) -> Option<u64> {
        self.word(index).map(|word| word.as_limbs()[0])
    }

    /// The address in word `index`, if present.
    #[must_use]
    pub fn address(&self, index: usize) -> Option<Address> {
        self.word(index)
            .map(|word| Address::from_word(word.to_be_bytes::<32>().into()))
    }

    /// The first four bytes, if present (an ERC-1271 magic value).
    #[must_use]
    pub fn bytes4(&self) -> Option<[u8; 4]> {
        self.0.get(..4)?.try_into().ok()
    }

    /// Where a returned tuple of several dynamic values starts: word 0 in the standard
    /// encoding (whose first head word is then an offset larger than 32), or word 1 when the
    /// callee wrapped the tuple in one more offset (`0x20`), as stylus-sdk 0.9 contracts do:
    /// they encode a returned struct with `abi_encode` rather than `abi_encode_params`.
    #[must_use]
    pub fn tuple_base(&self) -> usize {
        usize::from(self.word(0) == Some(U256::from(32)))
    }

    /// The dynamic `uint` array whose offset is word `head` of a tuple starting at word `base`
    /// (both in words), if the offsets and the length point inside the data.
    #[must_use]
    pub fn uint_array(&self, base: usize, head: usize) -> Option<Vec<U256>> {
        let offset = usize::try_from(self.word(base.checked_add(head)?)?).ok()?;
        if offset % 32 != 0 {
            return None;
        }
        let start = base.checked_add(offset / 32)?;
        let len = usize::try_from(self.word(start)?).ok()?;
        // Bounded by the data before anything is allocated.
        if len > self.0.len() / 32 {
            return None;
        }
        (1..=len).map(|i| self.word(start + i)).collect()
    }
}

/// A token call with `SafeERC20` semantics (`OpenZeppelin`'s `SafeERC20`, without its
/// Stylus port's code): it must not revert, and must return `true` or nothing (then the token
/// must have code). Any failure is `SafeErc20FailedOperation(token)`.
///
/// # Errors
/// [`SafeErc20FailedOperation`].
#[inline]
pub fn safe_token_call(
    vm: &dyn Host,
    token: Address,
    calldata: &[u8],
) -> Result<(), SafeErc20FailedOperation> {
    let ok = match call(vm, token, Some(U256::ZERO), calldata) {
        Ok(out) if out.0.is_empty() => vm.code_size(token) > 0,
        Ok(out) => out.word(0) == Some(U256::from(1)),
        Err(_) => false,
    };
    if ok {
        Ok(())
    } else {
        Err(SafeErc20FailedOperation { token })
    }
}

/// `token.transfer(to, amount)` through [`safe_token_call`].
///
/// # Errors
/// [`SafeErc20FailedOperation`].
#[inline]
pub fn safe_transfer(
    vm: &dyn Host,
    token: Address,
    to: Address,
    amount: U256,
) -> Result<(), SafeErc20FailedOperation> {
    let data = call_data(IErc20::transferCall::SELECTOR, &[to.word(), amount.word()]);
    safe_token_call(vm, token, &data)
}

/// `token.transferFrom(from, to, amount)` through [`safe_token_call`].
///
/// # Errors
/// [`SafeErc20FailedOperation`].
#[inline]
pub fn safe_transfer_from(
    vm: &dyn Host,
    token: Address,
    from: Address,
    to: Address,
    amount: U256,
) -> Result<(), SafeErc20FailedOperation> {
    let data = call_data(
        IErc20::transferFromCall::SELECTOR,
        &[from.word(), to.word(), amount.word()],
    );
    safe_token_call(vm, token, &data)
}

/// Sets `spender`'s allowance of `token` to `amount`, first resetting it to zero if the token
/// refuses a direct change (`OpenZeppelin`'s `forceApprove`).
///
/// # Errors
/// [`SafeErc20FailedOperation`].
#[inline]
pub fn force_approve(
    vm: &dyn Host,
    token: Address,
    spender: Address,
    amount: U256,
) -> Result<(), SafeErc20FailedOperation> {
    let approve = |value: U256| {
        call_data(
            IErc20::approveCall::SELECTOR,
            &[spender.word(), value.word()],
        )
    };
    if safe_token_call(vm, token, &approve(amount)).is_ok() {
        return Ok(());
    }
    safe_token_call(vm, token, &approve(U256::ZERO))?;
    safe_token_call(vm, token, &approve(amount))
}

/// `token.balanceOf(account)`.
#[inline]
pub fn token_balance(
    vm: &dyn Host,
    token: Address,
    account: Address,
) -> Result<U256, ExternalCallFailed> {
    let data = call_data(IErc20::balanceOfCall::SELECTOR, &[account.word()]);
    call(vm, token, None, &data)?
        .word(0)
        .ok_or_else(|| malformed(token))
}

/// Deposits `amount` into split `split_id` of `splitter`: `deposit{value: amount}` for the
/// native currency (`token` zero), else `depositToken(splitId, token, amount)`, which pulls the
/// amount the caller approved to the splitter beforehand.
#[inline]
pub fn deposit_into_split(
    vm: &dyn Host,
    splitter: Address,
    split_id: U256,
    token: Address,
    amount: U256,
) -> Result<(), ExternalCallFailed> {
    let (value, data) = if token.is_zero() {
        (
            amount,
            call_data(IRoyaltySplitter::depositCall::SELECTOR, &[split_id.word()]),
        )
    } else {
        (
            U256::ZERO,
            call_data(
                IRoyaltySplitter::depositTokenCall::SELECTOR,
                &[split_id.word(), token.word(), amount.word()],
            ),
        )
    };
    call(vm, splitter, Some(value), &data).map(drop)
}

/// Where revenue for `destination` is paid ([`crate::asset`]): the router for a model's route
/// (`2^63 + modelId`), else the splitter. ERC-20 amounts are approved to this address before
/// [`pay`].
#[must_use]
pub fn payee(splitter: Address, router: Address, destination: U256) -> Address {
    if model_of(destination).is_some() {
        router
    } else {
        splitter
    }
}

/// Pays `amount` of `token` (zero = native) to `destination`: a split
/// ([`deposit_into_split`]), or a model's revenue route, `router.reportRevenue{value}(modelId)`
/// / `reportRevenueToken(modelId, token, amount)` (the router pulls what was approved to it),
/// which routes it up the model's lineage.
#[inline]
pub fn pay(
    vm: &dyn Host,
    splitter: Address,
    router: Address,
    destination: U256,
    token: Address,
    amount: U256,
) -> Result<(), ExternalCallFailed> {
    let Some(model_id) = model_of(destination) else {
        return deposit_into_split(vm, splitter, destination, token, amount);
    };
    let (value, data) = if token.is_zero() {
        (
            amount,
            call_data(
                IRevenueRouter::reportRevenueCall::SELECTOR,
                &[model_id.word()],
            ),
        )
    } else {
        (
            U256::ZERO,
            call_data(
                IRevenueRouter::reportRevenueTokenCall::SELECTOR,
                &[model_id.word(), token.word(), amount.word()],
            ),
        )
    };
    call(vm, router, Some(value), &data).map(drop)
}

/// What `ILicenseNft.licenseUsage(tokenId)` answers, as the usage anchor and the usage escrow
/// read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LicenseUsage {
    /// Dataset the license covers.
    pub dataset_id: U256,
    /// The dataset's split, where fees go.
    pub split_id: U256,
    /// Granted scope bits.
    pub scope: U256,
    /// Start of validity (unix seconds).
    pub starts_at: u64,
    /// End of validity, exclusive; 0 = perpetual.
    pub expires_at: u64,
    /// When its arbiter revoked it (unix seconds); 0 = never. Usage before it stays billable.
    pub revoked_at: u64,
    /// Fee currency; zero = native.
    pub payment_token: Address,
    /// Metering unit.
    pub usage_unit: u8,
    /// Fee per unit.
    pub usage_rate: U256,
}

impl LicenseUsage {
    /// Reads license `license_id`'s usage terms from license contract `nft`: nine static words,
    /// else [`ExternalCallFailed`] (a revert keeps its data, a short answer has none).
    #[inline]
    pub fn read(vm: &dyn Host, nft: Address, license_id: U256) -> Result<Self, ExternalCallFailed> {
        let data = call_data(
            ILicenseNft::licenseUsageCall::SELECTOR,
            &[license_id.word()],
        );
        Self::decode(&call(vm, nft, None, &data)?).ok_or_else(|| malformed(nft))
    }

    /// The terms in a `licenseUsage` answer, if it holds all nine words.
    #[must_use]
    pub fn decode(out: &Output) -> Option<Self> {
        Some(Self {
            dataset_id: out.word(0)?,
            split_id: out.word(1)?,
            scope: out.word(2)?,
            starts_at: out.low(3)?,
            expires_at: out.low(4)?,
            revoked_at: out.low(5)?,
            payment_token: out.address(6)?,
            usage_unit: out.word(7)?.byte(0),
            usage_rate: out.word(8)?,
        })
    }
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
            assert_eq!(out.uint_array(base, 0), Some(value.0.clone()));
            assert_eq!(
                out.uint_array(base, 1),
                Some(vec![U256::from(500), U256::from(1_000)])
            );
        }
        let single = sol_data::Array::<sol_data::Uint<256>>::abi_encode(&vec![U256::from(3)]);
        assert_eq!(Output(single).uint_array(0, 0), Some(vec![U256::from(3)]));
        // Truncated data, and a length beyond the data, fail instead of panicking.
        assert_eq!(Output(vec![0; 31]).uint_array(0, 0), None);
        assert_eq!(
            Output(U256::from(32).to_be_bytes_vec()).uint_array(0, 0),
            None
        );
        let mut huge = U256::from(32).to_be_bytes_vec();
        huge.extend_from_slice(&U256::MAX.to_be_bytes::<32>());
        assert_eq!(Output(huge).uint_array(0, 0), None);
    }

    #[test]
    fn reads_words_addresses_and_magic_values() {
        let mut data = Address::repeat_byte(7).into_word().to_vec();
        data.extend_from_slice(&U256::from(u64::MAX).to_be_bytes::<32>());
        let out = Output(data);
        assert_eq!(out.address(0), Some(Address::repeat_byte(7)));
        assert_eq!(out.low(1), Some(u64::MAX));
        assert_eq!(out.word(2), None);
        assert_eq!(out.bytes4(), Some([0; 4]));
        assert_eq!(Output(vec![1, 2, 3]).bytes4(), None);
    }
}
