//! What a license allows (scope bit-flags) and how usage is metered (units).
//!
//! Scopes are a `uint256` bit set so that new rights can be added without changing any
//! interface: a license is valid for a requested scope when every requested bit is granted.

use alloy_primitives::U256;

/// Training a model on the data.
pub const TRAIN: u64 = 1 << 0;
/// Running inference that retrieves or conditions on the data.
pub const INFERENCE: u64 = 1 << 1;
/// Commercial use of the result.
pub const COMMERCIAL: u64 = 1 << 2;
/// Publishing derivative models (they must be registered and pay derivative royalties).
pub const DERIVATIVES: u64 = 1 << 3;
/// Fine-tuning an existing model on the data.
pub const FINE_TUNE: u64 = 1 << 4;
/// Evaluation and benchmarking only.
pub const EVALUATION: u64 = 1 << 5;
/// Every flag defined so far; higher bits are reserved for future rights.
pub const KNOWN_SCOPES: u64 = TRAIN | INFERENCE | COMMERCIAL | DERIVATIVES | FINE_TUNE | EVALUATION;
/// The scopes an offer on a model may grant: running it, fine-tuning it, commercial use of its
/// outputs and publishing derivatives (a fine-tune registered with it as a parent). Training on
/// a model and evaluation-only are dataset rights (`LicenseOffers` refuses them on a model with
/// `InvalidScope`).
pub const MODEL_SCOPES: u64 = INFERENCE | FINE_TUNE | COMMERCIAL | DERIVATIVES;

/// Whether `granted` includes every bit of `requested`. An empty request is never granted:
/// asking for nothing is a caller bug, not a licensed use.
pub fn includes(granted: U256, requested: U256) -> bool {
    !requested.is_zero() && (granted & requested) == requested
}

/// Usage is metered in samples (per-use rate is wei per sample).
pub const UNIT_SAMPLES: u8 = 0;
/// Usage is metered in thousands of tokens (rate is wei per 1k tokens).
pub const UNIT_KILO_TOKENS: u8 = 1;
/// Usage is metered in compute seconds (rate is wei per second).
pub const UNIT_COMPUTE_SECONDS: u8 = 2;
/// Usage is metered in requests (rate is wei per request, e.g. per inference call).
pub const UNIT_REQUESTS: u8 = 3;
/// Largest defined unit code.
pub const MAX_UNIT: u8 = UNIT_REQUESTS;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn includes_requires_every_requested_bit() {
        let granted = U256::from(TRAIN | DERIVATIVES);
        assert!(includes(granted, U256::from(TRAIN)));
        assert!(includes(granted, U256::from(TRAIN | DERIVATIVES)));
        assert!(!includes(granted, U256::from(TRAIN | COMMERCIAL)));
        assert!(!includes(granted, U256::ZERO));
    }
}
