//! The error type of this crate.

use std::path::PathBuf;

/// Everything that can go wrong when comparing models, fitting, saving, loading or scoring a
/// pipeline. Errors of the core crates are wrapped with their source kept.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PipelineError {
    /// Reading or validating the input data failed.
    #[error(transparent)]
    Ingest(#[from] pdscore_ingest::IngestError),
    /// Fitting or applying the preprocessing failed.
    #[error("preprocessing: {0}")]
    Features(#[from] pdscore_features::FeatureError),
    /// Folding, weighting or resampling failed.
    #[error("resampling: {0}")]
    Resample(#[from] pdscore_resample::ResampleError),
    /// Fitting or applying a model failed.
    #[error("model: {0}")]
    Model(#[from] pdscore_models::ModelError),
    /// A metric could not be computed.
    #[error("metrics: {0}")]
    Metrics(#[from] pdscore_metrics::MetricsError),
    /// The pipeline cannot give reasons per column (PCA, or a model file without what
    /// explaining needs).
    #[error("cannot explain this model: {0}")]
    NotExplainable(String),
    /// A parameter is out of its valid range.
    #[error("invalid parameter `{name}` = {value}: {reason}")]
    InvalidParam {
        /// Parameter name.
        name: &'static str,
        /// The offending value, formatted.
        value: String,
        /// What the valid values are.
        reason: String,
    },
    /// The schema has no target column, or the table lacks it, where labels are needed.
    #[error("no target column: {0}")]
    NoTarget(String),
    /// Too few labelled rows of a class to run the requested cross-validation.
    #[error(
        "not enough labelled rows: {positives} positive and {negatives} negative rows, \
         {folds}-fold cross-validation needs at least {folds} of each"
    )]
    TooFewLabels {
        /// Positive labelled rows.
        positives: usize,
        /// Negative labelled rows.
        negatives: usize,
        /// Folds requested.
        folds: usize,
    },
    /// A candidate name was asked for that is not in the candidate list.
    #[error("unknown model `{name}`; known: {known}")]
    UnknownCandidate {
        /// The name asked for.
        name: String,
        /// The names available, comma-separated.
        known: String,
    },
    /// Every candidate failed to fit, so there is nothing to select.
    #[error("every candidate failed; first failure: {first}")]
    NoCandidateSucceeded {
        /// The first failure message.
        first: String,
    },
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The file is not a pdscore pipeline file, or is cut short.
    #[error("{path}: not a complete pdscore pipeline file ({reason})")]
    NotAPipelineFile {
        /// The file.
        path: PathBuf,
        /// What was wrong.
        reason: String,
    },
    /// The file was written by a different, incompatible format version.
    #[error(
        "{path}: pipeline file format version {found} is not supported (this build reads versions \
         2 to {supported}); retrain the model with this pdscore version"
    )]
    UnsupportedVersion {
        /// The file.
        path: PathBuf,
        /// The version in the file.
        found: u64,
        /// The newest version this build reads (the one it writes).
        supported: u64,
    },
    /// The content does not match its recorded checksum: edited or corrupted.
    #[error(
        "{path}: checksum mismatch (recorded sha256 {recorded}, content has {actual}); the file \
         was edited or corrupted"
    )]
    ChecksumMismatch {
        /// The file.
        path: PathBuf,
        /// The checksum recorded in the file.
        recorded: String,
        /// The checksum of the content found.
        actual: String,
    },
    /// JSON (de)serialisation failed.
    #[error("JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// Rendering a plot failed.
    #[error("plot `{plot}`: {reason}")]
    Plot {
        /// Which plot.
        plot: &'static str,
        /// What went wrong.
        reason: String,
    },
    /// A scorecard was asked of a pipeline that is not one (features not a WoE binning, or a
    /// model other than logistic regression).
    #[error("the model `{candidate}` is not a scorecard: {reason}")]
    NotAScorecard {
        /// The pipeline's candidate name.
        candidate: String,
        /// What is not a scorecard about it.
        reason: String,
    },
    /// The table does not fit the pipeline (e.g. rows of different lengths).
    #[error("table: {0}")]
    Table(String),
    /// Building, reading or writing Arrow data (record batches, Parquet files) failed.
    #[error("arrow: {0}")]
    Arrow(String),
}

/// Result alias of this crate.
pub type Result<T, E = PipelineError> = std::result::Result<T, E>;
