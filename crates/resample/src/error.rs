//! The error type of this crate.

/// What can go wrong when splitting, weighting or resampling.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ResampleError {
    /// A parameter is out of its valid range.
    #[error("invalid parameter `{name}` = {value}: {reason}")]
    InvalidParam {
        /// Parameter name.
        name: &'static str,
        /// The rejected value, formatted.
        value: String,
        /// Why the value is invalid.
        reason: String,
    },
    /// The labels (or the matrix) have no rows.
    #[error("no rows to split, weight or resample")]
    Empty,
    /// The matrix and the labels disagree on the number of rows.
    #[error("shape mismatch: x has {x_rows} rows but y has {y_len} labels")]
    LengthMismatch {
        /// Rows of `x`.
        x_rows: usize,
        /// Length of `y`.
        y_len: usize,
    },
    /// The matrix has no columns.
    #[error("x has {rows} rows but no columns")]
    NoColumns {
        /// Rows of `x`.
        rows: usize,
    },
    /// Only one class is present in the labels.
    #[error("the labels contain only one class ({positives} positives of {rows} rows)")]
    SingleClass {
        /// Number of positive labels.
        positives: usize,
        /// Number of rows.
        rows: usize,
    },
    /// A class has too few rows for the requested operation.
    #[error("class {class} has {count} rows but {needed} are needed: {reason}")]
    TooFewRows {
        /// The class (`true` = positive).
        class: bool,
        /// Rows of that class.
        count: usize,
        /// Minimum rows needed.
        needed: usize,
        /// What needs them.
        reason: &'static str,
    },
    /// NaN or ±inf in the feature matrix.
    #[error("non-finite value {value} at row {row}, column {column}")]
    NonFinite {
        /// Row index (0-based).
        row: usize,
        /// Column index (0-based).
        column: usize,
        /// The offending value.
        value: f64,
    },
    /// The requested minority:majority ratio cannot be reached by this sampler without removing
    /// rows it must keep (e.g. an oversampler asked for a ratio below the current one).
    #[error(
        "sampling_strategy {requested} is unreachable by {sampler}: the current \
         minority:majority ratio is {current:.6} ({minority} : {majority}); {reason}"
    )]
    UnreachableRatio {
        /// Sampler name.
        sampler: &'static str,
        /// Requested ratio.
        requested: f64,
        /// Current ratio `minority / majority`.
        current: f64,
        /// Rows of the minority class.
        minority: usize,
        /// Rows of the majority class.
        majority: usize,
        /// What would have been needed.
        reason: &'static str,
    },
    /// A row index (e.g. of a bootstrap sample) is out of bounds.
    #[error("row index {index} is out of bounds for {rows} rows")]
    IndexOutOfBounds {
        /// The index.
        index: usize,
        /// Number of rows.
        rows: usize,
    },
    /// A categorical column group given to SMOTE-NC is invalid.
    #[error("invalid categorical group {start}..{end} for {columns} columns: {reason}")]
    BadCategoricalGroup {
        /// Group start column (inclusive).
        start: usize,
        /// Group end column (exclusive).
        end: usize,
        /// Number of columns of `x`.
        columns: usize,
        /// What is wrong.
        reason: &'static str,
    },
}
