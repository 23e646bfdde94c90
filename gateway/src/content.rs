//! A dataset directory: its shards, their hashes, the content hash registered on chain, and
//! the record index that meters byte ranges in samples.
//!
//! # Content hash (`docs/gateway.md`)
//!
//! - Shards: the regular files under the dataset directory whose path has no component starting
//!   with `.` (hidden files and directories are skipped, symbolic links are not followed), named by
//!   their path relative to the directory with `/` separators, sorted by that path (byte order).
//! - Shard leaf: `keccak256(keccak256(abi.encode(string path, uint256 size, bytes32
//!   keccak256(bytes))))`.
//! - Content hash: the root of the `StandardMerkleTree` over the shard leaves
//!   ([`tributary_kit::attest::merkle::MerkleTree`]: leaves sorted, inner node = keccak of the
//!   sorted pair). A dataset without shards has no content hash.

use std::{
    fs::File,
    io::{self, Read},
    path::{Path, PathBuf},
};

use alloy::{
    primitives::{keccak256, B256, U256},
    sol_types::SolValue,
};
use tributary_kit::attest::merkle::MerkleTree;

/// Bytes per block of the record index: counting the records of any range reads at most two
/// partial blocks from disk.
pub const INDEX_BLOCK: u64 = 64 * 1024;

/// One file of the dataset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shard {
    /// Path relative to the dataset directory, `/`-separated.
    pub path: String,
    /// Size in bytes.
    pub size: u64,
    /// `keccak256` of its bytes.
    pub hash: B256,
    /// Whether it is JSON Lines (`.jsonl`): a record is a line.
    pub jsonl: bool,
    /// `newlines[i]`: newline bytes in `[0, i * INDEX_BLOCK)` (JSON Lines only).
    newlines: Vec<u64>,
}

impl Shard {
    /// Its Merkle leaf: `keccak256(keccak256(abi.encode(path, size, hash)))`.
    pub fn leaf(&self) -> B256 {
        shard_leaf(&self.path, self.size, self.hash)
    }

    /// Records in the whole shard (lines of a JSON Lines shard, else 1).
    pub fn records(&self) -> u64 {
        if self.jsonl {
            self.newlines.last().copied().unwrap_or(0)
        } else {
            1
        }
    }
}

/// The leaf of a shard `path` of `size` bytes hashing to `hash`.
pub fn shard_leaf(path: &str, size: u64, hash: B256) -> B256 {
    keccak256(keccak256(
        (path.to_owned(), U256::from(size), hash).abi_encode_params(),
    ))
}

/// A scanned dataset directory.
#[derive(Debug, Clone)]
pub struct Dataset {
    /// The directory.
    pub root: PathBuf,
    /// Shards sorted by path.
    pub shards: Vec<Shard>,
    /// Merkle root over the shard leaves.
    pub content_hash: B256,
}

impl Dataset {
    /// Scans `root`: lists, hashes and indexes every shard.
    ///
    /// # Errors
    /// I/O errors; [`io::ErrorKind::InvalidInput`] when the directory has no shard or a path
    /// is not UTF-8.
    pub fn scan(root: &Path) -> io::Result<Self> {
        let mut paths = Vec::new();
        walk(root, "", &mut paths)?;
        paths.sort();
        let mut shards = Vec::with_capacity(paths.len());
        for path in paths {
            shards.push(scan_shard(root, path)?);
        }
        let leaves: Vec<B256> = shards.iter().map(Shard::leaf).collect();
        let tree = MerkleTree::new(&leaves).map_err(|e| {
            io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("{}: {e}", root.display()),
            )
        })?;
        Ok(Self {
            root: root.to_path_buf(),
            shards,
            content_hash: tree.root(),
        })
    }

    /// The shard at `path`.
    pub fn shard(&self, path: &str) -> Option<&Shard> {
        self.shards
            .binary_search_by(|s| s.path.as_str().cmp(path))
            .ok()
            .map(|i| &self.shards[i])
    }

    /// The file of a shard.
    pub fn file_of(&self, shard: &Shard) -> PathBuf {
        self.root.join(&shard.path)
    }

    /// Records served by the bytes `[start, end)` of `shard` (see [`records_in`]).
    ///
    /// # Errors
    /// I/O errors reading the partial blocks.
    pub fn records_in(&self, shard: &Shard, start: u64, end: u64) -> io::Result<u64> {
        records_in(&self.file_of(shard), shard, start, end)
    }
}

