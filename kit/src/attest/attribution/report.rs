//! The attribution report: its `sol!` declaration (field for field
//! `tributary_abi::attribution::AttributionReport`), the weight leaf, EIP-712 hashing and
//! signing, and the calldata of `postReport` and the splitter's `claimMerkle`.

use alloy::{
    primitives::{keccak256, Address, Bytes, B256, U256},
    signers::local::PrivateKeySigner,
    sol,
    sol_types::{Eip712Domain, SolCall, SolStruct},
};

use super::{tree::WeightTree, AttributionError};
use crate::attest::signing::{sign_digest, verify_signer, SignatureError};

/// EIP-712 domain name of the Datanets contract.
pub const EIP712_NAME: &str = "Tributary Datanets";
/// EIP-712 domain version of the Datanets contract.
pub const EIP712_VERSION: &str = "1";

/// The EIP-712 type string of [`AttributionReport`].
pub const REPORT_TYPE: &str = "AttributionReport(uint256 datasetId,uint256 version,uint64 \
                               epoch,bytes32 benchmarkId,bytes32 metric,bytes32 weightsRoot,\
                               uint256 totalWeight,uint64 deadline)";

/// Largest total weight of a report (`2^64 - 1`, the splitter's largest total shares).
pub const MAX_TOTAL_WEIGHT: u64 = u64::MAX;

sol! {
    /// Contributors' measured impact on a dataset, signed by an allow-listed evaluator; the same
    /// fields in the same order as `tributary_abi::attribution::AttributionReport`.
    #[derive(Debug, Default, PartialEq, Eq)]
    struct AttributionReport {
        /// The dataset evaluated.
        uint256 datasetId;
        /// The dataset version evaluated (`>= 1`).
        uint256 version;
        /// The epoch these weights open: the dataset's current epoch plus one.
        uint64 epoch;
        /// Id of the fixed benchmark the evaluation ran.
        bytes32 benchmarkId;
        /// The metric whose deltas were measured (`keccak256` of its name).
        bytes32 metric;
        /// Merkle root of the `(contributor, weight)` leaves ([`weight_leaf`]).
        bytes32 weightsRoot;
        /// Sum of the leaves' weights (`1..=MAX_TOTAL_WEIGHT`).
        uint256 totalWeight;
        /// Last second at which the report may be posted.
        uint64 deadline;
    }

    /// Posts a signed report to the Datanets contract (anyone may submit it).
    function postReport(AttributionReport report, bytes signature) external;

    /// Proves `(recipient, shares)` is a leaf of version `version` of split `splitId` and pays
    /// the recipient what it is owed of `token` (zero: the native currency).
    function claimMerkle(uint256 splitId, uint32 version, address recipient, uint256 shares, bytes32[] proof, address token) external returns (uint256);
}

/// The Merkle leaf of a contributor's weight: `keccak256(keccak256(abi.encode(contributor,
/// weight)))`, the splitter's Merkle-split leaf.
pub fn weight_leaf(contributor: Address, weight: U256) -> B256 {
    // abi.encode(address, uint256): the address left-padded to a word, then the weight.
    let mut preimage = [0_u8; 64];
    preimage[12..32].copy_from_slice(contributor.as_slice());
    preimage[32..].copy_from_slice(&weight.to_be_bytes::<32>());
    keccak256(keccak256(preimage))
}

/// The Datanets contract's EIP-712 domain: name, version, chain id and the contract's address
/// (no salt).
pub fn datanets_domain(chain_id: u64, datanets: Address) -> Eip712Domain {
    Eip712Domain::new(
        Some(EIP712_NAME.into()),
        Some(EIP712_VERSION.into()),
        Some(U256::from(chain_id)),
        Some(datanets),
        None,
    )
}

/// `keccak256` of [`REPORT_TYPE`].
pub fn report_typehash() -> B256 {
    keccak256(AttributionReport::eip712_encode_type().as_bytes())
}

/// The EIP-712 `hashStruct(report)`.
pub fn report_struct_hash(report: &AttributionReport) -> B256 {
    report.eip712_hash_struct()
}

/// The digest the evaluator signs: `keccak256(0x1901 ‖ domainSeparator ‖ hashStruct(report))`
/// under [`datanets_domain`]`(chain_id, datanets)`.
pub fn report_digest(report: &AttributionReport, chain_id: u64, datanets: Address) -> B256 {
    report.eip712_signing_hash(&datanets_domain(chain_id, datanets))
}

