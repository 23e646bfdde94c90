//! The splitter's books replayed from its events (`docs/explorer.md` §3).
//!
//! This is `contracts/royalty_splitter/src/accounting.rs` run forwards over the events, in
//! `(block, log_index)` order:
//!
//! * `SplitRecipientsSet` / `SplitMerkleRootSet` open version `version` of a split with its
//!   members' shares (listed) or only its total (Merkle);
//! * `SplitDeposited` credits `amount` of `token` to the split's *current* version (the last one
//!   opened before it): `mass = amount · 2^64 + remainder`, `acc += mass / total`, `remainder =
//!   mass % total`;
//! * `SplitMemberRegistered` gives a Merkle member its shares in the version it names (from then on
//!   it is a member like a listed recipient; its entitlement covers every deposit of the version,
//!   before its registration too);
//! * `SplitWithdrawn` adds `amount` to what the recipient was paid of `token` in the version it
//!   names.
//!
//! A member's entitlement is `floor(shares · acc / 2^64)` and what it is owed is the entitlement
//! less what it was paid: exactly the splitter's `claimable(splitId, version, recipient,
//! token)`. A Merkle member that has not registered (never claimed) has no shares here: its
//! entitlement depends on a proof the explorer does not have.

use std::collections::BTreeMap;

use alloy::primitives::{Address, B256, U256};

/// Fractional bits of the per-share accumulator (the splitter's `PRECISION_BITS`).
pub const PRECISION_BITS: usize = 64;
/// Largest total shares of a split version (`2^64 - 1`).
pub const MAX_TOTAL_SHARES: U256 = U256::from_limbs([u64::MAX, 0, 0, 0]);
/// Largest per-share accumulator (`2^192 - 1`).
pub const MAX_ACC: U256 = U256::from_limbs([u64::MAX, u64::MAX, u64::MAX, 0]);

/// Where an event sits in the chain: its block, log index and the block's timestamp.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Position {
    /// Block number.
    pub block: u64,
    /// Log index in the block.
    pub log_index: u64,
    /// The block's timestamp (Unix seconds).
    pub timestamp: u64,
}

/// A splitter event, decoded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SplitEvent {
    /// `SplitRecipientsSet`: a listed version.
    RecipientsSet {
        /// The split.
        split: U256,
        /// The version opened.
        version: u32,
        /// Its recipients.
        recipients: Vec<Address>,
        /// Their shares (aligned).
        shares: Vec<U256>,
    },
    /// `SplitMerkleRootSet`: a Merkle version.
    MerkleRootSet {
        /// The split.
        split: U256,
        /// The version opened.
        version: u32,
        /// The root of its `(member, shares)` leaves.
        root: B256,
        /// The sum of the leaves' shares.
        total: U256,
    },
    /// `SplitDeposited`: a credit to the split's current version.
    Deposited {
        /// The split.
        split: U256,
        /// The token (zero = native currency).
        token: Address,
        /// Who paid (the `msg.sender` of `deposit`, or a forwarder).
        from: Address,
        /// The amount credited.
        amount: U256,
    },
    /// `SplitMemberRegistered`: a Merkle member's first claim proved its leaf.
    MemberRegistered {
        /// The split.
        split: U256,
        /// The version.
        version: u32,
        /// The member.
        member: Address,
        /// Its shares.
        shares: U256,
    },
    /// `SplitWithdrawn`: a payment.
    Withdrawn {
        /// The split.
        split: U256,
        /// Who was paid.
        recipient: Address,
        /// The token (zero = native currency).
        token: Address,
        /// The version paid from.
        version: u32,
        /// The amount paid.
        amount: U256,
    },
}

/// Something in the events that the splitter could not have emitted (the replay skips the
/// event and records this; it means the index is incomplete or corrupt).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Anomaly {
    /// Where.
    pub at: Position,
    /// What.
    pub message: String,
}

