//! Merkle trees in `OpenZeppelin`'s layout (the batch tree over usage leaf hashes and each
//! leaf's tree over its receipt leaves), with single proofs and multiproofs, and verifiers for
//! both.
//!
//! The layout is `@openzeppelin/merkle-tree`'s `StandardMerkleTree`:
//! - leaves are sorted ascending (as 32-byte big-endian numbers), so the root does not depend on
//!   the order the leaves arrive in;
//! - the tree is a complete binary tree stored in an array of `2n - 1` nodes: node `i` has children
//!   `2i + 1` and `2i + 2`, the root is node 0 and sorted leaf `k` is node `2n - 2 - k`;
//! - an inner node is `keccak256` of its two children sorted (`commutative_hash_pair`), which is
//!   what `OpenZeppelin`'s `MerkleProof` and `openzeppelin-crypto`'s `Verifier` recompute.
//!
//! Multiproofs are `OpenZeppelin`'s `(leaves, proof, proofFlags)`: `leaves` in the order the
//! verifier consumes them (tree nodes by descending index, i.e. right to left from the deepest
//! layer), `proof` the sibling hashes it needs, and one flag per inner hash it computes
//! (`true`: the second operand comes from the queue of leaves and computed hashes; `false`: from
//! `proof`). A complete tree admits a multiproof for every non-empty subset of its leaves.

use alloy::primitives::{keccak256, B256};

/// Why a tree or proof could not be built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MerkleError {
    /// A tree needs at least one leaf.
    NoLeaves,
    /// A leaf index past the end of the tree.
    LeafIndexOutOfRange {
        /// The bad index.
        index: usize,
        /// Number of leaves in the tree.
        leaf_count: usize,
    },
    /// A multiproof must prove at least one leaf.
    EmptySelection,
    /// The same leaf was selected twice.
    DuplicateIndex(usize),
}

impl core::fmt::Display for MerkleError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::NoLeaves => write!(f, "a Merkle tree needs at least one leaf"),
            Self::LeafIndexOutOfRange { index, leaf_count } => {
                write!(
                    f,
                    "leaf index {index} out of range for a tree of {leaf_count} leaves"
                )
            }
            Self::EmptySelection => write!(f, "a multiproof must prove at least one leaf"),
            Self::DuplicateIndex(index) => write!(f, "leaf index {index} selected twice"),
        }
    }
}

impl std::error::Error for MerkleError {}

/// `keccak256` of the two hashes in ascending order (`OpenZeppelin`'s `commutativeKeccak256`).
pub fn hash_pair(a: B256, b: B256) -> B256 {
    let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
    let mut preimage = [0u8; 64];
    preimage[..32].copy_from_slice(lo.as_slice());
    preimage[32..].copy_from_slice(hi.as_slice());
    keccak256(preimage)
}

/// A multiproof in `OpenZeppelin`'s format (see the module docs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MultiProof {
    /// The proven leaves, in the order the verifier consumes them.
    pub leaves: Vec<B256>,
    /// Sibling hashes the verifier needs, in consumption order.
    pub proof: Vec<B256>,
    /// One flag per computed hash: `true` takes the second operand from the queue, `false` from
    /// `proof`.
    pub flags: Vec<bool>,
}

/// A complete Merkle tree in `StandardMerkleTree` layout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MerkleTree {
    /// `2n - 1` nodes; node 0 is the root, the last `n` nodes are the sorted leaves reversed.
    nodes: Vec<B256>,
    /// Number of leaves.
    leaf_count: usize,
}

impl MerkleTree {
    /// Builds the tree over `leaves` (any order; they are sorted first). Duplicate leaves are
    /// kept, as `OpenZeppelin`'s library does; callers that need unique leaves check that first.
    ///
    /// # Errors
    ///
    /// [`MerkleError::NoLeaves`] if `leaves` is empty.
    pub fn new(leaves: &[B256]) -> Result<Self, MerkleError> {
        if leaves.is_empty() {
            return Err(MerkleError::NoLeaves);
        }
        let mut sorted = leaves.to_vec();
        sorted.sort_unstable();
        let leaf_count = sorted.len();
        let node_count = 2 * leaf_count - 1;
        let mut nodes = vec![B256::ZERO; node_count];
        for (k, leaf) in sorted.into_iter().enumerate() {
            nodes[node_count - 1 - k] = leaf;
        }
        // Inner nodes level by level from the deepest: the nodes of depth `d` are
        // `2^d - 1 .. 2^(d+1) - 1`, and all their children lie after them, so a level is hashed
        // in parallel from the nodes already computed.
        let mut end = node_count - leaf_count;
        while end > 0 {
            let start = (1 << end.ilog2()) - 1;
            let (front, children) = nodes.split_at_mut(end);
            fill_parallel(&mut front[start..], start, |i| {
                hash_pair(children[2 * i + 1 - end], children[2 * i + 2 - end])
            });
            end = start;
        }
        Ok(Self { nodes, leaf_count })
    }

