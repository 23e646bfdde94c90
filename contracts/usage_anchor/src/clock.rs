//! The contract's notion of "now".
//!
//! On chain this is the block timestamp. motsu's host always reports the same timestamp, so
//! unit tests add a per-thread offset ([`advance`]) to walk through challenge windows and
//! delays; that offset does not exist outside `cfg(test)`.

use stylus_sdk::prelude::Host;

/// The current time in unix seconds.
pub(crate) fn now(vm: &dyn Host) -> u64 {
    let timestamp = vm.block_timestamp();
    #[cfg(test)]
    let timestamp = timestamp + test_clock::OFFSET.with(core::cell::Cell::get);
    timestamp
}

#[cfg(test)]
pub(crate) use test_clock::advance;

#[cfg(test)]
mod test_clock {
    use core::cell::Cell;

    std::thread_local! {
        /// Seconds added to the block timestamp in this test thread.
        pub(super) static OFFSET: Cell<u64> = const { Cell::new(0) };
    }

    /// Moves this test thread's clock (and the usage escrow's) forward by `seconds`.
    pub(crate) fn advance(seconds: u64) {
        OFFSET.with(|offset| offset.set(offset.get() + seconds));
        usage_escrow::clock::advance(seconds);
    }
}
