//! Selling licenses: `mint` checks the offer and the payment, counts the license, has
//! `LicenseNft` issue the token, then routes the whole price into the dataset's split, or for a
//! model's offer into the model's revenue route (the revenue router's `reportRevenue`, so the
//! model's lineage takes its royalties on the sale).
//!
//! Native prices are forwarded with `deposit{value}`. ERC-20 prices are pulled from the payer
//! into this contract (`SafeERC20`), approved to the splitter and deposited with
//! `depositToken`; what is deposited is what this contract actually received (balance delta),
//! so fee-on-transfer tokens work. The contract never keeps a balance between calls.

use alloy_primitives::{Address, U256};
use alloy_sol_types::SolCall;
use openzeppelin_stylus::token::{
    erc20::utils::safe_erc20::{ISafeErc20, SafeErc20FailedOperation},
    erc721::ERC721InvalidReceiver,
};
use stylus_sdk::prelude::*;
use tributary_abi::{
    abi_words::{call_data, Word},
    asset::model_of,
    calls::{call, pay, payee, token_balance},
    interfaces::ILicenseNft,
    packed::{above_address, license_token_id, limb, word_address},
};

use crate::{
    errors::{
        overflow, Error, IncorrectPayment, OfferIsPaused, OfferIsRetired, OfferSoldOut,
        PriceAboveMax,
    },
    events::{emit, LicenseIssued},
    store::{duration, max_supply, minted, with_counts, Field, PAUSED, RETIRED},
    LicenseOffers,
};

/// The expiry of a license minted at `now` for `duration` seconds (0 = perpetual).
///
/// # Errors
/// [`crate::errors::ArithmeticOverflow`] past `u64::MAX`.
pub fn expiry(now: u64, duration: u64) -> Result<u64, Error> {
    if duration == 0 {
        return Ok(0);
    }
    now.checked_add(duration).ok_or_else(overflow)
}

impl LicenseOffers {
    /// Sells a license of `offer_id` to `to` (see `mint` in the router for the rules).
    pub(crate) fn mint_license(
        &mut self,
        offer_id: U256,
        to: Address,
        max_price: U256,
    ) -> Result<U256, Error> {
        let supply = self.supply_of(offer_id)?;
        if limb(supply, 3) & RETIRED != 0 {
            return Err(OfferIsRetired { offerId: offer_id }.into());
        }
        if limb(supply, 3) & PAUSED != 0 {
            return Err(OfferIsPaused { offerId: offer_id }.into());
        }
        let payment = self.read(Field::Payment, offer_id);
        let price = above_address(payment);
        if price > max_price {
            return Err(PriceAboveMax {
                price,
                maxPrice: max_price,
            }
            .into());
        }
        let token = word_address(payment);
        let value = self.vm().msg_value();
        let expected = if token.is_zero() { price } else { U256::ZERO };
        if value != expected {
            return Err(IncorrectPayment {
                expected,
                received: value,
            }
            .into());
        }
        // Supply counts are u32: `maxSupply` is a uint32 and `minted` never passes it or 2^32-1.
        let minted = minted(supply).checked_add(1).ok_or_else(overflow)?;
        let max_supply = max_supply(supply);
        if max_supply != 0 && minted > max_supply {
            return Err(OfferSoldOut {
                offerId: offer_id,
                maxSupply: max_supply,
            }
            .into());
        }
        if to.is_zero() {
            return Err(ERC721InvalidReceiver { receiver: to }.into());
        }
        let destination = U256::from(limb(supply, 2));
        let expires_at = expiry(self.vm().block_timestamp(), duration(supply))?;

        // Effects: count before any external call.
        self.write(
            Field::Supply,
            offer_id,
            with_counts(supply, max_supply, minted),
        );

        // Interactions: the token (trusted contract), then the whole price into the split. The
        // token id names the offer and this sale's serial (`packed::license_token_id`); offer ids
        // are counted in a u64 here, and `minted` never passes u32::MAX.
        let token_id = license_token_id(limb(offer_id, 0), minted);
        let nft = self.license_nft.get();
        call(
            self.vm(),
            nft,
            Some(U256::ZERO),
            &call_data(
                ILicenseNft::issueCall::SELECTOR,
                &[to.word(), token_id.word(), expires_at.word()],
            ),
        )?;
        let payer = self.vm().msg_sender();
        emit(
            self.vm(),
            &LicenseIssued {
                tokenId: token_id,
                offerId: offer_id,
                licensee: to,
                payer,
                price,
                expiresAt: expires_at,
            },
        );
        self.route_payment(payer, destination, token, price)?;
        Ok(token_id)
    }

    /// Moves `price` of `token` (zero = native, already received as `msg.value`) from `payer`
    /// to revenue destination `destination`: a split, or a model's revenue route
    /// (`tributary_abi::calls::pay`).
    pub(crate) fn route_payment(
        &mut self,
        payer: Address,
        destination: U256,
        token: Address,
        price: U256,
    ) -> Result<(), Error> {
        if price.is_zero() {
            return Ok(());
        }
        // The router is read only for a model's route (a cold read costs 2,100 gas).
        let router = if model_of(destination).is_some() {
            self.router.get()
        } else {
            Address::ZERO
        };
        let splitter = self.splitter.get();
        if token.is_zero() {
            return Ok(pay(self.vm(), splitter, router, destination, token, price)?);
        }

        let this = self.vm().contract_address();
        let before = token_balance(self.vm(), token, this)?;
        let failed = |_| Error::from(SafeErc20FailedOperation { token });
        self.safe_erc20
            .safe_transfer_from(token, payer, this, price)
            .map_err(failed)?;
        let after = token_balance(self.vm(), token, this)?;
        let received = after.checked_sub(before).ok_or_else(overflow)?;
        self.safe_erc20
            .force_approve(token, payee(splitter, router, destination), received)
            .map_err(failed)?;
        Ok(pay(
            self.vm(),
            splitter,
            router,
            destination,
            token,
            received,
        )?)
    }
}
