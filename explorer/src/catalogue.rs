//! The catalogue: every event every contract emits, as Solidity event signatures (with
//! `indexed` markers and parameter names), per contract, and the generic decoder that turns a
//! log into named arguments (`docs/explorer.md` §1).
//!
//! The source of truth is each contract's `contracts/<dir>/src/events.rs` plus the
//! `OpenZeppelin` components it embeds: ERC-721 `Transfer` / `Approval` / `ApprovalForAll`
//! (`license_nft`, `model_nft`), `Ownable` / `Ownable2Step` `OwnershipTransferred` /
//! `OwnershipTransferStarted` (`royalty_splitter`, `license_nft`, `usage_disputes`: two-step;
//! `usage_escrow`: one-step, at construction and when it renounces; `attribution_registry` emits
//! `OwnershipTransferred` itself at construction; `usage_anchor` declares both in its own
//! events), `Pausable` `Paused` / `Unpaused` (`royalty_splitter`). EIP-4906 `MetadataUpdate` is
//! `model_nft`'s own declaration (`_tokenId`, as EIP-4906 names it); no contract emits
//! `BatchMetadataUpdate`, so it is not catalogued. `tests/catalogue.rs` checks every entry
//! against the contracts' `sol!` types.
//!
//! Argument values in `args` (`docs/explorer.md`): integers as decimal strings, addresses
//! checksummed `0x` hex, bytes and hashes lowercase `0x` hex, arrays as JSON arrays, booleans
//! as JSON booleans, strings as JSON strings.

use std::collections::HashMap;

use alloy::{
    dyn_abi::{DynSolEvent, DynSolValue, Specifier},
    json_abi::Event,
    primitives::{hex, Address, LogData, B256},
};
use serde_json::{Map, Value};
use tributary_kit::contracts::Contract;

/// ERC-721 events (`OpenZeppelin`'s `Erc721`), with `OpenZeppelin` Solidity's parameter names.
const ERC721: [&str; 3] = [
    "event Transfer(address indexed from, address indexed to, uint256 indexed tokenId)",
    "event Approval(address indexed owner, address indexed approved, uint256 indexed tokenId)",
    "event ApprovalForAll(address indexed owner, address indexed operator, bool approved)",
];
/// `Ownable`'s event.
const OWNERSHIP_TRANSFERRED: &str =
    "event OwnershipTransferred(address indexed previousOwner, address indexed newOwner)";
/// `Ownable2Step`'s extra event.
const OWNERSHIP_TRANSFER_STARTED: &str =
    "event OwnershipTransferStarted(address indexed previousOwner, address indexed newOwner)";

