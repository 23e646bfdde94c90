//! What the gateway reads from the chain (all `eth_call`s through alloy): the dataset's
//! registered content hash, who may use a license, and ERC-1271 signatures of contract
//! wallets.

use alloy::{
    network::TransactionBuilder,
    primitives::{Address, Bytes, B256, U256},
    providers::{DynProvider, Provider, ProviderBuilder},
    rpc::types::TransactionRequest,
    sol,
    sol_types::SolCall,
};
use tributary_kit::contracts_abi::{
    attribution_registry::IAttributionRegistry, license_nft::ILicenseNft,
};

sol! {
    /// ERC-1271.
    function isValidSignature(bytes32 hash, bytes signature) external view returns (bytes4);
}

/// The ERC-1271 magic value.
pub const ERC1271_MAGIC: [u8; 4] = [0x16, 0x26, 0xba, 0x7e];

/// Why a wallet may not use a license (each is a 403 with this code, see `docs/gateway.md`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Denial {
    /// No such license.
    UnknownLicense,
    /// The license is for another dataset.
    WrongDataset,
    /// The license does not grant every requested scope bit.
    WrongScope,
    /// The license is revoked, expired or in debt.
    LicenseInvalid,
    /// The wallet is neither the owner (when not rented) nor the current user.
    NotHolder,
    /// The wallet owns the license but it is rented out to someone else.
    RentedOut,
}

impl Denial {
    /// The stable error code.
    pub fn code(self) -> &'static str {
        match self {
            Self::UnknownLicense => "unknown_license",
            Self::WrongDataset => "wrong_dataset",
            Self::WrongScope => "wrong_scope",
            Self::LicenseInvalid => "license_invalid",
            Self::NotHolder => "not_license_holder",
            Self::RentedOut => "license_rented_out",
        }
    }
}

/// A license a wallet may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Grant {
    /// The license's usage unit.
    pub unit: u8,
    /// When the license expires (0 never).
    pub expires_at: u64,
    /// When the wallet's rental ends (0 if it is the owner).
    pub user_expires: u64,
    /// The head block's timestamp when checked: the expiries are in chain time, which may
    /// differ from the gateway's clock.
    pub chain_now: u64,
}

/// The chain as the gateway reads it.
#[derive(Clone)]
pub struct Chain {
    provider: DynProvider,
    /// The license contract.
    pub license_nft: Address,
    /// The attribution registry.
    pub registry: Address,
}

impl std::fmt::Debug for Chain {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Chain")
            .field("license_nft", &self.license_nft)
            .field("registry", &self.registry)
            .finish_non_exhaustive()
    }
}

/// A failed call: `Revert` when the node answered with an error, `Rpc` when it did not answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallError {
    /// The call reverted.
    Revert,
    /// The chain could not be reached or the answer did not decode.
    Rpc(String),
}

impl std::fmt::Display for CallError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Revert => f.write_str("the call reverted"),
            Self::Rpc(e) => f.write_str(e),
        }
    }
}

impl std::error::Error for CallError {}

impl Chain {
    /// Connects to `rpc_url`.
    ///
    /// # Errors
    /// A malformed URL.
    pub fn connect(rpc_url: &str, license_nft: Address, registry: Address) -> Result<Self, String> {
        let url = rpc_url
            .parse()
            .map_err(|e| format!("invalid RPC URL {rpc_url}: {e}"))?;
        let provider = DynProvider::new(ProviderBuilder::new().on_http(url));
        Ok(Self {
            provider,
            license_nft,
            registry,
        })
    }

    /// The provider.
    pub fn provider(&self) -> &DynProvider {
        &self.provider
    }

    /// The chain id.
    ///
    /// # Errors
    /// RPC failures.
    pub async fn chain_id(&self) -> Result<u64, CallError> {
        self.provider
            .get_chain_id()
            .await
            .map_err(|e| CallError::Rpc(e.to_string()))
    }

    async fn view<C: SolCall>(&self, to: Address, call: &C) -> Result<C::Return, CallError> {
        let request = TransactionRequest::default()
            .with_to(to)
            .with_input(call.abi_encode());
        let out = self.provider.call(&request).await.map_err(|e| {
            if e.as_error_resp().is_some() {
                CallError::Revert
            } else {
                CallError::Rpc(e.to_string())
            }
        })?;
        C::abi_decode_returns(&out, true).map_err(|e| CallError::Rpc(e.to_string()))
    }

