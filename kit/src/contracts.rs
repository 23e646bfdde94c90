//! The Tributary contracts: as the build knows them (package, crate directory, interface name)
//! and as deployment knows them (a [`Contract`] name, and [`Contracts`] holding one value per
//! contract), so that naming a contract that does not exist is a compile error.

use serde::{Deserialize, Serialize};

/// One contract crate of the workspace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ContractCrate {
    /// Cargo package name (`royalty-splitter`).
    pub package: &'static str,
    /// Directory under `contracts/` and stem of the built `.wasm` (`royalty_splitter`).
    pub dir: &'static str,
    /// Name of the exported Solidity interface (`IRoyaltySplitter`).
    pub interface: &'static str,
}

/// Every contract crate, in the order the build and its size table list them (deployment order
/// is [`Contract::DEPLOY_ORDER`]).
pub const CONTRACTS: [ContractCrate; 10] = [
    Contract::RoyaltySplitter.krate(),
    Contract::AttributionRegistry.krate(),
    Contract::RevenueRouter.krate(),
    Contract::ModelNft.krate(),
    Contract::LicenseNft.krate(),
    Contract::LicenseOffers.krate(),
    Contract::UsageEscrow.krate(),
    Contract::UsageAnchor.krate(),
    Contract::UsageDisputes.krate(),
    Contract::Datanets.krate(),
];

impl ContractCrate {
    /// Looks a contract up by package or directory name.
    pub fn find(name: &str) -> Option<Self> {
        CONTRACTS
            .into_iter()
            .find(|c| c.package == name || c.dir == name)
    }

    /// Path of the committed Solidity interface, relative to the workspace root.
    pub fn interface_path(&self) -> String {
        format!("contracts/{}/{}.sol", self.dir, self.interface)
    }
}

/// One of the ten deployed contracts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Contract {
    /// `RoyaltySplitter`.
    RoyaltySplitter,
    /// `AttributionRegistry`.
    AttributionRegistry,
    /// `LicenseNft`.
    LicenseNft,
    /// `LicenseOffers`.
    LicenseOffers,
    /// `RevenueRouter`.
    RevenueRouter,
    /// `UsageEscrow`.
    UsageEscrow,
    /// `UsageAnchor`.
    UsageAnchor,
    /// `UsageDisputes`.
    UsageDisputes,
    /// `ModelNft`.
    ModelNft,
    /// `Datanets`.
    Datanets,
}

impl Contract {
    /// Every contract in deployment order: each is constructed with the addresses of contracts
    /// before it (see `crate::deploy`).
    pub const DEPLOY_ORDER: [Self; 10] = [
        Self::RoyaltySplitter,
        Self::AttributionRegistry,
        Self::LicenseNft,
        Self::RevenueRouter,
        Self::LicenseOffers,
        Self::UsageEscrow,
        Self::UsageAnchor,
        Self::UsageDisputes,
        Self::ModelNft,
        Self::Datanets,
    ];

    /// Its crate.
    pub const fn krate(self) -> ContractCrate {
        let (package, dir, interface) = match self {
            Self::RoyaltySplitter => ("royalty-splitter", "royalty_splitter", "IRoyaltySplitter"),
            Self::AttributionRegistry => (
                "attribution-registry",
                "attribution_registry",
                "IAttributionRegistry",
            ),
            Self::LicenseNft => ("license-nft", "license_nft", "ILicenseNft"),
            Self::LicenseOffers => ("license-offers", "license_offers", "ILicenseOffers"),
            Self::RevenueRouter => ("revenue-router", "revenue_router", "IRevenueRouter"),
            Self::UsageEscrow => ("usage-escrow", "usage_escrow", "IUsageEscrow"),
            Self::UsageAnchor => ("usage-anchor", "usage_anchor", "IUsageAnchor"),
            Self::UsageDisputes => ("usage-disputes", "usage_disputes", "IUsageDisputes"),
            Self::ModelNft => ("model-nft", "model_nft", "IModelNft"),
            Self::Datanets => ("datanets", "datanets", "IDatanets"),
        };
        ContractCrate {
            package,
            dir,
            interface,
        }
    }

    /// Its directory name (`royalty_splitter`), the key of deployment files.
    pub const fn dir(self) -> &'static str {
        self.krate().dir
    }

    /// The contract whose directory name is `dir`.
    pub fn from_dir(dir: &str) -> Result<Self, UnknownContract> {
        Self::DEPLOY_ORDER
            .into_iter()
            .find(|c| c.dir() == dir)
            .ok_or_else(|| UnknownContract(dir.to_owned()))
    }
}

impl std::fmt::Display for Contract {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.dir())
    }
}

/// A name that is not one of the ten contracts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownContract(pub String);

impl std::fmt::Display for UnknownContract {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<&str> = Contract::DEPLOY_ORDER.iter().map(|c| c.dir()).collect();
        write!(
            f,
            "no contract named {:?} (the contracts: {})",
            self.0,
            names.join(", ")
        )
    }
}

impl std::error::Error for UnknownContract {}