/// The events of `contract`, as Solidity signatures (`event Name(type [indexed] name, …)`).
#[allow(clippy::too_many_lines)] // one list, contract by contract
pub fn signatures(contract: Contract) -> Vec<&'static str> {
    let mut events: Vec<&'static str> = match contract {
        Contract::RoyaltySplitter => vec![
            "event SplitCreated(uint256 indexed split_id, address indexed creator, address indexed controller)",
            "event SplitRecipientsSet(uint256 indexed split_id, uint32 indexed version, address[] recipients, uint256[] shares)",
            "event SplitMerkleRootSet(uint256 indexed split_id, uint32 indexed version, bytes32 root, uint256 total_shares)",
            "event SplitControllerChanged(uint256 indexed split_id, address indexed previous, address indexed controller)",
            "event SplitDeposited(uint256 indexed split_id, address indexed token, address indexed from, uint256 amount)",
            "event SplitMemberRegistered(uint256 indexed split_id, uint32 indexed version, address indexed member, uint256 shares)",
            "event SplitWithdrawn(uint256 indexed split_id, address indexed recipient, address indexed token, uint32 version, uint256 amount)",
            "event SplitReceiverCreated(uint256 indexed split_id, address receiver)",
            OWNERSHIP_TRANSFER_STARTED,
            OWNERSHIP_TRANSFERRED,
            "event Paused(address account)",
            "event Unpaused(address account)",
        ],
        Contract::AttributionRegistry => vec![
            "event LicenseNftSet(address indexed license)",
            "event DatasetRegistered(uint256 indexed datasetId, address indexed owner, bytes32 indexed contentHash, uint256 splitId, string uri)",
            "event VersionPublished(uint256 indexed datasetId, uint256 indexed version, bytes32 indexed contentHash, string uri)",
            "event DatasetOwnershipTransferStarted(uint256 indexed datasetId, address indexed previousOwner, address indexed newOwner)",
            "event DatasetOwnershipTransferred(uint256 indexed datasetId, address indexed previousOwner, address indexed newOwner)",
            "event ContributorsUpdated(uint256 indexed datasetId, uint256 indexed splitId)",
            "event ModelRegistered(uint256 indexed modelId, address indexed owner, bytes32 indexed modelHash, uint256 splitId, uint8 depth, string uri)",
            "event ModelContributorsUpdated(uint256 indexed modelId, uint256 indexed splitId)",
            "event ModelVersionPublished(uint256 indexed modelId, uint256 indexed version, bytes32 indexed modelHash, string uri)",
            "event ModelNftSet(address indexed models)",
            "event ModelHolderChanged(uint256 indexed modelId, address indexed from, address indexed to, uint256 splitId)",
            OWNERSHIP_TRANSFERRED,
        ],
        Contract::LicenseNft => vec![
            "event OfferTermsRegistered(uint256 indexed offerId, uint256 indexed datasetId)",
            "event LicenseRevoked(uint256 indexed tokenId, address indexed arbiter, bytes32 reason)",
            "event DebtSet(uint256 indexed tokenId, bool inDebt)",
            "event UsageAnchorSet(address indexed usageAnchor)",
            "event LicenseOffersSet(address indexed licenseOffers)",
            "event UpdateUser(uint256 indexed tokenId, address indexed user, uint64 expires)",
            ERC721[0],
            ERC721[1],
            ERC721[2],
            OWNERSHIP_TRANSFER_STARTED,
            OWNERSHIP_TRANSFERRED,
        ],
        Contract::LicenseOffers => vec![
            "event OfferCreated(uint256 indexed offerId, uint256 indexed datasetId, address indexed creator, uint256 splitId, address royaltyReceiver, bytes32 termsHash)",
            "event OfferUpdated(uint256 indexed offerId, uint256 price, uint32 maxSupply)",
            "event OfferPaused(uint256 indexed offerId, bool paused)",
            "event OfferRetired(uint256 indexed offerId)",
            "event LicenseIssued(uint256 indexed tokenId, uint256 indexed offerId, address indexed licensee, address payer, uint256 price, uint64 expiresAt)",
        ],
        Contract::RevenueRouter => vec![
            "event RevenueReported(uint256 indexed modelId, address indexed payer, address indexed token, uint256 amount, uint256 cumulativeRevenue)",
            "event RoyaltyRouted(uint256 indexed modelId, uint256 indexed parentId, address indexed token, bool parentIsModel, uint256 amount)",
            "event RevenueRetained(uint256 indexed modelId, address indexed token, uint256 amount, uint256 cumulativeRevenue)",
            "event ModelReceiverCreated(uint256 indexed modelId, address receiver)",
        ],
        Contract::UsageEscrow => vec![
            "event UsageAnchorSet(address indexed anchor)",
            "event EscrowFunded(uint256 indexed licenseId, address indexed funder, uint256 amount, uint256 toDebt)",
            "event EscrowCharged(uint256 indexed licenseId, uint256 fee, uint256 paid)",
            "event FeesDeposited(uint256 indexed splitId, address indexed token, uint256 amount)",
            "event DebtChanged(uint256 indexed licenseId, uint256 debt)",
            "event EscrowWithdrawalRequested(uint256 indexed licenseId, uint256 amount, uint64 readyAt)",
            "event EscrowWithdrawn(uint256 indexed licenseId, address indexed to, uint256 amount)",
            "event EscrowHoldsChanged(uint256 indexed licenseId, uint32 holds, uint64 releasedAt)",
            OWNERSHIP_TRANSFERRED,
        ],
        Contract::UsageAnchor => vec![
            OWNERSHIP_TRANSFER_STARTED,
            OWNERSHIP_TRANSFERRED,
            "event AttestorAllowed(address indexed attestor, bool allowed)",
            "event AttestorBonded(address indexed attestor, uint256 amount, uint256 bond)",
            "event AttestorExitRequested(address indexed attestor, uint64 withdrawableFrom)",
            "event AttestorBondWithdrawn(address indexed attestor, uint256 amount)",
            "event BatchAnchored(address indexed attestor, bytes32 indexed batchId, bytes32 root, uint32 leafCount, uint32 receiptCount, uint256 totalUnits, uint64 settleableAt)",
            "event BatchStatusChanged(address indexed attestor, bytes32 indexed batchId, uint8 status, uint16 round, uint256 slashed)",
            "event DisputesSet(address indexed disputes)",
            "event Credited(address indexed account, uint256 amount)",
            "event CreditWithdrawn(address indexed account, uint256 amount)",
            "event UsageSettled(address indexed attestor, bytes32 indexed batchId, uint256 indexed licenseId, uint32 index, uint256 units, uint32 receiptCount, uint256 fee)",
            "event UsageSkipped(address indexed attestor, bytes32 indexed batchId, uint256 indexed licenseId, uint32 index, uint8 reason)",
        ],
        Contract::UsageDisputes => vec![
            "event ArbiterChanged(address indexed previousArbiter, address indexed newArbiter)",
            "event BatchChallenged(address indexed attestor, bytes32 indexed batchId, address indexed challenger, uint16 round, bytes32 evidence)",
            "event ChallengeResolved(address indexed attestor, bytes32 indexed batchId, uint16 round, bool upheld)",
            "event ChallengeBondClaimed(address indexed attestor, bytes32 indexed batchId, address indexed challenger, address to, uint256 amount)",
            "event Credited(address indexed account, uint256 amount)",
            "event CreditWithdrawn(address indexed account, uint256 amount)",
            "event EscrowHoldPlaced(address indexed attestor, bytes32 indexed batchId, uint256 indexed licenseId, uint32 index)",
            "event EscrowHoldReleased(address indexed attestor, bytes32 indexed batchId, uint256 indexed licenseId, uint32 index)",
            OWNERSHIP_TRANSFER_STARTED,
            OWNERSHIP_TRANSFERRED,
        ],
        Contract::ModelNft => vec!["event MetadataUpdate(uint256 _tokenId)"],
        Contract::Datanets => vec![
            "event DatanetConfigured(uint256 indexed datasetId, address indexed curator, address stakeToken, uint256 stake, uint32 reviewWindow, uint32 stakeLock, uint32 vetoWindow)",
            "event DatanetClosed(uint256 indexed datasetId, address indexed controller)",
            "event EvaluatorSet(uint256 indexed datasetId, address indexed evaluator, bool allowed)",
            "event ContributionSubmitted(uint256 indexed contributionId, uint256 indexed datasetId, address indexed contributor, bytes32 contentHash, uint256 stake, uint64 reviewDeadline, string uri)",
            "event ContributionReviewed(uint256 indexed contributionId, uint256 indexed datasetId, address indexed curator, uint8 verdict, bytes32 reasonHash, uint256 joinsVersion, uint64 unlockAt)",
            "event StakeReturned(uint256 indexed contributionId, address indexed contributor, uint256 amount, bool expired)",
            "event StakeSlashed(uint256 indexed contributionId, uint256 indexed datasetId, uint256 splitId, uint256 amount)",
            "event ReportPosted(uint256 indexed datasetId, uint64 indexed epoch, address indexed evaluator, uint256 version, bytes32 benchmarkId, bytes32 metric, bytes32 weightsRoot, uint256 totalWeight, bytes32 digest, uint64 vetoEndsAt)",
            "event ReportVetoed(uint256 indexed datasetId, uint64 indexed epoch, bytes32 digest, bytes32 reasonHash)",
            "event EpochActivated(uint256 indexed datasetId, uint64 indexed epoch, uint256 splitId, uint32 splitVersion, bytes32 weightsRoot, uint256 totalWeight)",
        ],
    };
    if contract == Contract::ModelNft {
        events.extend(ERC721);
    }
    events
}

