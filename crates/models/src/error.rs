//! The error type of this crate.

/// What can go wrong when fitting or using a model.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ModelError {
    /// A hyper-parameter is out of its valid range.
    #[error("invalid parameter `{name}`: {reason}")]
    InvalidParam {
        /// Parameter name.
        name: &'static str,
        /// Why the value is invalid.
        reason: String,
    },
    /// The input has no rows.
    #[error("no rows to fit or score")]
    Empty,
    /// Lengths or column counts disagree.
    #[error("shape mismatch: {0}")]
    Shape(String),
    /// Only one class present in the labels.
    #[error("the labels contain only one class ({positives} positives of {rows} rows)")]
    SingleClass {
        /// Number of positive labels.
        positives: usize,
        /// Number of rows.
        rows: usize,
    },
    /// A non-finite value where the model cannot handle one.
    #[error("non-finite value at row {row}, column {column}")]
    NonFinite {
        /// Row index (0-based).
        row: usize,
        /// Column index (0-based).
        column: usize,
    },
    /// A score given to a calibrator is outside `[0, 1]` or `NaN`.
    #[error("score {value} at row {row} is not a probability in [0, 1]")]
    ScoreOutOfRange {
        /// Row index (0-based).
        row: usize,
        /// The offending score.
        value: f64,
    },
    /// A sample weight is negative or non-finite, or all weights are zero.
    #[error("invalid sample weights: {0}")]
    BadWeights(String),
    /// The model does not support sample weights and some were passed.
    #[error("model `{0}` does not support sample weights")]
    WeightsUnsupported(&'static str),
    /// Fitting did not converge.
    #[error("{model} did not converge in {iterations} iterations (gradient norm {grad_norm:.3e})")]
    NotConverged {
        /// Model name.
        model: &'static str,
        /// Iterations run.
        iterations: usize,
        /// Final gradient norm.
        grad_norm: f64,
    },
    /// A tree model loaded from a file saved before training covers were recorded: it scores,
    /// but path-dependent TreeSHAP needs the covers to explain (see [`crate::explain`]).
    #[error("{model}: model file has no training covers; retrain to get reason codes")]
    NoCovers {
        /// Model name.
        model: &'static str,
    },
    /// Fitting stopped before producing a usable model (e.g. AdaBoost's first base learner is
    /// no better than chance).
    #[error("{model} could not be fitted: {reason}")]
    FitFailed {
        /// Model name.
        model: &'static str,
        /// What went wrong.
        reason: String,
    },
}