fn walk(root: &Path, prefix: &str, out: &mut Vec<String>) -> io::Result<()> {
    let dir = if prefix.is_empty() {
        root.to_path_buf()
    } else {
        root.join(prefix)
    };
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name();
        let Some(name) = name.to_str() else {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("{}: file name is not UTF-8", entry.path().display()),
            ));
        };
        if name.starts_with('.') {
            continue;
        }
        let rel = if prefix.is_empty() {
            name.to_owned()
        } else {
            format!("{prefix}/{name}")
        };
        // `file_type` does not follow symbolic links: links are neither files nor directories.
        let kind = entry.file_type()?;
        if kind.is_dir() {
            walk(root, &rel, out)?;
        } else if kind.is_file() {
            out.push(rel);
        }
    }
    Ok(())
}

fn scan_shard(root: &Path, path: String) -> io::Result<Shard> {
    let jsonl = Path::new(&path)
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("jsonl"));
    let mut file = File::open(root.join(&path))?;
    let mut hasher = alloy::primitives::Keccak256::new();
    let mut newlines = vec![0_u64];
    let mut buf = vec![0_u8; usize::try_from(INDEX_BLOCK).unwrap_or(65_536)];
    let mut size = 0_u64;
    let mut in_block = 0_u64;
    let mut count = 0_u64;
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        size += n as u64;
        if jsonl {
            for &b in &buf[..n] {
                if b == b'\n' {
                    count += 1;
                }
                in_block += 1;
                if in_block == INDEX_BLOCK {
                    newlines.push(count);
                    in_block = 0;
                }
            }
        }
    }
    if jsonl && in_block > 0 {
        newlines.push(count);
    }
    Ok(Shard {
        path,
        size,
        hash: hasher.finalize(),
        jsonl,
        newlines,
    })
}

/// Records in the bytes `[start, end)` of `shard` (stored at `file`): for JSON Lines the
/// newline bytes in the range, otherwise 1 if the range holds the file's last byte, else 0.
///
/// # Errors
/// I/O errors reading the partial blocks.
pub fn records_in(file: &Path, shard: &Shard, start: u64, end: u64) -> io::Result<u64> {
    let end = end.min(shard.size);
    if start >= end {
        return Ok(0);
    }
    if !shard.jsonl {
        return Ok(u64::from(end == shard.size));
    }
    let first_full = start.div_ceil(INDEX_BLOCK);
    let last_full = end / INDEX_BLOCK;
    if first_full >= last_full {
        return count_newlines(file, start, end);
    }
    let at = |block: u64| {
        usize::try_from(block)
            .ok()
            .and_then(|i| shard.newlines.get(i).copied())
            .unwrap_or(0)
    };
    let middle = at(last_full).saturating_sub(at(first_full));
    let head = count_newlines(file, start, first_full * INDEX_BLOCK)?;
    let tail = count_newlines(file, last_full * INDEX_BLOCK, end)?;
    Ok(head + middle + tail)
}

/// Newline bytes in `bytes`.
fn newlines_in(bytes: &[u8]) -> u64 {
    bytes.iter().map(|&b| u64::from(b == b'\n')).sum()
}

