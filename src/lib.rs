//! # pdscore
//!
//! Probability-of-default scoring for imbalanced credit data (defaulters ~1 in 70), in Rust.
//!
//! This facade re-exports the core crates; frontends (the `pdscore` CLI, the web app, `cargo
//! xtask`) and the examples use only this crate.
//!
//! | module | crate | what it owns |
//! |---|---|---|
//! | [`ingest`] | `pdscore-ingest` | CSV/Parquet → typed [`ingest::Table`]; schemas; the Klarna schema and synthetic data |
//! | [`features`] | `pdscore-features` | preprocessing fitted on training rows only → `Array2<f64>` |
//! | [`resample`] | `pdscore-resample` | stratified folds, class weights, over/under-sampling, SMOTE |
//! | [`models`] | `pdscore-models` | classifiers behind one trait, each returning P(default) |
//! | [`metrics`] | `pdscore-metrics` | ROC/PR AUC, confusion matrices, calibration, thresholds |
//! | [`pipeline`] | `pdscore-pipeline` | the saved fitted pipeline and the model comparison |

pub use pdscore_features as features;
pub use pdscore_ingest as ingest;
pub use pdscore_metrics as metrics;
pub use pdscore_models as models;
pub use pdscore_pipeline as pipeline;
pub use pdscore_resample as resample;

/// The names most programs need: `use pdscore::prelude::*;`.
pub mod prelude {
    pub use pdscore_ingest::{ReadOptions, Schema, Table, read_csv};
    pub use pdscore_metrics::ThresholdObjective;
    pub use pdscore_models::{FittedClassifier, FittedModel, ModelSpec};
    pub use pdscore_pipeline::{
        CalibrationChoice, CalibrationSpec, Candidate, Comparison, CvSpec, EvaluateSpec,
        FeaturePreset, InputSpec, LabelledData, Pipeline, PipelineError, Scored, SelectionMetric,
        SelectionRule, TrainOptions, Weighting, compare, default_candidates, evaluate,
    };
}
