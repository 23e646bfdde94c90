//! The contract's notion of "now".
//!
//! On chain this is the block timestamp. motsu's host always reports the same timestamp, so
//! this crate's tests add a per-thread offset ([`advance`]) to walk through review windows,
//! stake locks and veto windows. The offset exists only in `cfg(test)` builds.

use stylus_sdk::prelude::Host;

/// The current time in unix seconds.
pub(crate) fn now(vm: &dyn Host) -> u64 {
    let timestamp = vm.block_timestamp();
    #[cfg(test)]
    let timestamp = timestamp + OFFSET.with(core::cell::Cell::get);
    timestamp
}

#[cfg(test)]
std::thread_local! {
    /// Seconds added to the block timestamp in this test thread.
    static OFFSET: core::cell::Cell<u64> = const { core::cell::Cell::new(0) };
}

/// Moves this test thread's clock forward by `seconds` (tests only).
#[cfg(test)]
pub(crate) fn advance(seconds: u64) {
    OFFSET.with(|offset| offset.set(offset.get() + seconds));
}