/// Signs the report: 65 bytes `r ‖ s ‖ v`, low `s`, `v ∈ {27, 28}`.
///
/// # Errors
///
/// [`SignatureError::SigningFailed`] if the signer fails.
pub fn sign_report(
    signer: &PrivateKeySigner,
    report: &AttributionReport,
    chain_id: u64,
    datanets: Address,
) -> Result<[u8; 65], SignatureError> {
    sign_digest(signer, report_digest(report, chain_id, datanets))
}

/// Checks that `signature` is `evaluator`'s valid (low-`s`, `v ∈ {27, 28}`) signature of the
/// report.
///
/// # Errors
///
/// The [`SignatureError`] that refused it.
pub fn verify_report_signature(
    report: &AttributionReport,
    chain_id: u64,
    datanets: Address,
    signature: &[u8],
    evaluator: Address,
) -> Result<(), SignatureError> {
    verify_signer(
        report_digest(report, chain_id, datanets),
        signature,
        evaluator,
    )
}

/// ABI calldata of `postReport(report, signature)`.
pub fn post_report_calldata(report: &AttributionReport, signature: &[u8]) -> Bytes {
    postReportCall {
        report: report.clone(),
        signature: Bytes::copy_from_slice(signature),
    }
    .abi_encode()
    .into()
}

/// ABI calldata of the splitter's `claimMerkle(splitId, version, recipient, shares, proof,
/// token)`.
pub fn claim_calldata(
    split_id: U256,
    version: u32,
    recipient: Address,
    shares: U256,
    proof: &[B256],
    token: Address,
) -> Bytes {
    claimMerkleCall {
        splitId: split_id,
        version,
        recipient,
        shares,
        proof: proof.to_vec(),
        token,
    }
    .abi_encode()
    .into()
}

/// The report's `metric`: `0x` + 64 hex digits as given, anything else (non-empty, not starting
/// with `0x`) is a name and hashed with `keccak256`.
///
/// # Errors
///
/// [`AttributionError::InvalidMetric`] for an empty name or a `0x` value that is not 32 bytes of
/// hex.
pub fn parse_metric(text: &str) -> Result<B256, AttributionError> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(AttributionError::InvalidMetric(text.into()));
    }
    if let Some(digits) = trimmed
        .strip_prefix("0x")
        .or_else(|| trimmed.strip_prefix("0X"))
    {
        if digits.len() != 64 || !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(AttributionError::InvalidMetric(text.into()));
        }
        return digits
            .parse()
            .map_err(|_| AttributionError::InvalidMetric(text.into()));
    }
    Ok(keccak256(trimmed.as_bytes()))
}

/// The fields of a report that are not derived from the scores, and where it will be posted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportParams {
    /// Chain id of the EIP-712 domain.
    pub chain_id: u64,
    /// The Datanets contract (EIP-712 `verifyingContract`).
    pub datanets: Address,
    /// The dataset evaluated.
    pub dataset_id: U256,
    /// The dataset version evaluated (`>= 1`).
    pub version: U256,
    /// The epoch the weights open (`>= 1`).
    pub epoch: u64,
    /// The benchmark's id.
    pub benchmark_id: B256,
    /// The metric ([`parse_metric`]).
    pub metric: B256,
    /// Last second at which the report may be posted (unix seconds).
    pub deadline: u64,
}

/// The report over `tree` with `params`' fields: `weightsRoot` is the tree's root,
/// `totalWeight` its total weight.
///
/// # Errors
///
/// [`AttributionError::ZeroVersion`] or [`AttributionError::ZeroEpoch`].
pub fn build_report(
    params: &ReportParams,
    tree: &WeightTree,
) -> Result<AttributionReport, AttributionError> {
    if params.version.is_zero() {
        return Err(AttributionError::ZeroVersion);
    }
    if params.epoch == 0 {
        return Err(AttributionError::ZeroEpoch);
    }
    Ok(AttributionReport {
        datasetId: params.dataset_id,
        version: params.version,
        epoch: params.epoch,
        benchmarkId: params.benchmark_id,
        metric: params.metric,
        weightsRoot: tree.root(),
        totalWeight: U256::from(tree.total_weight()),
        deadline: params.deadline,
    })
}

#[cfg(test)]
mod tests {
    use alloy::{
        primitives::{address, b256},
        sol_types::{eip712_domain, SolValue},
    };

    use super::*;
    use crate::attest::signing::{parse_key, SECP256K1N_HALF};