/// One catalogued event of one contract.
#[derive(Debug, Clone)]
pub struct Entry {
    /// The contract that emits it.
    pub contract: Contract,
    /// The Solidity declaration it was parsed from.
    pub declaration: &'static str,
    /// Its parsed ABI (name, parameters with names and `indexed` markers).
    pub event: Event,
    /// Its canonical signature, `Name(type,…)`.
    pub signature: String,
    /// `keccak256(signature)`: topic0 of its logs.
    pub topic0: B256,
    /// The resolved decoder.
    decoder: DynSolEvent,
}

impl Entry {
    /// Its name.
    pub fn name(&self) -> &str {
        &self.event.name
    }

    /// How many of its parameters are indexed (topics after topic0).
    pub fn indexed(&self) -> usize {
        self.event.inputs.iter().filter(|p| p.indexed).count()
    }

    /// The names of its address-typed parameters (arrays of addresses included).
    pub fn address_params(&self) -> impl Iterator<Item = &str> {
        self.event
            .inputs
            .iter()
            .filter(|p| p.ty == "address" || p.ty.starts_with("address["))
            .map(|p| p.name.as_str())
    }

    /// Decodes `log` into a JSON object of argument name → value.
    ///
    /// # Errors
    /// The log does not match the event (wrong number of topics, data that does not decode).
    pub fn decode(&self, log: &LogData) -> Result<Map<String, Value>, String> {
        let decoded = self
            .decoder
            .decode_log_data(log, true)
            .map_err(|e| format!("{}: {e}", self.signature))?;
        let (mut indexed, mut body) = (decoded.indexed.into_iter(), decoded.body.into_iter());
        let mut args = Map::new();
        for param in &self.event.inputs {
            let value = if param.indexed {
                indexed.next()
            } else {
                body.next()
            };
            let value =
                value.ok_or_else(|| format!("{}: missing {}", self.signature, param.name))?;
            args.insert(param.name.clone(), to_json(&value));
        }
        Ok(args)
    }
}