fn count_newlines(file: &Path, start: u64, end: u64) -> io::Result<u64> {
    use std::io::Seek;
    if start >= end {
        return Ok(0);
    }
    let mut f = File::open(file)?;
    f.seek(io::SeekFrom::Start(start))?;
    let mut buf = vec![0_u8; usize::try_from(end - start).unwrap_or(usize::MAX)];
    f.read_exact(&mut buf)?;
    Ok(newlines_in(&buf))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, rel: &str, bytes: &[u8]) {
        let path = dir.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }

    #[test]
    fn content_hash_matches_an_independent_computation() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "b/records.jsonl", b"{\"a\":1}\n{\"a\":2}\n");
        write(dir.path(), "a.bin", &[1, 2, 3]);
        write(dir.path(), ".hidden", b"skipped");
        write(dir.path(), ".git/config", b"skipped");
        let ds = Dataset::scan(dir.path()).unwrap();
        let paths: Vec<&str> = ds.shards.iter().map(|s| s.path.as_str()).collect();
        assert_eq!(paths, ["a.bin", "b/records.jsonl"]);

        // Independently: hand-rolled ABI encoding of (string, uint256, bytes32) and the
        // two-leaf tree = keccak of the sorted pair.
        let leaf = |path: &str, bytes: &[u8]| {
            let mut enc = Vec::new();
            let mut word = [0_u8; 32];
            word[31] = 0x60; // offset of the string: three head words
            enc.extend_from_slice(&word);
            let mut size = [0_u8; 32];
            size[24..].copy_from_slice(&(bytes.len() as u64).to_be_bytes());
            enc.extend_from_slice(&size);
            enc.extend_from_slice(keccak256(bytes).as_slice());
            let mut len = [0_u8; 32];
            len[24..].copy_from_slice(&(path.len() as u64).to_be_bytes());
            enc.extend_from_slice(&len);
            let mut data = path.as_bytes().to_vec();
            data.resize(path.len().div_ceil(32) * 32, 0);
            enc.extend_from_slice(&data);
            keccak256(keccak256(&enc))
        };
        let a = leaf("a.bin", &[1, 2, 3]);
        let b = leaf("b/records.jsonl", b"{\"a\":1}\n{\"a\":2}\n");
        let (lo, hi) = if a < b { (a, b) } else { (b, a) };
        let root = keccak256([lo.as_slice(), hi.as_slice()].concat());
        assert_eq!(ds.content_hash, root);
        assert_eq!(ds.shards[1].records(), 2);
    }

    #[test]
    fn empty_dataset_has_no_content_hash() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), ".only-hidden", b"x");
        let err = Dataset::scan(dir.path()).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
    }

    #[test]
    fn range_metering_counts_newlines_served() {
        let dir = tempfile::tempdir().unwrap();
        // Records of varying length spanning several index blocks.
        let mut body = Vec::new();
        for i in 0..20_000 {
            body.extend_from_slice(
                format!("{{\"i\":{i},\"pad\":\"{}\"}}\n", "x".repeat(i % 17)).as_bytes(),
            );
        }
        write(dir.path(), "r.jsonl", &body);
        write(dir.path(), "img.png", &[0_u8; 10]);
        let ds = Dataset::scan(dir.path()).unwrap();
        let shard = ds.shard("r.jsonl").unwrap();
        assert_eq!(shard.records(), 20_000);
        let naive = |s: usize, e: usize| newlines_in(&body[s..e]);
        let len = body.len();
        for (s, e) in [
            (0, len),
            (0, 1),
            (5, 70_000),
            (65_536, 131_072),
            (65_535, 131_073),
            (100, 400_000.min(len)),
            (len - 1, len),
            (len / 2, len),
        ] {
            assert_eq!(
                ds.records_in(shard, s as u64, e as u64).unwrap(),
                naive(s, e),
                "{s}..{e}"
            );
        }
        // Ranges that split the file add up to the whole.
        let mid = 123_457;
        assert_eq!(
            ds.records_in(shard, 0, mid).unwrap() + ds.records_in(shard, mid, len as u64).unwrap(),
            20_000
        );
        let img = ds.shard("img.png").unwrap();
        assert_eq!(ds.records_in(img, 0, 9).unwrap(), 0);
        assert_eq!(ds.records_in(img, 9, 10).unwrap(), 1);
        assert_eq!(ds.records_in(img, 0, 10).unwrap(), 1);
    }
}
