//! receiver tests.