/// One value per contract (a program, a deployed address, …), a field each: a deployment
/// cannot lack a contract. Serialised as an object keyed by directory name, in alphabetical
/// order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contracts<T> {
    /// `attribution_registry`.
    pub attribution_registry: T,
    /// `datanets`.
    pub datanets: T,
    /// `license_nft`.
    pub license_nft: T,
    /// `license_offers`.
    pub license_offers: T,
    /// `model_nft`.
    pub model_nft: T,
    /// `revenue_router`.
    pub revenue_router: T,
    /// `royalty_splitter`.
    pub royalty_splitter: T,
    /// `usage_anchor`.
    pub usage_anchor: T,
    /// `usage_disputes`.
    pub usage_disputes: T,
    /// `usage_escrow`.
    pub usage_escrow: T,
}

impl<T> Contracts<T> {
    /// The value of `contract`.
    pub const fn get(&self, contract: Contract) -> &T {
        match contract {
            Contract::RoyaltySplitter => &self.royalty_splitter,
            Contract::AttributionRegistry => &self.attribution_registry,
            Contract::LicenseNft => &self.license_nft,
            Contract::LicenseOffers => &self.license_offers,
            Contract::RevenueRouter => &self.revenue_router,
            Contract::UsageEscrow => &self.usage_escrow,
            Contract::UsageAnchor => &self.usage_anchor,
            Contract::UsageDisputes => &self.usage_disputes,
            Contract::ModelNft => &self.model_nft,
            Contract::Datanets => &self.datanets,
        }
    }

    /// Asks `value` for each contract in deployment order; the first error stops it.
    pub fn try_from_fn<E>(mut value: impl FnMut(Contract) -> Result<T, E>) -> Result<Self, E> {
        Ok(Self {
            royalty_splitter: value(Contract::RoyaltySplitter)?,
            attribution_registry: value(Contract::AttributionRegistry)?,
            license_nft: value(Contract::LicenseNft)?,
            revenue_router: value(Contract::RevenueRouter)?,
            license_offers: value(Contract::LicenseOffers)?,
            usage_escrow: value(Contract::UsageEscrow)?,
            usage_anchor: value(Contract::UsageAnchor)?,
            usage_disputes: value(Contract::UsageDisputes)?,
            model_nft: value(Contract::ModelNft)?,
            datanets: value(Contract::Datanets)?,
        })
    }

    /// Each contract with its value, in deployment order.
    pub fn iter(&self) -> impl Iterator<Item = (Contract, &T)> {
        Contract::DEPLOY_ORDER.into_iter().map(|c| (c, self.get(c)))
    }

    /// The same contracts with `f` applied to each value.
    pub fn map<U>(&self, mut f: impl FnMut(&T) -> U) -> Contracts<U> {
        Contracts {
            attribution_registry: f(&self.attribution_registry),
            datanets: f(&self.datanets),
            license_nft: f(&self.license_nft),
            license_offers: f(&self.license_offers),
            model_nft: f(&self.model_nft),
            revenue_router: f(&self.revenue_router),
            royalty_splitter: f(&self.royalty_splitter),
            usage_anchor: f(&self.usage_anchor),
            usage_disputes: f(&self.usage_disputes),
            usage_escrow: f(&self.usage_escrow),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_contract_names_its_own_crate_and_back() {
        for contract in Contract::DEPLOY_ORDER {
            assert_eq!(Contract::from_dir(contract.dir()), Ok(contract));
            assert_eq!(ContractCrate::find(contract.dir()), Some(contract.krate()));
        }
        let dirs: Vec<&str> = Contract::DEPLOY_ORDER.iter().map(|c| c.dir()).collect();
        let mut crates: Vec<&str> = CONTRACTS.iter().map(|c| c.dir).collect();
        let mut sorted = dirs.clone();
        sorted.sort_unstable();
        crates.sort_unstable();
        assert_eq!(sorted, crates, "each crate is one contract");
    }

    #[test]
    fn a_misspelt_contract_is_a_clear_error() {
        assert_eq!(
            Contract::from_dir("usage_anchr").unwrap_err().to_string(),
            "no contract named \"usage_anchr\" (the contracts: royalty_splitter, \
             attribution_registry, license_nft, revenue_router, license_offers, usage_escrow, \
             usage_anchor, usage_disputes, model_nft, datanets)"
        );
    }

    #[test]
    fn values_are_found_by_contract_and_serialised_by_directory_name() {
        let numbers = Contracts::try_from_fn(|c| Ok::<_, ()>(c as u8)).unwrap();
        for contract in Contract::DEPLOY_ORDER {
            assert_eq!(*numbers.get(contract), contract as u8);
        }
        assert_eq!(
            serde_json::to_string(&numbers).unwrap(),
            "{\"attribution_registry\":1,\"datanets\":9,\"license_nft\":2,\"license_offers\":3,\
             \"model_nft\":8,\"revenue_router\":4,\"royalty_splitter\":0,\"usage_anchor\":6,\
             \"usage_disputes\":7,\"usage_escrow\":5}"
        );
        assert_eq!(numbers.map(|n| n * 2).usage_anchor, 12);
    }
}
