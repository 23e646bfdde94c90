//! The Tributary contracts as the build knows them: package, crate directory, interface name.

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

/// Every deployable contract, in deployment order.
pub const CONTRACTS: [ContractCrate; 7] = [
    ContractCrate {
        package: "royalty-splitter",
        dir: "royalty_splitter",
        interface: "IRoyaltySplitter",
    },
    ContractCrate {
        package: "attribution-registry",
        dir: "attribution_registry",
        interface: "IAttributionRegistry",
    },
    ContractCrate {
        package: "revenue-router",
        dir: "revenue_router",
        interface: "IRevenueRouter",
    },
    ContractCrate {
        package: "license-nft",
        dir: "license_nft",
        interface: "ILicenseNft",
    },
    ContractCrate {
        package: "license-offers",
        dir: "license_offers",
        interface: "ILicenseOffers",
    },
    ContractCrate {
        package: "usage-escrow",
        dir: "usage_escrow",
        interface: "IUsageEscrow",
    },
    ContractCrate {
        package: "usage-anchor",
        dir: "usage_anchor",
        interface: "IUsageAnchor",
    },
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
