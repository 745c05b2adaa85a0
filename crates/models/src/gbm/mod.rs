//! Gradient-boosted decision trees for binary classification, LightGBM-style, in pure Rust.
//!
//! TODO docs
mod booster;
mod grower;
mod model;
mod params;
mod tree;

pub use model::{FittedGbm, ImportanceKind};
pub use params::{EarlyStopping, EvalMetric, GbmParams};
pub use tree::Tree;
