//! `tributary-gateway`.
fn main() {}
