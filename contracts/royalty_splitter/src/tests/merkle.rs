//! merkle tests.