    /// The root (node 0).
    pub fn root(&self) -> B256 {
        self.nodes[0]
    }

    /// Number of leaves.
    pub fn leaf_count(&self) -> usize {
        self.leaf_count
    }

    /// The leaves in tree order (ascending).
    pub fn leaves(&self) -> impl Iterator<Item = B256> + '_ {
        self.nodes.iter().rev().take(self.leaf_count).copied()
    }

    /// All `2n - 1` nodes in `StandardMerkleTree` array order: node 0 is the root, node `i` has
    /// children `2i + 1` and `2i + 2`, sorted leaf `k` is node `2n - 2 - k` (the `tree` array of
    /// `@openzeppelin/merkle-tree`'s dump).
    pub fn nodes(&self) -> &[B256] {
        &self.nodes
    }

    /// The node position (`treeIndex` in a `StandardMerkleTree` dump) of tree-order leaf
    /// `index`, or `None` past the end.
    pub fn tree_index(&self, index: usize) -> Option<usize> {
        (index < self.leaf_count).then(|| self.node_of(index))
    }

    /// The tree-order index of `leaf` (the first one if it occurs more than once).
    pub fn leaf_index(&self, leaf: B256) -> Option<usize> {
        let (mut lo, mut hi) = (0, self.leaf_count);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if self.leaf_at(mid) < leaf {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        (lo < self.leaf_count && self.leaf_at(lo) == leaf).then_some(lo)
    }

    /// The leaf at tree-order index `index`.
    fn leaf_at(&self, index: usize) -> B256 {
        self.nodes[self.node_of(index)]
    }

    /// The node position of tree-order leaf `index`.
    fn node_of(&self, index: usize) -> usize {
        self.nodes.len() - 1 - index
    }

    fn check_index(&self, index: usize) -> Result<(), MerkleError> {
        if index < self.leaf_count {
            Ok(())
        } else {
            Err(MerkleError::LeafIndexOutOfRange {
                index,
                leaf_count: self.leaf_count,
            })
        }
    }

    /// The single proof of tree-order leaf `index`: sibling hashes from the leaf up.
    ///
    /// # Errors
    ///
    /// [`MerkleError::LeafIndexOutOfRange`] for an index past the end.
    pub fn proof(&self, index: usize) -> Result<Vec<B256>, MerkleError> {
        self.check_index(index)?;
        let mut node = self.node_of(index);
        let mut proof = Vec::new();
        while node > 0 {
            proof.push(self.nodes[sibling(node)]);
            node = (node - 1) / 2;
        }
        Ok(proof)
    }

    /// The multiproof of the tree-order leaves `indices` (any order), following
    /// `@openzeppelin/merkle-tree`'s `getMultiProof`.
    ///
    /// # Errors
    ///
    /// [`MerkleError::EmptySelection`], [`MerkleError::DuplicateIndex`] or
    /// [`MerkleError::LeafIndexOutOfRange`].
    pub fn multiproof(&self, indices: &[usize]) -> Result<MultiProof, MerkleError> {
        if indices.is_empty() {
            return Err(MerkleError::EmptySelection);
        }
        let mut nodes = Vec::with_capacity(indices.len());
        for &index in indices {
            self.check_index(index)?;
            nodes.push(self.node_of(index));
        }
        // Deepest and rightmost first: the order the verifier's queue consumes them.
        nodes.sort_unstable_by(|a, b| b.cmp(a));
        if let Some(pair) = nodes.windows(2).find(|w| w[0] == w[1]) {
            return Err(MerkleError::DuplicateIndex(self.nodes.len() - 1 - pair[0]));
        }
        let leaves = nodes.iter().map(|&n| self.nodes[n]).collect();

        let mut queue = std::collections::VecDeque::from(nodes);
        let mut proof = Vec::new();
        let mut flags = Vec::new();
        while let Some(&node) = queue.front() {
            if node == 0 {
                break;
            }
            queue.pop_front();
            let sibling = sibling(node);
            if queue.front() == Some(&sibling) {
                flags.push(true);
                queue.pop_front();
            } else {
                flags.push(false);
                proof.push(self.nodes[sibling]);
            }
            queue.push_back((node - 1) / 2);
        }
        Ok(MultiProof {
            leaves,
            proof,
            flags,
        })
    }
}