/// An argument value in the explorer's JSON format (see the module docs).
pub fn to_json(value: &DynSolValue) -> Value {
    match value {
        DynSolValue::Bool(b) => Value::Bool(*b),
        DynSolValue::Int(i, _) => Value::String(i.to_string()),
        DynSolValue::Uint(u, _) => Value::String(u.to_string()),
        DynSolValue::FixedBytes(word, size) => {
            Value::String(hex::encode_prefixed(&word[..(*size).min(32)]))
        }
        DynSolValue::Address(a) => Value::String(a.to_checksum(None)),
        DynSolValue::Function(f) => Value::String(hex::encode_prefixed(f.as_slice())),
        DynSolValue::Bytes(b) => Value::String(hex::encode_prefixed(b)),
        DynSolValue::String(s) => Value::String(s.clone()),
        DynSolValue::Array(items) | DynSolValue::FixedArray(items) | DynSolValue::Tuple(items) => {
            Value::Array(items.iter().map(to_json).collect())
        }
        // EIP-712 structs (the `eip712` feature the devnode enables); no event has one.
        DynSolValue::CustomStruct { tuple, .. } => {
            Value::Array(tuple.iter().map(to_json).collect())
        }
    }
}

/// A decoded log.
#[derive(Debug, Clone, PartialEq)]
pub struct Decoded {
    /// The contract whose address emitted it.
    pub contract: Contract,
    /// The event's name (`None`: topic0 unknown to the catalogue, or the log does not decode
    /// as the event it names).
    pub event: Option<String>,
    /// Argument name → value (empty when `event` is `None`).
    pub args: Map<String, Value>,
    /// Every address among the arguments (array elements included), with the argument's name:
    /// what the store's account index holds.
    pub accounts: Vec<(Address, String)>,
}

