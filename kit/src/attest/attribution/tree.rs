//! The weights tree: a `StandardMerkleTree` over `(contributor, weight)` leaves, with each
//! member's proof.

use std::collections::HashMap;

use alloy::primitives::{Address, B256, U256};

use super::{weight_leaf, weights::Weights, AttributionError};
use crate::attest::merkle::{fill_parallel, verify, MerkleTree};

/// A member of the tree: a contributor with a non-zero weight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Member {
    /// The contributor.
    pub contributor: Address,
    /// Its weight (the splitter's shares).
    pub weight: u64,
    /// Its leaf, [`weight_leaf`]`(contributor, weight)`.
    pub leaf: B256,
}

/// The tree over the contributors with a weight. Built in `O(n log n)`; a proof costs a hash
/// lookup and `O(log n)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WeightTree {
    merkle: MerkleTree,
    /// Members in input order.
    members: Vec<Member>,
    /// Position in `members` of each contributor.
    positions: HashMap<Address, usize>,
    total_weight: u64,
}

/// A member's proof: what `claimMerkle` needs besides the split.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WeightProof {
    /// The contributor (`recipient`).
    pub contributor: Address,
    /// Its weight (`shares`).
    pub weight: u64,
    /// Its leaf.
    pub leaf: B256,
    /// Sibling hashes from the leaf up (`proof`).
    pub proof: Vec<B256>,
    /// The tree's root (the report's `weightsRoot`).
    pub root: B256,
}

impl WeightProof {
    /// Whether `leaf` is the contributor's weight leaf and `proof` takes it to `root`.
    pub fn verify(&self) -> bool {
        self.leaf == weight_leaf(self.contributor, U256::from(self.weight))
            && verify(&self.proof, self.root, self.leaf)
    }
}

/// The members' leaves, in order (on every available core for large sets).
fn hash_leaves(pairs: &[(Address, u64)]) -> Vec<B256> {
    let mut leaves = vec![B256::ZERO; pairs.len()];
    fill_parallel(&mut leaves, 0, |i| {
        let (contributor, weight) = pairs[i];
        weight_leaf(contributor, U256::from(weight))
    });
    leaves
}

impl WeightTree {
    /// The tree over the contributors of `weights` that have a weight.
    ///
    /// # Errors
    ///
    /// [`AttributionError::AllWeightsZero`] if none has.
    pub fn build(weights: &Weights) -> Result<Self, AttributionError> {
        let tree = Self::from_members(weights.members())?;
        if tree.members.is_empty() {
            return Err(AttributionError::AllWeightsZero);
        }
        Ok(tree)
    }

    /// The tree over `(contributor, weight)` pairs (any order; kept as the members' order).
    ///
    /// # Errors
    ///
    /// [`AttributionError::ZeroAddress`], [`AttributionError::ZeroWeight`],
    /// [`AttributionError::DuplicateMember`], [`AttributionError::TotalWeightOverflow`], or a
    /// [`Merkle`](AttributionError::Merkle) error for an empty list.
    pub fn from_members(
        members: impl IntoIterator<Item = (Address, u64)>,
    ) -> Result<Self, AttributionError> {
        let members = members.into_iter();
        let pairs: Vec<(Address, u64)> = members.into_iter().collect();
        let mut positions = HashMap::with_capacity(pairs.len());
        let mut total_weight = 0_u64;
        for (position, &(contributor, weight)) in pairs.iter().enumerate() {
            if contributor == Address::ZERO {
                return Err(AttributionError::ZeroAddress);
            }
            if weight == 0 {
                return Err(AttributionError::ZeroWeight(contributor));
            }
            if positions.insert(contributor, position).is_some() {
                return Err(AttributionError::DuplicateMember(contributor));
            }
            total_weight = total_weight
                .checked_add(weight)
                .ok_or(AttributionError::TotalWeightOverflow)?;
        }
        let leaves = hash_leaves(&pairs);
        let merkle = MerkleTree::new(&leaves)?;
        let members = pairs
            .into_iter()
            .zip(leaves)
            .map(|((contributor, weight), leaf)| Member {
                contributor,
                weight,
                leaf,
            })
            .collect();
        Ok(Self {
            merkle,
            members,
            positions,
            total_weight,
        })
    }

    /// The root (the report's `weightsRoot`).
    pub fn root(&self) -> B256 {
        self.merkle.root()
    }

    /// The sum of the members' weights (the report's `totalWeight`).
    pub fn total_weight(&self) -> u64 {
        self.total_weight
    }

    /// Number of members (leaves).
    pub fn len(&self) -> usize {
        self.members.len()
    }

    /// Whether the tree has no member (never, once built).
    pub fn is_empty(&self) -> bool {
        self.members.is_empty()
    }

