//! The error type of this crate.

/// Everything that can go wrong when computing a metric.
///
/// Every function of this crate validates its input and returns one of these instead of
/// panicking or silently returning `NaN`.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum MetricsError {
    /// No samples at all.
    #[error("empty input: at least one sample is required")]
    Empty,

    /// Two inputs that must have one entry per sample have different lengths.
    #[error("length mismatch: `{what}` has {found} entries, expected {expected} (one per label)")]
    LengthMismatch {
        /// Which input is too long or too short (`"scores"`, `"sample_weight"`, ...).
        what: &'static str,
        /// The number of labels.
        expected: usize,
        /// The length found.
        found: usize,
    },

    /// A label given as a number is neither 0 nor 1.
    #[error("label at index {index} is {value}, expected 0 or 1")]
    InvalidLabel {
        /// Position of the bad label.
        index: usize,
        /// The bad value.
        value: f64,
    },

    /// A score is `NaN` or infinite (scikit-learn rejects both too).
    #[error("score at index {index} is {value}, scores must be finite")]
    NonFiniteScore {
        /// Position of the bad score.
        index: usize,
        /// The bad value.
        value: f64,
    },

    /// A probability is outside `[0, 1]` (Brier score, log loss and calibration need
    /// probabilities, not arbitrary scores).
    #[error("probability at index {index} is {value}, expected a value in [0, 1]")]
    ProbabilityOutOfRange {
        /// Position of the bad probability.
        index: usize,
        /// The bad value.
        value: f64,
    },

    /// A sample weight is negative, `NaN` or infinite.
    #[error("sample weight at index {index} is {value}, weights must be finite and >= 0")]
    InvalidWeight {
        /// Position of the bad weight.
        index: usize,
        /// The bad value.
        value: f64,
    },

    /// Every sample weight is zero, so there is nothing to measure.
    #[error("all {n} sample weights are zero")]
    AllWeightsZero {
        /// Number of samples.
        n: usize,
    },

    /// The metric needs both classes but one of them has no sample (with non-zero weight).
    #[error("{metric} is undefined: y_true has no {} sample with non-zero weight", if *.missing_positive { "positive" } else { "negative" })]
    MissingClass {
        /// The metric that was asked for.
        metric: &'static str,
        /// `true` when the positive class is missing, `false` when the negative one is.
        missing_positive: bool,
    },

    /// A parameter is outside its domain (beta <= 0, target recall outside [0, 1], ...).
    #[error("invalid parameter `{name}` = {value}: {reason}")]
    InvalidParameter {
        /// The parameter name.
        name: &'static str,
        /// The value given, as text.
        value: String,
        /// What the valid domain is.
        reason: &'static str,
    },

    /// A metric needs more samples than it was given (the Hosmer-Lemeshow test needs three
    /// non-empty groups).
    #[error("{metric} needs at least {needed} samples, got {found}")]
    TooFewSamples {
        /// The metric that was asked for.
        metric: &'static str,
        /// The minimum number of samples.
        needed: usize,
        /// The number of samples given.
        found: usize,
    },

    /// A maximum-likelihood fit has no finite, unique solution (the calibration slope of
    /// probabilities whose logits are all equal, or that separate the classes).
    #[error("{fit} has no finite maximum-likelihood estimate: {reason}")]
    NoFiniteFit {
        /// The fit that was asked for.
        fit: &'static str,
        /// Why, with the offending value.
        reason: String,
    },

    /// An edge of a master scale is invalid (not finite, not strictly inside `(0, 1)`, or not
    /// above the previous edge).
    #[error("master scale edge {index} is {value}: {reason}")]
    InvalidGradeEdge {
        /// Position of the bad edge.
        index: usize,
        /// The bad value.
        value: f64,
        /// What is wrong with it.
        reason: &'static str,
    },

    /// An iterative computation (a special function's series or continued fraction, a
    /// Newton-Raphson fit) did not converge within its iteration cap. Not expected for any
    /// input the crate accepts: the cap turns a would-be endless loop into an error.
    #[error("{what} did not converge in {iterations} iterations")]
    NoConvergence {
        /// What was being computed.
        what: &'static str,
        /// The iteration cap that was reached.
        iterations: usize,
    },
}

impl MetricsError {
    /// Shorthand for [`MetricsError::InvalidParameter`].
    pub(crate) fn param(name: &'static str, value: impl ToString, reason: &'static str) -> Self {
        Self::InvalidParameter {
            name,
            value: value.to_string(),
            reason,
        }
    }
}