/// The shape of a version.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VersionKind {
    /// Listed recipients and shares (`SplitRecipientsSet`).
    Listed,
    /// A Merkle root (`SplitMerkleRootSet`); members appear as they register.
    Merkle {
        /// The root.
        root: B256,
    },
}

/// One deposit into a version and token, with the accumulator after it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Deposit {
    /// Where.
    pub at: Position,
    /// Who paid.
    pub from: Address,
    /// Amount credited.
    pub amount: U256,
    /// The accumulator before the deposit.
    pub acc_before: U256,
    /// The accumulator after it.
    pub acc_after: U256,
}

/// The books of one version and token.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TokenBook {
    /// Per-share accumulator (`2^-64` per share).
    pub acc: U256,
    /// Carried division remainder (`2^-64`), always `< total`.
    pub remainder: U256,
    /// Sum of the deposits.
    pub deposited: U256,
    /// Sum of the withdrawals.
    pub withdrawn: U256,
    /// Every deposit, in order.
    pub deposits: Vec<Deposit>,
}

/// A member of a version.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Member {
    /// Its shares.
    pub shares: U256,
    /// When it registered (Merkle members; `None` for listed recipients).
    pub registered_at: Option<Position>,
    /// What it was paid, per token.
    pub paid: BTreeMap<Address, U256>,
}

/// One version of a split.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Version {
    /// Its number.
    pub version: u32,
    /// Listed or Merkle.
    pub kind: VersionKind,
    /// Total shares.
    pub total: U256,
    /// When it was opened.
    pub opened_at: Position,
    /// Known members: every listed recipient, and the Merkle members that registered.
    pub members: BTreeMap<Address, Member>,
    /// Per token.
    pub tokens: BTreeMap<Address, TokenBook>,
}

impl Version {
    /// Shares of Merkle members not registered yet (0 for a listed version).
    pub fn unregistered_shares(&self) -> U256 {
        let registered = self
            .members
            .values()
            .fold(U256::ZERO, |t, m| t.saturating_add(m.shares));
        self.total.saturating_sub(registered)
    }
}

/// One split.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Split {
    /// Its id.
    pub id: U256,
    /// Its versions, indexed by number.
    pub versions: Vec<Version>,
}

/// What a member is owed in one version and token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Owed {
    /// The split.
    pub split: U256,
    /// The version.
    pub version: u32,
    /// The token (zero = native currency).
    pub token: Address,
    /// The member's shares.
    pub shares: U256,
    /// `floor(shares · acc / 2^64)`.
    pub entitlement: U256,
    /// What it was paid.
    pub paid: U256,
    /// `entitlement - paid`: what `withdraw(split, version, member, token)` pays now.
    pub owed: U256,
}

/// A point of a member's earnings: what a deposit added to its entitlement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Earning {
    /// The deposit's position.
    pub at: Position,
    /// The split.
    pub split: U256,
    /// The version.
    pub version: u32,
    /// The token.
    pub token: Address,
    /// What the deposit added to the member's entitlement.
    pub amount: U256,
}

/// `floor(shares · acc / 2^64)`, 0 on overflow (as the splitter's `claimable` treats it).
pub fn entitlement(shares: U256, acc: U256) -> U256 {
    shares
        .checked_mul(acc)
        .map_or(U256::ZERO, |p| p >> PRECISION_BITS)
}

/// The splitter's `accrue`: the accumulator and remainder after crediting `amount` to a
/// version of `total` shares. `None` where the splitter refuses (zero total, overflow).
pub fn accrue(acc: U256, remainder: U256, amount: U256, total: U256) -> Option<(U256, U256)> {
    if total.is_zero() || total > MAX_TOTAL_SHARES || amount > MAX_ACC {
        return None;
    }
    let mass = (amount << PRECISION_BITS).checked_add(remainder)?;
    let (per_share, remainder) = mass.div_rem(total);
    let acc = acc.checked_add(per_share).filter(|a| *a <= MAX_ACC)?;
    Some((acc, remainder))
}

/// Every split's books.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Ledger {
    /// Splits by id.
    pub splits: BTreeMap<U256, Split>,
    /// Events that could not be applied.
    pub anomalies: Vec<Anomaly>,
}