/// Every catalogued event, looked up by contract address and topic0.
#[derive(Debug, Clone)]
pub struct Catalogue {
    entries: Vec<Entry>,
    by_topic: HashMap<(Contract, B256), usize>,
    by_address: HashMap<Address, Contract>,
}

impl Catalogue {
    /// The catalogue, with no addresses known (see [`Self::with_addresses`]).
    ///
    /// # Panics
    /// Never: every declaration above is valid Solidity (the unit tests parse each).
    pub fn new() -> Self {
        let mut entries = Vec::new();
        let mut by_topic = HashMap::new();
        for contract in Contract::DEPLOY_ORDER {
            for declaration in signatures(contract) {
                let entry = parse(contract, declaration)
                    // The declarations are constants, parsed by the unit tests.
                    .unwrap_or_else(|e| panic!("catalogue entry {declaration}: {e}"));
                by_topic.insert((contract, entry.topic0), entries.len());
                entries.push(entry);
            }
        }
        Self {
            entries,
            by_topic,
            by_address: HashMap::new(),
        }
    }

    /// The catalogue, knowing which contract each of `addresses` is.
    pub fn with_addresses(addresses: impl IntoIterator<Item = (Contract, Address)>) -> Self {
        let mut catalogue = Self::new();
        catalogue.by_address = addresses.into_iter().map(|(c, a)| (a, c)).collect();
        catalogue
    }

    /// Every entry, contract by contract in deployment order.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The entries of `contract`.
    pub fn of(&self, contract: Contract) -> impl Iterator<Item = &Entry> {
        self.entries.iter().filter(move |e| e.contract == contract)
    }

    /// The entry of `contract` whose topic0 is `topic0`.
    pub fn get(&self, contract: Contract, topic0: B256) -> Option<&Entry> {
        self.by_topic
            .get(&(contract, topic0))
            .map(|&i| &self.entries[i])
    }

    /// The contract at `address`, if it is one of the deployment's.
    pub fn contract_at(&self, address: Address) -> Option<Contract> {
        self.by_address.get(&address).copied()
    }

    /// Decodes a log `contract` emitted. A log whose topic0 the catalogue does not know, or
    /// that does not decode as the event it names, comes back with `event: None`.
    pub fn decode(&self, contract: Contract, log: &LogData) -> Decoded {
        let unknown = Decoded {
            contract,
            event: None,
            args: Map::new(),
            accounts: Vec::new(),
        };
        let Some(entry) = log.topics().first().and_then(|t| self.get(contract, *t)) else {
            return unknown;
        };
        let Ok(args) = entry.decode(log) else {
            return unknown;
        };
        let mut accounts = Vec::new();
        for name in entry.address_params() {
            let mut push = |v: &Value| {
                if let Some(a) = v.as_str().and_then(|s| s.parse::<Address>().ok()) {
                    accounts.push((a, name.to_owned()));
                }
            };
            match args.get(name) {
                Some(Value::Array(items)) => items.iter().for_each(&mut push),
                Some(v) => push(v),
                None => {}
            }
        }
        Decoded {
            contract,
            event: Some(entry.name().to_owned()),
            args,
            accounts,
        }
    }
}