/// Sets `out[k] = f(first + k)` for every `k`, on every available core when `out` is large
/// (hashing dominates building big trees, and `keccak256` is slow in debug builds).
pub(crate) fn fill_parallel<T, F>(out: &mut [T], first: usize, f: F)
where
    T: Send,
    F: Fn(usize) -> T + Sync,
{
    const MIN_PARALLEL: usize = 4096;
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(8));
    if threads < 2 || out.len() < MIN_PARALLEL {
        for (k, slot) in out.iter_mut().enumerate() {
            *slot = f(first + k);
        }
        return;
    }
    let chunk = out.len().div_ceil(threads);
    let f = &f;
    std::thread::scope(|scope| {
        for (c, slots) in out.chunks_mut(chunk).enumerate() {
            scope.spawn(move || {
                for (k, slot) in slots.iter_mut().enumerate() {
                    *slot = f(first + c * chunk + k);
                }
            });
        }
    });
}

/// The other child of `node`'s parent (`node > 0`).
fn sibling(node: usize) -> usize {
    if node % 2 == 1 {
        node + 1
    } else {
        node - 1
    }
}

/// Whether `proof` takes `leaf` to `root` (`OpenZeppelin`'s `MerkleProof.verify`).
pub fn verify(proof: &[B256], root: B256, leaf: B256) -> bool {
    proof
        .iter()
        .fold(leaf, |node, &sibling| hash_pair(node, sibling))
        == root
}