    /// An independent declaration of the calls, from their Solidity signatures.
    mod spec {
        alloy::sol! {
            #[derive(Debug, PartialEq, Eq)]
            struct Report {
                uint256 datasetId;
                uint256 version;
                uint64 epoch;
                bytes32 benchmarkId;
                bytes32 metric;
                bytes32 weightsRoot;
                uint256 totalWeight;
                uint64 deadline;
            }
            function postReport(Report report, bytes signature) external;
            function claimMerkle(uint256 splitId, uint32 version, address recipient, uint256 shares, bytes32[] proof, address token) external;
        }
    }

    const KEY: &str = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
    const DATANETS: Address = address!("da7a0e75da7a0e75da7a0e75da7a0e75da7a0e75");

    fn report() -> AttributionReport {
        AttributionReport {
            datasetId: U256::from(7),
            version: U256::from(2),
            epoch: 3,
            benchmarkId: keccak256("benchmark"),
            metric: keccak256("accuracy"),
            weightsRoot: B256::repeat_byte(0x42),
            totalWeight: U256::from(999_999_998),
            deadline: 1_769_904_000,
        }
    }

    #[test]
    fn type_string_is_the_contracts() {
        // `contracts/abi/src/attribution.rs`'s REPORT_TYPE, verbatim.
        let abi = "AttributionReport(uint256 datasetId,uint256 version,uint64 epoch,bytes32 \
                   benchmarkId,bytes32 metric,bytes32 weightsRoot,uint256 totalWeight,uint64 \
                   deadline)";
        assert_eq!(REPORT_TYPE, abi);
        assert_eq!(AttributionReport::eip712_encode_type(), REPORT_TYPE);
        assert_eq!(report_typehash(), keccak256(REPORT_TYPE));
    }

    #[test]
    fn digest_is_alloys_eip712_signing_hash_and_the_spec() {
        let r = report();
        let domain = eip712_domain! {
            name: "Tributary Datanets",
            version: "1",
            chain_id: 412_346,
            verifying_contract: DATANETS,
        };
        let digest = report_digest(&r, 412_346, DATANETS);
        assert_eq!(digest, r.eip712_signing_hash(&domain));
        assert_eq!(datanets_domain(412_346, DATANETS), domain);

        // From scratch: keccak256(0x1901 ‖ domainSeparator ‖ hashStruct).
        let separator = keccak256(
            (
                keccak256(
                    "EIP712Domain(string name,string version,uint256 chainId,address \
                     verifyingContract)",
                ),
                keccak256("Tributary Datanets"),
                keccak256("1"),
                U256::from(412_346),
                DATANETS,
            )
                .abi_encode(),
        );
        let struct_hash = keccak256(
            (
                keccak256(REPORT_TYPE),
                r.datasetId,
                r.version,
                U256::from(r.epoch),
                r.benchmarkId,
                r.metric,
                r.weightsRoot,
                r.totalWeight,
                U256::from(r.deadline),
            )
                .abi_encode(),
        );
        assert_eq!(report_struct_hash(&r), struct_hash);
        let mut preimage = vec![0x19, 0x01];
        preimage.extend_from_slice(separator.as_slice());
        preimage.extend_from_slice(struct_hash.as_slice());
        assert_eq!(digest, keccak256(preimage));
        // Bound to chain and contract.
        assert_ne!(digest, report_digest(&r, 1, DATANETS));
        assert_ne!(digest, report_digest(&r, 412_346, Address::repeat_byte(1)));
    }

    #[test]
    fn signature_is_low_s_and_recovers_the_evaluator() {
        let signer = parse_key(KEY).unwrap();
        let sig = sign_report(&signer, &report(), 412_346, DATANETS).unwrap();
        assert!(sig[64] == 27 || sig[64] == 28);
        assert!(U256::from_be_slice(&sig[32..64]) <= SECP256K1N_HALF);
        verify_report_signature(&report(), 412_346, DATANETS, &sig, signer.address()).unwrap();
        assert!(matches!(
            verify_report_signature(&report(), 1, DATANETS, &sig, signer.address()),
            Err(SignatureError::WrongSigner { .. } | SignatureError::Unrecoverable)
        ));
        let mut other = report();
        other.totalWeight += U256::from(1);
        assert!(
            verify_report_signature(&other, 412_346, DATANETS, &sig, signer.address()).is_err()
        );
    }

