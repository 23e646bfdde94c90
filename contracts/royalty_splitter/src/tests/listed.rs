//! listed tests.
