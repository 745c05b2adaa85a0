//! # pdscore-pipeline
//!
//! The fitted whole — preprocessing + model + decision threshold + model card — saved as one
//! versioned file, and the cross-validated model comparison that picks it.
//!
//! The flow every frontend (CLI, web app, `cargo xtask evaluate`, examples) follows:
//!
//! 1. [`LabelledData::new`] keeps the labelled rows of a table and records the input's
//!    fingerprint.
//! 2. [`compare`] cross-validates a list of [`Candidate`]s (preprocessing preset, optional class
//!    weighting or weight grid, optional sampler, model) with stratified folds: everything is
//!    refitted on each training fold only, and **calibrated** there on scores cross-fitted on
//!    inner folds ([`CalibrationSpec`]), so every out-of-fold figure is one of PDs. The
//!    [`SelectionRule`] picks the best (the simplest candidate within one standard error of the
//!    highest mean PR AUC by default), and the same selection redone inside each outer fold
//!    gives honest figures for the procedure ([`NestedEvaluation`]). The default list ends with
//!    `ensemble`, a stack of the best candidates of distinct families built from their held-out
//!    PDs ([`EnsembleSpec`]).
//! 3. [`Pipeline::fit`] refits and recalibrates the chosen candidate on all labelled rows
//!    (optionally moving the PDs to a long-run default rate), takes the threshold the policy
//!    chose on its pooled out-of-fold PDs, and writes the [`ModelCard`].
//! 4. [`Pipeline::save`] / [`Pipeline::load`] write and read one JSON file with a format
//!    version and a SHA-256 checksum ([`file`](mod@file)); [`Pipeline::score`] gives each row its PD and
//!    decision, plus an [`Evaluation`] when the table has labels.
//! 5. [`evaluate`] runs the whole job from a CSV path (what `pdscore evaluate` and
//!    `cargo xtask evaluate` call) and [`Evaluated::write_all`] writes every output.
//!    Scored rows go out as CSV through the one writer of [`output`] ([`ScoredCsv`]), which
//!    escapes ids against CSV and formula injection.
//! 6. [`report`] renders the comparison as text, Markdown and self-contained HTML with SVG
//!    charts.
//! 7. [`Scorecard`] turns a fitted `scorecard` candidate (WoE binning + logistic regression)
//!    into a points table, exported as CSV, Markdown or one SQL `SELECT`
//!    ([`scorecard_sql`]).
//!
//! ```no_run
//! use pdscore_ingest::{ReadOptions, Schema, read_csv};
//! use pdscore_pipeline::{CvSpec, LabelledData, Pipeline, TrainOptions, compare, default_candidates};
//!
//! let table = read_csv(std::path::Path::new("data/klarna_synth_sample.csv"), &ReadOptions::new())?;
//! let schema = Schema::infer(&table, Some("default"), Some("uuid"))?;
//! let data = LabelledData::new(&table, &schema, None)?;
//! let comparison = compare(&data, &default_candidates(0), &CvSpec::default(), None)?;
//! let pipeline = Pipeline::fit(&data, &comparison, &TrainOptions::default())?;
//! pipeline.save(std::path::Path::new("model.json"))?;
//! let scored = Pipeline::load(std::path::Path::new("model.json"))?.score(&table)?;
//! println!("first PD: {}", scored.pd[0]);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod atomic;
mod calibration;
mod candidate;
mod card;
mod clock;
mod compare;
mod data;
mod ensemble;
mod error;
mod evaluate;
pub mod explain;
pub mod file;
mod fit;
mod input;
mod monitor;
mod monotone;
mod nested;
mod out_of_time;
pub mod output;
mod pipeline;
pub mod plot;
pub mod report;
mod scorecard;
mod select;
mod stats;
mod summary;
mod tune;

pub use atomic::{AtomicFile, write_atomically};
pub use calibration::{
    Calibration, CalibrationChoice, CalibrationSpec, DEFAULT_PD_FLOOR, TargetRate,
};
pub use candidate::{
    Candidate, CvSpec, DEFAULT_BUDGET_SECONDS, FOREST_TUNED_CONFIGS, FeaturePreset, GBM_MAX_ROUNDS,
    GBM_PATIENCE, GBM_TUNED_CONFIGS, MLP_TUNED_CONFIGS, Weighting, default_candidates,
};
pub use card::{
    CalibrationCard, ColumnCard, CvCard, CvRow, FeatureImportance, ImportanceMethod, ModelCard,
    ModelInfo, SchemaCard, ThresholdCard, policy_text,
};
pub use clock::{rfc3339_from_unix, utc_now_rfc3339};
pub use compare::{CandidateResult, Comparison, FailedCandidate, Progress, compare};
pub use data::{DataFingerprint, LabelledData, row_ids, take_rows};
pub use ensemble::{
    EnsembleCard, EnsembleFold, EnsembleMember, EnsembleMemberCard, EnsembleSpec, FittedEnsemble,
    MAX_MEMBERS, MIN_MEMBERS, member_family,
};
pub use error::{PipelineError, Result};
pub use evaluate::{EvaluateSpec, Evaluated, ResultsJson, evaluate, select_candidates};
pub use explain::{Explanation, Reason};
pub use input::{InputSpec, TrainingInput, header_line, read_training_csv};
pub use monitor::{
    Bins, ColumnProfile, Distribution, MAX_PROFILE_LEVELS, MonitorReport, PROFILE_QUANTILES,
    Stability, StabilityProfile,
};
pub use monotone::{MonotoneColumn, MonotoneSpec};
pub use nested::NestedEvaluation;
pub use out_of_time::{OutOfTime, OutOfTimeRow, OutOfTimeSpec, out_of_time, split_by_time};
#[cfg(feature = "parquet")]
pub use output::ScoredParquetWriter;
pub use output::{ScoredArrow, ScoredCsv, ScoredWriter, write_scored_csv};
pub use pipeline::{Evaluation, Pipeline, Scored, TrainOptions};
pub use scorecard::sql as scorecard_sql;
pub use scorecard::{PointsRow, Scorecard, ScorecardColumn, ScorecardParams};
pub use select::{FoldScores, PairedDifference, Selection, SelectionMetric, SelectionRule};
pub use summary::FoldCalibration;
pub use tune::{TunedParams, TuningSpec};