impl Default for Catalogue {
    fn default() -> Self {
        Self::new()
    }
}

fn parse(contract: Contract, declaration: &'static str) -> Result<Entry, String> {
    let event = Event::parse(declaration).map_err(|e| e.to_string())?;
    let decoder = event.resolve().map_err(|e| e.to_string())?;
    Ok(Entry {
        contract,
        declaration,
        signature: event.signature(),
        topic0: event.selector(),
        event,
        decoder,
    })
}

#[cfg(test)]
mod tests {
    use alloy::primitives::{address, keccak256, U256};

    use super::*;

    #[test]
    fn every_declaration_parses_and_names_every_parameter() {
        let catalogue = Catalogue::new();
        for entry in catalogue.entries() {
            for param in &entry.event.inputs {
                assert!(
                    !param.name.is_empty(),
                    "{}: unnamed parameter",
                    entry.declaration
                );
            }
            assert!(entry.indexed() <= 3, "{}", entry.declaration);
            assert_eq!(entry.topic0, keccak256(&entry.signature));
        }
        for contract in Contract::DEPLOY_ORDER {
            let mut topics: Vec<B256> = catalogue.of(contract).map(|e| e.topic0).collect();
            let n = topics.len();
            topics.sort_unstable();
            topics.dedup();
            assert_eq!(topics.len(), n, "{contract}: an event is listed twice");
        }
    }

    #[test]
    fn a_log_decodes_into_named_arguments_in_the_documented_formats() {
        let splitter = address!("00000000000000000000000000000000000000aa");
        let catalogue = Catalogue::with_addresses([(Contract::RoyaltySplitter, splitter)]);
        let entry = catalogue
            .of(Contract::RoyaltySplitter)
            .find(|e| e.name() == "SplitRecipientsSet")
            .unwrap();
        let recipient = address!("52908400098527886E0F7030069857D2E4169EE7");
        let data = DynSolValue::Tuple(vec![
            DynSolValue::Array(vec![DynSolValue::Address(recipient)]),
            DynSolValue::Array(vec![DynSolValue::Uint(U256::from(7), 256)]),
        ])
        .abi_encode_params();
        let log = LogData::new_unchecked(
            vec![
                entry.topic0,
                B256::from(U256::from(3)),
                B256::from(U256::from(1)),
            ],
            data.into(),
        );
        assert_eq!(
            catalogue.contract_at(splitter),
            Some(Contract::RoyaltySplitter)
        );
        let decoded = catalogue.decode(Contract::RoyaltySplitter, &log);
        assert_eq!(decoded.event.as_deref(), Some("SplitRecipientsSet"));
        assert_eq!(
            Value::Object(decoded.args),
            serde_json::json!({
                "split_id": "3",
                "version": "1",
                "recipients": ["0x52908400098527886E0F7030069857D2E4169EE7"],
                "shares": ["7"],
            })
        );
        assert_eq!(decoded.accounts, vec![(recipient, "recipients".to_owned())]);
        // The same topic0 under another contract is unknown there.
        assert_eq!(catalogue.decode(Contract::Datanets, &log).event, None);
        // A log that does not decode as its event is stored raw.
        let short = LogData::new_unchecked(vec![entry.topic0], alloy::primitives::Bytes::default());
        assert_eq!(
            catalogue.decode(Contract::RoyaltySplitter, &short).event,
            None
        );
    }

    #[test]
    fn hashes_are_lowercase_hex() {
        let value = DynSolValue::FixedBytes(B256::repeat_byte(0xab), 32);
        assert_eq!(
            to_json(&value),
            Value::String(format!("0x{}", "ab".repeat(32)))
        );
        let value = DynSolValue::Bytes(vec![0xAB, 0x01]);
        assert_eq!(to_json(&value), Value::String("0xab01".into()));
        assert_eq!(to_json(&DynSolValue::Bool(true)), Value::Bool(true));
    }
}
