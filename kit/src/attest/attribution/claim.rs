//! `attest claim`: a member's proof turned into the splitter's `claimMerkle` arguments, its
//! calldata and a `cast send` command line.

use alloy::primitives::{Address, Bytes, B256, U256};
use serde::{Deserialize, Serialize};

use super::{claim_calldata, scores::lower_hex, AttributionError, WeightProof};
use crate::attest::json::{decimal_u256, number_u32};

/// The output of `attest claim`: the arguments of `claimMerkle` and its calldata.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ClaimFile {
    /// The split (the dataset's split on the splitter).
    #[serde(with = "decimal_u256")]
    pub split_id: U256,
    /// The split version the report became.
    #[serde(with = "number_u32")]
    pub version: u32,
    /// The member claiming.
    pub recipient: Address,
    /// Its weight.
    #[serde(with = "decimal_u256")]
    pub shares: U256,
    /// Sibling hashes from the leaf up.
    pub proof: Vec<B256>,
    /// Token claimed (zero: the native currency).
    pub token: Address,
    /// The member's leaf.
    pub leaf: B256,
    /// The root the proof reaches.
    pub weights_root: B256,
    /// `claimMerkle(splitId, version, recipient, shares, proof, token)` calldata.
    pub calldata: Bytes,
    /// The splitter, if given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub splitter: Option<Address>,
    /// The equivalent `cast send` command line (with the splitter only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cast: Option<String>,
}

/// The claim of `proof` on version `version` of split `split_id`, for `token`; the `cast send`
/// command line too if `splitter` is given. The proof is verified first.
///
/// # Errors
///
/// [`AttributionError::ProofFile`] if the proof does not reach its root.
pub fn claim(
    proof: &WeightProof,
    split_id: U256,
    version: u32,
    token: Address,
    splitter: Option<Address>,
) -> Result<ClaimFile, AttributionError> {
    if !proof.verify() {
        return Err(AttributionError::ProofFile(format!(
            "the proof of {} does not reach root {}",
            proof.contributor, proof.root
        )));
    }
    let shares = U256::from(proof.weight);
    let calldata = claim_calldata(
        split_id,
        version,
        proof.contributor,
        shares,
        &proof.proof,
        token,
    );
    let cast = splitter.map(|splitter| {
        let hashes: Vec<String> = proof.proof.iter().map(ToString::to_string).collect();
        format!(
            "cast send {} \"claimMerkle(uint256,uint32,address,uint256,bytes32[],address)\" {} \
             {} {} {} '[{}]' {}",
            lower_hex(splitter),
            split_id,
            version,
            lower_hex(proof.contributor),
            shares,
            hashes.join(","),
            lower_hex(token)
        )
    });
    Ok(ClaimFile {
        split_id,
        version,
        recipient: proof.contributor,
        shares,
        proof: proof.proof.clone(),
        token,
        leaf: proof.leaf,
        weights_root: proof.root,
        calldata,
        splitter,
        cast,
    })
}