    #[test]
    fn post_report_calldata_decodes_with_an_independent_declaration() {
        let sig = [7_u8; 65];
        let data = post_report_calldata(&report(), &sig);
        let selector = keccak256(
            "postReport((uint256,uint256,uint64,bytes32,bytes32,bytes32,uint256,uint64),bytes)",
        );
        assert_eq!(data[..4], selector[..4]);
        let call = spec::postReportCall::abi_decode(&data, true).unwrap();
        let r = report();
        assert_eq!(
            call.report,
            spec::Report {
                datasetId: r.datasetId,
                version: r.version,
                epoch: r.epoch,
                benchmarkId: r.benchmarkId,
                metric: r.metric,
                weightsRoot: r.weightsRoot,
                totalWeight: r.totalWeight,
                deadline: r.deadline,
            }
        );
        assert_eq!(call.signature.as_ref(), sig);
    }

    #[test]
    fn claim_calldata_decodes_back_to_its_arguments() {
        let proof = vec![
            B256::repeat_byte(1),
            B256::repeat_byte(2),
            B256::repeat_byte(3),
        ];
        let recipient = Address::repeat_byte(0x70);
        let token = Address::repeat_byte(0xee);
        let data = claim_calldata(U256::from(5), 9, recipient, U256::from(123), &proof, token);
        let selector = keccak256("claimMerkle(uint256,uint32,address,uint256,bytes32[],address)");
        assert_eq!(data[..4], selector[..4]);
        let call = spec::claimMerkleCall::abi_decode(&data, true).unwrap();
        assert_eq!(call.splitId, U256::from(5));
        assert_eq!(call.version, 9);
        assert_eq!(call.recipient, recipient);
        assert_eq!(call.shares, U256::from(123));
        assert_eq!(call.proof, proof);
        assert_eq!(call.token, token);
        let own = claimMerkleCall::abi_decode(&data, true).unwrap();
        assert_eq!(own.proof, proof);
        // An empty proof (a one-member tree) encodes too.
        let single = claim_calldata(
            U256::from(1),
            0,
            recipient,
            U256::from(1),
            &[],
            Address::ZERO,
        );
        assert!(spec::claimMerkleCall::abi_decode(&single, true)
            .unwrap()
            .proof
            .is_empty());
    }

    #[test]
    fn weight_leaf_is_the_double_hash_of_the_abi_pair() {
        let account = Address::repeat_byte(0x11);
        let weight = U256::from(318_603_503);
        assert_eq!(
            weight_leaf(account, weight),
            keccak256(keccak256((account, weight).abi_encode()))
        );
    }

    #[test]
    fn metric_is_a_hashed_name_or_32_bytes() {
        assert_eq!(parse_metric("accuracy").unwrap(), keccak256("accuracy"));
        assert_eq!(parse_metric(" f1 ").unwrap(), keccak256("f1"));
        let hash = b256!("0102030405060708091011121314151617181920212223242526272829303132");
        assert_eq!(parse_metric(&hash.to_string()).unwrap(), hash);
        for bad in [
            "",
            "  ",
            "0x1234",
            "0xzz02030405060708091011121314151617181920212223242526272829303132",
        ] {
            assert!(
                matches!(parse_metric(bad), Err(AttributionError::InvalidMetric(_))),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn report_takes_the_trees_root_and_total_and_refuses_zero_version_or_epoch() {
        let tree =
            WeightTree::from_members([(Address::repeat_byte(1), 3), (Address::repeat_byte(2), 4)])
                .unwrap();
        let params = ReportParams {
            chain_id: 412_346,
            datanets: DATANETS,
            dataset_id: U256::from(7),
            version: U256::from(2),
            epoch: 3,
            benchmark_id: keccak256("benchmark"),
            metric: keccak256("accuracy"),
            deadline: 1_769_904_000,
        };
        let r = build_report(&params, &tree).unwrap();
        assert_eq!(r.weightsRoot, tree.root());
        assert_eq!(r.totalWeight, U256::from(7));
        assert_eq!(
            (r.datasetId, r.version, r.epoch),
            (U256::from(7), U256::from(2), 3)
        );
        let zero_version = ReportParams {
            version: U256::ZERO,
            ..params.clone()
        };
        assert_eq!(
            build_report(&zero_version, &tree),
            Err(AttributionError::ZeroVersion)
        );
        let zero_epoch = ReportParams { epoch: 0, ..params };
        assert_eq!(
            build_report(&zero_epoch, &tree),
            Err(AttributionError::ZeroEpoch)
        );
    }
}