/// Whether the multiproof proves its leaves against `root`, with `OpenZeppelin`'s
/// `MerkleProof.multiProofVerify` semantics.
///
/// Unlike `openzeppelin-crypto`'s verifier it never panics on malformed input: it rejects a
/// proof whose lengths disagree (`leaves + proof != flags + 1`), one that reads past either
/// queue, and one that leaves proof hashes unused. An empty `leaves` is rejected too (it could
/// only "prove" the root itself).
pub fn verify_multiproof(root: B256, multiproof: &MultiProof) -> bool {
    let MultiProof {
        leaves,
        proof,
        flags,
    } = multiproof;
    if leaves.is_empty() || leaves.len() + proof.len() != flags.len() + 1 {
        return false;
    }
    if flags.is_empty() {
        // One leaf and no proof: the tree is that leaf.
        return leaves[0] == root;
    }
    let mut queue: Vec<B256> = Vec::with_capacity(leaves.len() + flags.len());
    queue.extend_from_slice(leaves);
    let (mut queue_pos, mut proof_pos) = (0, 0);
    for &flag in flags {
        let Some(&a) = queue.get(queue_pos) else {
            return false;
        };
        queue_pos += 1;
        let b = if flag {
            let Some(&b) = queue.get(queue_pos) else {
                return false;
            };
            queue_pos += 1;
            b
        } else {
            let Some(&b) = proof.get(proof_pos) else {
                return false;
            };
            proof_pos += 1;
            b
        };
        queue.push(hash_pair(a, b));
    }
    proof_pos == proof.len() && queue_pos == queue.len() - 1 && queue.last() == Some(&root)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leaf(n: u8) -> B256 {
        keccak256(keccak256([n]))
    }

    #[test]
    fn single_leaf_tree_is_its_leaf() {
        let tree = MerkleTree::new(&[leaf(1)]).unwrap();
        assert_eq!(tree.root(), leaf(1));
        assert!(tree.proof(0).unwrap().is_empty());
        let mp = tree.multiproof(&[0]).unwrap();
        assert_eq!(
            mp,
            MultiProof {
                leaves: vec![leaf(1)],
                proof: vec![],
                flags: vec![]
            }
        );
        assert!(verify_multiproof(tree.root(), &mp));
    }

    #[test]
    fn two_leaf_root_is_the_sorted_pair_hash() {
        let tree = MerkleTree::new(&[leaf(1), leaf(2)]).unwrap();
        assert_eq!(tree.root(), hash_pair(leaf(2), leaf(1)));
        assert_eq!(tree.root(), hash_pair(leaf(1), leaf(2)));
    }

    #[test]
    fn root_ignores_input_order() {
        let leaves: Vec<_> = (0..7).map(leaf).collect();
        let mut reversed = leaves.clone();
        reversed.reverse();
        assert_eq!(
            MerkleTree::new(&leaves).unwrap().root(),
            MerkleTree::new(&reversed).unwrap().root()
        );
    }

    #[test]
    fn three_leaf_tree_matches_the_layout() {
        // nodes: [root, n1, l0', l1', l2'] with sorted leaves s0 < s1 < s2 at nodes 4, 3, 2.
        let mut sorted: Vec<_> = (0..3).map(leaf).collect();
        sorted.sort();
        let tree = MerkleTree::new(&sorted).unwrap();
        let n1 = hash_pair(sorted[0], sorted[1]);
        assert_eq!(tree.root(), hash_pair(n1, sorted[2]));
        assert_eq!(tree.leaves().collect::<Vec<_>>(), sorted);
        assert_eq!(tree.proof(2).unwrap(), vec![n1]);
        assert_eq!(tree.proof(0).unwrap(), vec![sorted[1], sorted[2]]);
    }

    #[test]
    fn every_single_proof_verifies() {
        let leaves: Vec<_> = (0..11).map(leaf).collect();
        let tree = MerkleTree::new(&leaves).unwrap();
        for (i, l) in tree.leaves().enumerate() {
            assert_eq!(tree.leaf_index(l), Some(i));
            assert!(verify(&tree.proof(i).unwrap(), tree.root(), l));
        }
        assert_eq!(tree.leaf_index(leaf(200)), None);
        let nodes = tree.nodes();
        assert_eq!(nodes.len(), 21);
        assert_eq!(nodes[0], tree.root());
        for (i, l) in tree.leaves().enumerate() {
            assert_eq!(nodes[tree.tree_index(i).unwrap()], l);
        }
        assert_eq!(tree.tree_index(11), None);
    }

    #[test]
    fn large_trees_hash_every_level_like_the_sequential_definition() {
        for n in [4095, 4096, 5000, 9000] {
            let leaves: Vec<_> = (0..n).map(|i: u32| keccak256(i.to_be_bytes())).collect();
            let tree = MerkleTree::new(&leaves).unwrap();
            let nodes = tree.nodes();
            for i in 0..n as usize - 1 {
                assert_eq!(
                    nodes[i],
                    hash_pair(nodes[2 * i + 1], nodes[2 * i + 2]),
                    "{n}: {i}"
                );
            }
            let mut sorted = leaves;
            sorted.sort_unstable();
            assert_eq!(tree.leaves().collect::<Vec<_>>(), sorted);
        }
    }

    #[test]
    fn fill_parallel_fills_every_slot_in_order() {
        for len in [0, 10, 4096, 10_001] {
            let mut out = vec![0_usize; len];
            fill_parallel(&mut out, 7, |i| i * 3);
            assert!(
                out.iter().enumerate().all(|(k, &v)| v == (k + 7) * 3),
                "{len}"
            );
        }
    }

    #[test]
    fn multiproof_of_every_leaf_needs_no_proof_hashes() {
        let leaves: Vec<_> = (0..6).map(leaf).collect();
        let tree = MerkleTree::new(&leaves).unwrap();
        let all: Vec<_> = (0..6).collect();
        let mp = tree.multiproof(&all).unwrap();
        assert!(mp.proof.is_empty());
        assert!(mp.flags.iter().all(|&f| f));
        assert!(verify_multiproof(tree.root(), &mp));
    }

    #[test]
    fn multiproof_rejects_bad_selections() {
        let tree = MerkleTree::new(&[leaf(1), leaf(2), leaf(3)]).unwrap();
        assert_eq!(tree.multiproof(&[]), Err(MerkleError::EmptySelection));
        assert_eq!(
            tree.multiproof(&[1, 1]),
            Err(MerkleError::DuplicateIndex(1))
        );
        assert_eq!(
            tree.multiproof(&[3]),
            Err(MerkleError::LeafIndexOutOfRange {
                index: 3,
                leaf_count: 3
            })
        );
        assert_eq!(MerkleTree::new(&[]), Err(MerkleError::NoLeaves));
    }

    #[test]
    fn verifier_rejects_malformed_multiproofs_without_panicking() {
        let root = leaf(9);
        let bad = [
            MultiProof {
                leaves: vec![],
                proof: vec![root],
                flags: vec![],
            },
            MultiProof {
                leaves: vec![leaf(1)],
                proof: vec![],
                flags: vec![true],
            },
            MultiProof {
                leaves: vec![leaf(1), leaf(2)],
                proof: vec![],
                flags: vec![false],
            },
            MultiProof {
                leaves: vec![leaf(1), leaf(2), leaf(3)],
                proof: vec![],
                flags: vec![true, true],
            },
        ];
        for mp in &bad {
            assert!(!verify_multiproof(root, mp), "{mp:?}");
        }
    }
}
