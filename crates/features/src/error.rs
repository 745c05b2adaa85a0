//! The one error type of this crate.

use pdscore_ingest::ColumnKind;

/// Everything that can go wrong when validating parameters, fitting or transforming.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum FeatureError {
    /// A parameter is outside its valid range; `reason` says which range.
    #[error("invalid parameter `{name}` = {value}: {reason}")]
    InvalidParameter {
        /// Parameter name, as in the `FeatureParams` setter.
        name: &'static str,
        /// The offending value, formatted.
        value: String,
        /// What the valid values are.
        reason: &'static str,
    },
    /// Two parameters that cannot be used together.
    #[error("incompatible parameters: {reason}")]
    IncompatibleParameters {
        /// Why the combination is rejected.
        reason: &'static str,
    },
    /// The schema lists no feature column.
    #[error("the schema has no feature columns")]
    NoFeatures,
    /// Fitting needs at least one row.
    #[error("cannot fit on an empty table (0 rows)")]
    EmptyTable,
    /// Every feature column was dropped (too sparse or entirely missing).
    #[error(
        "every feature column was dropped at fit time ({n_dropped} dropped); nothing to output"
    )]
    AllColumnsDropped {
        /// How many columns were dropped.
        n_dropped: usize,
    },
    /// Columns the fitted features need are absent from the table.
    #[error("missing required column(s): {}", names.join(", "))]
    MissingColumns {
        /// Every missing column name, in the order the fitted features use them.
        names: Vec<String>,
    },
    /// A column holds data of another kind than the schema (or the fit) says.
    #[error("column `{column}` should be {expected:?} but holds {found:?} data")]
    KindMismatch {
        /// Column name.
        column: String,
        /// The kind declared in the schema / seen at fit time.
        expected: ColumnKind,
        /// The kind of the data in the table.
        found: ColumnKind,
    },
    /// Strict mode only: a categorical value never seen at fit time.
    #[error(
        "column `{column}`, row {row}: category `{value}` was not seen at fit time (strict mode)"
    )]
    UnknownCategory {
        /// Column name.
        column: String,
        /// The unseen value.
        value: String,
        /// Zero-based data row index (header not counted).
        row: usize,
    },
    /// PCA asked for more components than there are pre-PCA features.
    #[error("PCA asked for {requested} components but only {available} features are available")]
    TooManyComponents {
        /// Components requested.
        requested: usize,
        /// Number of features entering PCA.
        available: usize,
    },
    /// The output buffer given to `transform_into` has the wrong shape or layout.
    #[error(
        "output buffer is {found:?}, expected {expected:?} (rows x outputs, row-major, contiguous)"
    )]
    OutputShape {
        /// `(rows, outputs)` needed.
        expected: (usize, usize),
        /// `(rows, columns)` of the buffer given.
        found: (usize, usize),
    },
    /// PCA needs at least two training rows to estimate a covariance.
    #[error("PCA needs at least 2 training rows, got {n_rows}")]
    TooFewRowsForPca {
        /// Rows given.
        n_rows: usize,
    },
    /// WoE binning learns from the labels: fit with `FeatureParams::fit_with_labels`.
    #[error("WoE binning needs the labels of the training rows (use fit_with_labels)")]
    LabelsRequired,
    /// The labels given to a fit are not one per table row.
    #[error("{labels} labels for a table of {rows} rows")]
    LabelCount {
        /// Labels given.
        labels: usize,
        /// Rows of the table.
        rows: usize,
    },
    /// WoE needs both events and non-events among the training rows.
    #[error("WoE binning needs both classes in the training rows ({events} events of {rows} rows)")]
    SingleClass {
        /// Events (positive labels).
        events: usize,
        /// Training rows.
        rows: usize,
    },
    /// Deserialised fitted state that contradicts itself (an edited or corrupt model file):
    /// transforming with it would index outside its own output columns.
    #[error("inconsistent fitted features (column `{column}`): {reason}")]
    InconsistentState {
        /// The input column at fault, or `*` for the whole state.
        column: String,
        /// What does not add up.
        reason: String,
    },
}

/// Result alias of this crate.
pub type Result<T, E = FeatureError> = std::result::Result<T, E>;