    /// The latest registered content hash of dataset `id`.
    ///
    /// # Errors
    /// [`CallError::Revert`] for an unknown dataset.
    pub async fn content_hash(&self, id: U256) -> Result<B256, CallError> {
        let d = self
            .view(
                self.registry,
                &IAttributionRegistry::datasetCall { dataset_id: id },
            )
            .await?;
        Ok(d._3)
    }

    /// Whether `wallet` may use `license` for `scope` on `dataset` now.
    ///
    /// The holder is the current ERC-4907 user while the license is rented (the owner may not
    /// use it then), else the owner.
    ///
    /// # Errors
    /// `Ok(Err(denial))` when it may not; `Err` when the chain cannot tell.
    pub async fn check_license(
        &self,
        license: U256,
        wallet: Address,
        scope: U256,
        dataset: U256,
    ) -> Result<Result<Grant, Denial>, CallError> {
        let nft = self.license_nft;
        let usage = match self
            .view(nft, &ILicenseNft::licenseUsageCall { token_id: license })
            .await
        {
            Ok(u) => u,
            Err(CallError::Revert) => return Ok(Err(Denial::UnknownLicense)),
            Err(e) => return Err(e),
        };
        if usage._0 != dataset {
            return Ok(Err(Denial::WrongDataset));
        }
        if scope.is_zero() || usage._2 & scope != scope {
            return Ok(Err(Denial::WrongScope));
        }
        let valid = self
            .view(
                nft,
                &ILicenseNft::isValidCall {
                    token_id: license,
                    scope,
                },
            )
            .await?
            ._0;
        if !valid {
            return Ok(Err(Denial::LicenseInvalid));
        }
        let user = self
            .view(nft, &ILicenseNft::userOfCall { token_id: license })
            .await?
            ._0;
        let owner = match self
            .view(nft, &ILicenseNft::ownerOfCall { token_id: license })
            .await
        {
            Ok(o) => o._0,
            Err(CallError::Revert) => return Ok(Err(Denial::UnknownLicense)),
            Err(e) => return Err(e),
        };
        let user_expires = if user.is_zero() {
            if owner != wallet {
                return Ok(Err(Denial::NotHolder));
            }
            0
        } else {
            if user != wallet {
                return Ok(Err(if owner == wallet {
                    Denial::RentedOut
                } else {
                    Denial::NotHolder
                }));
            }
            self.view(nft, &ILicenseNft::userExpiresCall { token_id: license })
                .await?
                ._0
        };
        let chain_now = self
            .provider
            .get_block_by_number(alloy::eips::BlockNumberOrTag::Latest, false.into())
            .await
            .map_err(|e| CallError::Rpc(e.to_string()))?
            .map_or(0, |b| b.header.timestamp);
        Ok(Ok(Grant {
            unit: usage._7,
            expires_at: usage._4,
            user_expires,
            chain_now,
        }))
    }

    /// Whether contract wallet `wallet` accepts `signature` over `hash` (ERC-1271); `false`
    /// for accounts without code.
    ///
    /// # Errors
    /// RPC failures.
    pub async fn erc1271_valid(
        &self,
        wallet: Address,
        hash: B256,
        signature: &[u8],
    ) -> Result<bool, CallError> {
        let code = self
            .provider
            .get_code_at(wallet)
            .await
            .map_err(|e| CallError::Rpc(e.to_string()))?;
        if code.is_empty() {
            return Ok(false);
        }
        let call = isValidSignatureCall {
            hash,
            signature: Bytes::copy_from_slice(signature),
        };
        let request = TransactionRequest::default()
            .with_to(wallet)
            .with_input(call.abi_encode());
        match self.provider.call(&request).await {
            // Exactly one word, the magic value left-aligned: anything else (nothing, a
            // right-aligned value, a revert) is a refusal.
            Ok(out) => Ok(out.len() == 32
                && out[..4] == ERC1271_MAGIC
                && out[4..].iter().all(|&b| b == 0)),
            Err(e) if e.as_error_resp().is_some() => Ok(false),
            Err(e) => Err(CallError::Rpc(e.to_string())),
        }
    }
}
