//! The contract's notion of "now".
//!
//! On chain this is the block timestamp. motsu's host always reports the same timestamp, so
//! tests add a per-thread offset ([`advance`]) to walk through challenge windows and delays.
//! The offset exists only in this crate's own tests and with the `test-clock` feature, which
//! the usage disputes contract's tests enable to drive the contracts' clocks together; never
//! enable it in a deployed build.

use stylus_sdk::prelude::Host;

/// The current time in unix seconds.
pub(crate) fn now(vm: &dyn Host) -> u64 {
    let timestamp = vm.block_timestamp();
    #[cfg(any(test, feature = "test-clock"))]
    let timestamp = timestamp + test_clock::OFFSET.with(core::cell::Cell::get);
    timestamp
}

#[cfg(any(test, feature = "test-clock"))]
pub use test_clock::advance;

#[cfg(any(test, feature = "test-clock"))]
mod test_clock {
    use core::cell::Cell;

    std::thread_local! {
        /// Seconds added to the block timestamp in this test thread.
        pub(super) static OFFSET: Cell<u64> = const { Cell::new(0) };
    }

    /// Moves this test thread's clock forward by `seconds`; in this crate's own tests, the
    /// usage escrow's clock too (the escrow is a dev-dependency only there).
    pub fn advance(seconds: u64) {
        OFFSET.with(|offset| offset.set(offset.get() + seconds));
        #[cfg(test)]
        usage_escrow::clock::advance(seconds);
    }
}
