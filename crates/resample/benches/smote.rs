//! Placeholder, replaced by the SMOTE bench.
fn main() {}