impl Ledger {
    /// Replays `events`, which must be in `(block, log_index)` order.
    pub fn replay<'a>(events: impl IntoIterator<Item = &'a (Position, SplitEvent)>) -> Self {
        let mut ledger = Self::default();
        for (at, event) in events {
            ledger.apply(*at, event);
        }
        ledger
    }

    fn anomaly(&mut self, at: Position, message: String) {
        self.anomalies.push(Anomaly { at, message });
    }

    /// Applies one event (the next in chain order).
    pub fn apply(&mut self, at: Position, event: &SplitEvent) {
        match event {
            SplitEvent::RecipientsSet {
                split,
                version,
                recipients,
                shares,
            } => {
                if recipients.len() != shares.len() {
                    return self.anomaly(
                        at,
                        format!("split {split}: recipients and shares differ in length"),
                    );
                }
                let members = recipients
                    .iter()
                    .zip(shares)
                    .map(|(r, s)| {
                        (
                            *r,
                            Member {
                                shares: *s,
                                ..Member::default()
                            },
                        )
                    })
                    .collect();
                let total = shares.iter().fold(U256::ZERO, |t, s| t.saturating_add(*s));
                self.open(at, *split, *version, VersionKind::Listed, total, members);
            }
            SplitEvent::MerkleRootSet {
                split,
                version,
                root,
                total,
            } => self.open(
                at,
                *split,
                *version,
                VersionKind::Merkle { root: *root },
                *total,
                BTreeMap::new(),
            ),
            SplitEvent::Deposited {
                split,
                token,
                from,
                amount,
            } => self.deposit(at, *split, *token, *from, *amount),
            SplitEvent::MemberRegistered {
                split,
                version,
                member,
                shares,
            } => {
                let Some(v) = self.version_mut(*split, *version) else {
                    return self.anomaly(
                        at,
                        format!("registration in unknown split {split} version {version}"),
                    );
                };
                let entry = v.members.entry(*member).or_default();
                entry.shares = *shares;
                entry.registered_at = Some(at);
            }
            SplitEvent::Withdrawn {
                split,
                recipient,
                token,
                version,
                amount,
            } => {
                let Some(v) = self.version_mut(*split, *version) else {
                    return self.anomaly(
                        at,
                        format!("withdrawal from unknown split {split} version {version}"),
                    );
                };
                let book = v.tokens.entry(*token).or_default();
                book.withdrawn = book.withdrawn.saturating_add(*amount);
                let paid = v
                    .members
                    .entry(*recipient)
                    .or_default()
                    .paid
                    .entry(*token)
                    .or_default();
                *paid = paid.saturating_add(*amount);
            }
        }
    }

    fn deposit(&mut self, at: Position, split: U256, token: Address, from: Address, amount: U256) {
        let Some(current) = self
            .splits
            .get_mut(&split)
            .and_then(|s| s.versions.last_mut())
        else {
            return self.anomaly(at, format!("deposit into unknown split {split}"));
        };
        let book = current.tokens.entry(token).or_default();
        let Some((acc, remainder)) = accrue(book.acc, book.remainder, amount, current.total) else {
            return self.anomaly(at, format!("deposit into split {split} overflows"));
        };
        book.deposits.push(Deposit {
            at,
            from,
            amount,
            acc_before: book.acc,
            acc_after: acc,
        });
        book.acc = acc;
        book.remainder = remainder;
        book.deposited = book.deposited.saturating_add(amount);
    }

    fn open(
        &mut self,
        at: Position,
        split: U256,
        version: u32,
        kind: VersionKind,
        total: U256,
        members: BTreeMap<Address, Member>,
    ) {
        let expected = self.splits.get(&split).map_or(0, |s| s.versions.len());
        if usize::try_from(version).ok() != Some(expected) {
            return self.anomaly(
                at,
                format!("split {split} opened version {version}, expected {expected}"),
            );
        }
        let entry = self.splits.entry(split).or_insert_with(|| Split {
            id: split,
            versions: Vec::new(),
        });
        entry.versions.push(Version {
            version,
            kind,
            total,
            opened_at: at,
            members,
            tokens: BTreeMap::new(),
        });
    }

    fn version_mut(&mut self, split: U256, version: u32) -> Option<&mut Version> {
        self.splits
            .get_mut(&split)?
            .versions
            .get_mut(usize::try_from(version).ok()?)
    }

    /// Version `version` of `split`.
    pub fn version(&self, split: U256, version: u32) -> Option<&Version> {
        self.splits
            .get(&split)?
            .versions
            .get(usize::try_from(version).ok()?)
    }

    /// What `member` can withdraw of `token` from `split` version `version` now: the splitter's
    /// `claimable` (0 for an unknown split, version or member).
    pub fn claimable(&self, split: U256, version: u32, member: Address, token: Address) -> U256 {
        self.book_of(split, version, member, token)
            .map_or(U256::ZERO, |o| o.owed)
    }

    /// The books of `member` in one version and token (`None` if it is not a known member).
    pub fn book_of(
        &self,
        split: U256,
        version: u32,
        member: Address,
        token: Address,
    ) -> Option<Owed> {
        let v = self.version(split, version)?;
        let m = v.members.get(&member)?;
        let acc = v.tokens.get(&token).map_or(U256::ZERO, |b| b.acc);
        let entitled = entitlement(m.shares, acc);
        let paid = m.paid.get(&token).copied().unwrap_or_default();
        Some(Owed {
            split,
            version,
            token,
            shares: m.shares,
            entitlement: entitled,
            paid,
            owed: entitled.saturating_sub(paid),
        })
    }

    /// Every (split, version, token) where `member` has shares, with its books, in split,
    /// version and token order (tokens with no deposit are left out).
    pub fn books_of(&self, member: Address) -> Vec<Owed> {
        let mut out = Vec::new();
        for split in self.splits.values() {
            for v in &split.versions {
                if !v.members.contains_key(&member) {
                    continue;
                }
                let mut tokens: Vec<Address> = v.tokens.keys().copied().collect();
                if let Some(m) = v.members.get(&member) {
                    tokens.extend(m.paid.keys().copied());
                }
                tokens.sort_unstable();
                tokens.dedup();
                for token in tokens {
                    if let Some(o) = self.book_of(split.id, v.version, member, token) {
                        out.push(o);
                    }
                }
            }
        }
        out
    }

    /// What each deposit added to `member`'s entitlement, in chain order (a registered Merkle
    /// member earns from every deposit of its version, before its registration too).
    pub fn earnings_of(&self, member: Address) -> Vec<Earning> {
        let mut out = Vec::new();
        for split in self.splits.values() {
            for v in &split.versions {
                let Some(m) = v.members.get(&member) else {
                    continue;
                };
                for (token, book) in &v.tokens {
                    for d in &book.deposits {
                        let amount = entitlement(m.shares, d.acc_after)
                            .saturating_sub(entitlement(m.shares, d.acc_before));
                        if !amount.is_zero() {
                            out.push(Earning {
                                at: d.at,
                                split: split.id,
                                version: v.version,
                                token: *token,
                                amount,
                            });
                        }
                    }
                }
            }
        }
        out.sort_by_key(|e| e.at);
        out
    }

    /// The split's current version number (the last opened), if the split is known.
    pub fn current_version(&self, split: U256) -> Option<u32> {
        self.splits.get(&split)?.versions.last().map(|v| v.version)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(block: u64) -> Position {
        Position {
            block,
            log_index: 0,
            timestamp: 1000 + block,
        }
    }

    fn addr(n: u8) -> Address {
        Address::repeat_byte(n)
    }

    fn u(n: u64) -> U256 {
        U256::from(n)
    }

    const NATIVE: Address = Address::ZERO;

    fn listed(split: u64, version: u32, members: &[(u8, u64)]) -> SplitEvent {
        SplitEvent::RecipientsSet {
            split: u(split),
            version,
            recipients: members.iter().map(|(a, _)| addr(*a)).collect(),
            shares: members.iter().map(|(_, s)| u(*s)).collect(),
        }
    }

    fn deposit(split: u64, token: Address, amount: u64) -> SplitEvent {
        SplitEvent::Deposited {
            split: u(split),
            token,
            from: addr(0xee),
            amount: u(amount),
        }
    }

    fn withdraw(split: u64, version: u32, who: u8, token: Address, amount: u64) -> SplitEvent {
        SplitEvent::Withdrawn {
            split: u(split),
            recipient: addr(who),
            token,
            version,
            amount: u(amount),
        }
    }

    fn replay(events: Vec<SplitEvent>) -> Ledger {
        let positioned: Vec<(Position, SplitEvent)> = events
            .into_iter()
            .enumerate()
            .map(|(i, e)| (at(i as u64 + 1), e))
            .collect();
        Ledger::replay(&positioned)
    }

    #[test]
    fn remainder_is_carried_between_deposits() {
        // 10 wei over 3 shares (1 + 2), three times. By hand:
        //   d1: mass = 10·2^64, acc = floor(10·2^64/3) = 3·2^64 + floor(2^64/3), rem = 10·2^64 mod
        // 3 = 1       (2^64 ≡ 1 mod 3, so 10·2^64 ≡ 1).
        //   a (1 share): floor(acc / 2^64) = 3; b (2 shares): floor(2·acc / 2^64) = 6.
        //   after three deposits the remainders add up: acc = 10·2^64 exactly (30·2^64 / 3).
        let mut l = replay(vec![
            listed(1, 0, &[(0xa, 1), (0xb, 2)]),
            deposit(1, NATIVE, 10),
        ]);
        let one = U256::from(1) << 64;
        let third = one / u(3);
        assert_eq!(
            l.version(u(1), 0).unwrap().tokens[&NATIVE].acc,
            u(3) * one + third
        );
        assert_eq!(l.version(u(1), 0).unwrap().tokens[&NATIVE].remainder, u(1));
        assert_eq!(l.claimable(u(1), 0, addr(0xa), NATIVE), u(3));
        assert_eq!(l.claimable(u(1), 0, addr(0xb), NATIVE), u(6));
        l.apply(at(10), &deposit(1, NATIVE, 10));
        l.apply(at(11), &deposit(1, NATIVE, 10));
        let v = l.version(u(1), 0).unwrap();
        assert_eq!(v.tokens[&NATIVE].acc, u(10) * one);
        assert_eq!(v.tokens[&NATIVE].remainder, U256::ZERO);
        assert_eq!(l.claimable(u(1), 0, addr(0xa), NATIVE), u(10));
        assert_eq!(l.claimable(u(1), 0, addr(0xb), NATIVE), u(20));
        // Earnings: a's entitlement went 3, 6 (floor(2·(3+1/3))=6), 10: steps 3, 3, 4.
        let steps: Vec<U256> = l.earnings_of(addr(0xa)).iter().map(|e| e.amount).collect();
        assert_eq!(steps, vec![u(3), u(3), u(4)]);
        let b: U256 = l.earnings_of(addr(0xb)).iter().map(|e| e.amount).sum();
        assert_eq!(b, u(20));
    }

    #[test]
    fn deposits_go_to_the_current_version_and_withdrawals_name_theirs() {
        // v0: a 60 / b 40; 1000 wei. v1: b 1 / c 3; 400 wei. a withdraws v0 in full, b part.
        let l = replay(vec![
            listed(7, 0, &[(0xa, 60), (0xb, 40)]),
            deposit(7, NATIVE, 1000),
            listed(7, 1, &[(0xb, 1), (0xc, 3)]),
            deposit(7, NATIVE, 400),
            withdraw(7, 0, 0xa, NATIVE, 600),
            withdraw(7, 0, 0xb, NATIVE, 100),
        ]);
        assert_eq!(l.current_version(u(7)), Some(1));
        assert_eq!(l.claimable(u(7), 0, addr(0xa), NATIVE), U256::ZERO);
        assert_eq!(l.claimable(u(7), 0, addr(0xb), NATIVE), u(300));
        assert_eq!(l.claimable(u(7), 1, addr(0xb), NATIVE), u(100));
        assert_eq!(l.claimable(u(7), 1, addr(0xc), NATIVE), u(300));
        assert_eq!(l.claimable(u(7), 1, addr(0xa), NATIVE), U256::ZERO);
        let b = l.books_of(addr(0xb));
        assert_eq!(b.len(), 2);
        assert_eq!(
            (b[0].version, b[0].entitlement, b[0].paid, b[0].owed),
            (0, u(400), u(100), u(300))
        );
        assert_eq!((b[1].version, b[1].owed), (1, u(100)));
        assert!(l.anomalies.is_empty());
    }

    #[test]
    fn tokens_are_booked_apart() {
        let token = addr(0x70);
        let l = replay(vec![
            listed(2, 0, &[(0xa, 1), (0xb, 1)]),
            deposit(2, token, 7),
            deposit(2, NATIVE, 4),
            withdraw(2, 0, 0xa, token, 3),
        ]);
        // 7 over 2 shares: acc = 3.5·2^64, each is entitled to 3; one wei stays as dust.
        assert_eq!(l.claimable(u(2), 0, addr(0xa), token), U256::ZERO);
        assert_eq!(l.claimable(u(2), 0, addr(0xb), token), u(3));
        assert_eq!(l.claimable(u(2), 0, addr(0xa), NATIVE), u(2));
        let books = l.books_of(addr(0xa));
        assert_eq!(books.len(), 2);
        assert_eq!(books[1].token, token);
        assert_eq!(books[1].paid, u(3));
    }

    #[test]
    fn merkle_members_earn_from_registration_back_to_the_first_deposit() {
        let root = B256::repeat_byte(1);
        let l = replay(vec![
            SplitEvent::MerkleRootSet {
                split: u(3),
                version: 0,
                root,
                total: u(4),
            },
            deposit(3, NATIVE, 100),
            SplitEvent::MemberRegistered {
                split: u(3),
                version: 0,
                member: addr(0xa),
                shares: u(1),
            },
            withdraw(3, 0, 0xa, NATIVE, 25),
            deposit(3, NATIVE, 8),
        ]);
        let v = l.version(u(3), 0).unwrap();
        assert_eq!(v.unregistered_shares(), u(3));
        assert_eq!(l.claimable(u(3), 0, addr(0xa), NATIVE), u(2));
        assert_eq!(l.claimable(u(3), 0, addr(0xb), NATIVE), U256::ZERO);
        let e = l.earnings_of(addr(0xa));
        assert_eq!(
            e.iter().map(|e| e.amount).collect::<Vec<_>>(),
            vec![u(25), u(2)]
        );
    }

    #[test]
    fn impossible_events_are_anomalies_not_panics() {
        let l = replay(vec![
            deposit(9, NATIVE, 1),
            listed(9, 1, &[(0xa, 1)]),
            withdraw(9, 3, 0xa, NATIVE, 1),
        ]);
        assert_eq!(l.anomalies.len(), 3);
        assert!(l.splits.is_empty());
    }

    #[test]
    fn accrue_matches_the_contract_bounds() {
        assert_eq!(accrue(U256::ZERO, U256::ZERO, u(1), U256::ZERO), None);
        assert_eq!(accrue(U256::ZERO, U256::ZERO, U256::MAX, u(1)), None);
        let cap = (U256::from(1) << 128) - u(1);
        let (acc, _) = accrue(U256::ZERO, U256::ZERO, cap, u(1)).unwrap();
        assert_eq!(entitlement(u(1), acc), cap);
        assert_eq!(accrue(acc, U256::ZERO, u(1), u(1)), None);
        assert_eq!(entitlement(U256::MAX, u(2)), U256::ZERO);
    }
}
