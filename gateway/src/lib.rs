//! The access gateway.
pub mod pipeline;