    /// The members, in input order.
    pub fn members(&self) -> &[Member] {
        &self.members
    }

    /// The underlying Merkle tree (nodes in `StandardMerkleTree` array order).
    pub fn merkle(&self) -> &MerkleTree {
        &self.merkle
    }

    /// The member record of `account`, if it is in the tree.
    pub fn member(&self, account: Address) -> Option<&Member> {
        self.positions.get(&account).map(|&i| &self.members[i])
    }

    /// The node position (`treeIndex`) of `account`'s leaf.
    pub fn tree_index(&self, account: Address) -> Option<usize> {
        let member = self.member(account)?;
        let index = self.merkle.leaf_index(member.leaf)?;
        self.merkle.tree_index(index)
    }

    /// The proof of `account`'s leaf.
    ///
    /// # Errors
    ///
    /// [`AttributionError::UnknownAccount`] if it has no leaf.
    pub fn proof(&self, account: Address) -> Result<WeightProof, AttributionError> {
        let member = *self
            .member(account)
            .ok_or(AttributionError::UnknownAccount(account))?;
        let index = self
            .merkle
            .leaf_index(member.leaf)
            .ok_or(AttributionError::UnknownAccount(account))?;
        Ok(WeightProof {
            contributor: member.contributor,
            weight: member.weight,
            leaf: member.leaf,
            proof: self.merkle.proof(index)?,
            root: self.root(),
        })
    }
}

#[cfg(test)]
mod tests {
    use alloy::primitives::keccak256;

    use super::*;

    fn account(i: u32) -> Address {
        Address::from_slice(&keccak256(i.to_be_bytes())[12..])
    }

    #[test]
    fn every_member_of_a_1000_member_tree_proves() {
        let members: Vec<(Address, u64)> = (0..1000)
            .map(|i| (account(i), u64::from(i % 37 + 1)))
            .collect();
        let tree = WeightTree::from_members(members.clone()).unwrap();
        assert_eq!(tree.len(), 1000);
        assert_eq!(
            tree.total_weight(),
            members.iter().map(|&(_, w)| w).sum::<u64>()
        );
        let nodes = tree.merkle().nodes();
        for &(who, weight) in &members {
            let proof = tree.proof(who).unwrap();
            assert_eq!((proof.contributor, proof.weight), (who, weight));
            assert_eq!(proof.leaf, weight_leaf(who, U256::from(weight)));
            assert!(proof.verify(), "{who}");
            assert!(proof.proof.len() == 9 || proof.proof.len() == 10);
            assert_eq!(nodes[tree.tree_index(who).unwrap()], proof.leaf);
        }
        // Members keep their input order; the root does not depend on it.
        assert_eq!(tree.members()[0].contributor, account(0));
        let mut reversed = members;
        reversed.reverse();
        assert_eq!(
            WeightTree::from_members(reversed).unwrap().root(),
            tree.root()
        );
    }

    #[test]
    fn tampered_proofs_fail() {
        let tree = WeightTree::from_members((0..5).map(|i| (account(i), 10))).unwrap();
        let good = tree.proof(account(3)).unwrap();
        let mut more = good.clone();
        more.weight += 1;
        assert!(!more.verify(), "another weight");
        let mut other_leaf = good.clone();
        other_leaf.proof[0] = B256::repeat_byte(9);
        assert!(!other_leaf.verify(), "another sibling");
        let mut thief = good;
        thief.contributor = account(99);
        assert!(!thief.verify(), "another recipient");
    }

    #[test]
    fn bad_member_lists_are_refused() {
        assert_eq!(
            WeightTree::from_members([(account(1), 5), (account(1), 5)]),
            Err(AttributionError::DuplicateMember(account(1)))
        );
        assert_eq!(
            WeightTree::from_members([(account(1), 0)]),
            Err(AttributionError::ZeroWeight(account(1)))
        );
        assert_eq!(
            WeightTree::from_members([(Address::ZERO, 1)]),
            Err(AttributionError::ZeroAddress)
        );
        assert_eq!(
            WeightTree::from_members([(account(1), u64::MAX), (account(2), 1)]),
            Err(AttributionError::TotalWeightOverflow)
        );
        assert!(matches!(
            WeightTree::from_members([]),
            Err(AttributionError::Merkle(_))
        ));
        let tree = WeightTree::from_members([(account(1), u64::MAX)]).unwrap();
        assert_eq!(tree.root(), weight_leaf(account(1), U256::from(u64::MAX)));
        assert!(tree.proof(account(1)).unwrap().proof.is_empty());
        assert_eq!(
            tree.proof(account(2)),
            Err(AttributionError::UnknownAccount(account(2)))
        );
    }
}
