//! Hyper-parameters of the gradient-boosted trees ([`GbmParams`]) and of early stopping.

use serde::{Deserialize, Serialize};

use crate::{ModelError, Result};

/// The validation metric that early stopping watches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum EvalMetric {
    /// Weighted binary log loss (lower is better). LightGBM's `binary_logloss`.
    LogLoss,
    /// ROC AUC (higher is better). LightGBM's `auc`.
    RocAuc,
}

/// Early stopping: stop adding trees when the validation metric has not improved for
/// `patience` rounds, and keep the trees up to the best round.
///
/// The validation rows are the set passed to [`GbmParams::fit_with_validation`], or else a
/// seeded stratified held-out fraction of the training rows (`validation_fraction`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct EarlyStopping {
    /// Rounds without improvement before stopping (LightGBM `early_stopping_round`).
    pub patience: usize,
    /// The metric watched.
    pub metric: EvalMetric,
    /// Share of the training rows held out (stratified, seeded) when no validation set is
    /// given; in `(0, 1)`.
    pub validation_fraction: f64,
}

impl EarlyStopping {
    /// Early stopping on log loss with the given patience and a 10 % held-out fraction.
    pub fn new(patience: usize) -> Self {
        EarlyStopping {
            patience,
            metric: EvalMetric::LogLoss,
            validation_fraction: 0.1,
        }
    }

    /// Sets the metric watched (default [`EvalMetric::LogLoss`]).
    pub fn metric(mut self, metric: EvalMetric) -> Self {
        self.metric = metric;
        self
    }

    /// Sets the held-out fraction used when no validation set is given (default `0.1`).
    pub fn validation_fraction(mut self, fraction: f64) -> Self {
        self.validation_fraction = fraction;
        self
    }
}

/// Hyper-parameters of the gradient-boosted tree classifier. Defaults follow LightGBM's
/// scikit-learn wrapper `LGBMClassifier` (see the table in the [module docs](super)).
///
/// ```
/// use pdscore_models::gbm::GbmParams;
/// let params = GbmParams::new().n_estimators(50).num_leaves(15).seed(3);
/// assert!(params.check().is_ok());
/// assert!(GbmParams::new().learning_rate(0.0).check().is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GbmParams {
    pub(crate) n_estimators: usize,
    pub(crate) learning_rate: f64,
    pub(crate) num_leaves: usize,
    pub(crate) max_depth: Option<usize>,
    pub(crate) min_child_samples: usize,
    pub(crate) min_child_weight: f64,
    pub(crate) reg_lambda: f64,
    pub(crate) min_split_gain: f64,
    pub(crate) subsample: f64,
    pub(crate) subsample_freq: usize,
    pub(crate) colsample_bytree: f64,
    pub(crate) max_bin: usize,
    pub(crate) scale_pos_weight: f64,
    pub(crate) early_stopping: Option<EarlyStopping>,
    pub(crate) categorical_features: Vec<usize>,
    /// Per feature `-1`, `0` or `1`; empty = none. Absent from files saved before it existed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) monotone_constraints: Vec<i8>,
    pub(crate) seed: u64,
}

impl Default for GbmParams {
    fn default() -> Self {
        GbmParams {
            n_estimators: 100,
            learning_rate: 0.1,
            num_leaves: 31,
            max_depth: None,
            min_child_samples: 20,
            min_child_weight: 1e-3,
            reg_lambda: 0.0,
            min_split_gain: 0.0,
            subsample: 1.0,
            subsample_freq: 0,
            colsample_bytree: 1.0,
            max_bin: 255,
            scale_pos_weight: 1.0,
            early_stopping: None,
            categorical_features: Vec::new(),
            monotone_constraints: Vec::new(),
            seed: 0,
        }
    }
}

impl GbmParams {
    /// The defaults (LightGBM's): 100 trees, learning rate 0.1, 31 leaves, no depth limit.
    pub fn new() -> Self {
        Self::default()
    }

    /// The peer baseline's `lightgbm_300`: `LGBMClassifier(n_estimators=300,
    /// learning_rate=0.05)` with every other parameter at its default (31 leaves).
    pub fn lightgbm_300() -> Self {
        Self::default().n_estimators(300).learning_rate(0.05)
    }

    /// Number of boosting rounds (trees). Default `100`.
    pub fn n_estimators(mut self, n: usize) -> Self {
        self.n_estimators = n;
        self
    }

    /// Shrinkage applied to every tree's leaf values, in `(0, 1]`. Default `0.1`.
    pub fn learning_rate(mut self, rate: f64) -> Self {
        self.learning_rate = rate;
        self
    }

    /// Maximum number of leaves per tree (trees grow leaf-wise, best gain first), `>= 2`.
    /// Default `31`.
    pub fn num_leaves(mut self, n: usize) -> Self {
        self.num_leaves = n;
        self
    }

    /// Maximum depth of a tree (`None` = unlimited, LightGBM's `-1`); `Some(d)` needs `d >= 1`.
    /// Default `None`.
    pub fn max_depth(mut self, depth: Option<usize>) -> Self {
        self.max_depth = depth;
        self
    }

    /// Minimum number of (bagged) training rows in a leaf. Default `20`.
    pub fn min_child_samples(mut self, n: usize) -> Self {
        self.min_child_samples = n;
        self
    }

    /// Minimum sum of hessians (weighted `p (1 - p)`) in a leaf, `>= 0`. Weights are rescaled
    /// to mean 1 before fitting, so this is on the scale of unit weights. Default `1e-3`.
    pub fn min_child_weight(mut self, w: f64) -> Self {
        self.min_child_weight = w;
        self
    }

    /// L2 regularisation of leaf values (`lambda`), `>= 0`. Default `0`.
    pub fn reg_lambda(mut self, lambda: f64) -> Self {
        self.reg_lambda = lambda;
        self
    }

    /// Minimum gain for a split to be made (`gamma`), `>= 0`. Default `0`.
    pub fn min_split_gain(mut self, gain: f64) -> Self {
        self.min_split_gain = gain;
        self
    }

    /// Share of rows drawn (without replacement, seeded) for each bagging round, in `(0, 1]`.
    /// Only used when `subsample_freq > 0`. Default `1.0`.
    pub fn subsample(mut self, fraction: f64) -> Self {
        self.subsample = fraction;
        self
    }

    /// Redraw the bag every `k` rounds; `0` disables bagging (LightGBM's `bagging_freq`).
    /// Default `0`.
    pub fn subsample_freq(mut self, k: usize) -> Self {
        self.subsample_freq = k;
        self
    }

    /// Share of features drawn (seeded) for each tree, in `(0, 1]`. Default `1.0`.
    pub fn colsample_bytree(mut self, fraction: f64) -> Self {
        self.colsample_bytree = fraction;
        self
    }

    /// Maximum number of histogram bins per feature, the missing-value bin included, in
    /// `2..=256`. Default `255`.
    pub fn max_bin(mut self, n: usize) -> Self {
        self.max_bin = n;
        self
    }

    /// Multiplier of the weights of positive rows, `> 0`. Default `1.0`.
    pub fn scale_pos_weight(mut self, w: f64) -> Self {
        self.scale_pos_weight = w;
        self
    }

    /// Early stopping on a validation set; `None` fits all `n_estimators` trees. Default `None`.
    pub fn early_stopping(mut self, early_stopping: Option<EarlyStopping>) -> Self {
        self.early_stopping = early_stopping;
        self
    }

    /// Columns split natively as categories (LightGBM's `categorical_feature`): their values
    /// must be `NaN` or integer codes in `0..=`[`MAX_CATEGORY_CODE`](super::MAX_CATEGORY_CODE),
    /// with at most `max_bin - 1` distinct codes. A split sends a set of categories left
    /// (one-vs-rest for up to 4 categories, else the best prefix of the categories sorted by
    /// `sum_grad / (sum_hess + 10)`, as LightGBM does); missing values and categories unseen in
    /// training go right. Other columns are split as ordered numbers. Default: none.
    pub fn categorical_features(mut self, columns: Vec<usize>) -> Self {
        self.categorical_features = columns;
        self
    }

    /// Monotone constraints (LightGBM's `monotone_constraints`, "basic" method): one entry per
    /// feature, `1` for a score non-decreasing in the feature, `-1` non-increasing, `0` free;
    /// empty (the default) constrains nothing. A constrained feature cannot be categorical.
    /// Missing values are outside the constraint (see [`crate::monotone`]).
    ///
    /// ```
    /// use pdscore_models::gbm::GbmParams;
    /// assert!(GbmParams::new().monotone_constraints(vec![1, 0, -1]).check().is_ok());
    /// assert!(GbmParams::new().monotone_constraints(vec![2]).check().is_err());
    /// ```
    pub fn monotone_constraints(mut self, constraints: Vec<i8>) -> Self {
        self.monotone_constraints = constraints;
        self
    }

    /// The monotone constraints (empty when none).
    pub fn monotone_constraints_setting(&self) -> &[i8] {
        &self.monotone_constraints
    }

    /// Seed of every random choice (bagging, feature subsampling, held-out split). Default `0`.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Validates every parameter.
    ///
    /// # Errors
    /// [`ModelError::InvalidParam`] naming the first parameter out of range.
    pub fn check(&self) -> Result<()> {
        let bad =
            |name: &'static str, reason: String| Err(ModelError::InvalidParam { name, reason });
        if self.n_estimators == 0 {
            return bad("n_estimators", "must be at least 1".into());
        }
        if !(self.learning_rate > 0.0 && self.learning_rate <= 1.0) {
            return bad(
                "learning_rate",
                format!("must be in (0, 1], got {}", self.learning_rate),
            );
        }
        if self.num_leaves < 2 || self.num_leaves > 131_072 {
            return bad(
                "num_leaves",
                format!("must be in 2..=131072, got {}", self.num_leaves),
            );
        }
        if self.max_depth == Some(0) {
            return bad("max_depth", "must be None or at least 1".into());
        }
        if !(self.min_child_weight >= 0.0 && self.min_child_weight.is_finite()) {
            return bad(
                "min_child_weight",
                format!("must be finite and >= 0, got {}", self.min_child_weight),
            );
        }
        if !(self.reg_lambda >= 0.0 && self.reg_lambda.is_finite()) {
            return bad(
                "reg_lambda",
                format!("must be finite and >= 0, got {}", self.reg_lambda),
            );
        }
        if !(self.min_split_gain >= 0.0 && self.min_split_gain.is_finite()) {
            return bad(
                "min_split_gain",
                format!("must be finite and >= 0, got {}", self.min_split_gain),
            );
        }
        if !(self.subsample > 0.0 && self.subsample <= 1.0) {
            return bad(
                "subsample",
                format!("must be in (0, 1], got {}", self.subsample),
            );
        }
        if !(self.colsample_bytree > 0.0 && self.colsample_bytree <= 1.0) {
            return bad(
                "colsample_bytree",
                format!("must be in (0, 1], got {}", self.colsample_bytree),
            );
        }
        if !(2..=256).contains(&self.max_bin) {
            return bad(
                "max_bin",
                format!("must be in 2..=256, got {}", self.max_bin),
            );
        }
        if !(self.scale_pos_weight > 0.0 && self.scale_pos_weight.is_finite()) {
            return bad(
                "scale_pos_weight",
                format!("must be finite and > 0, got {}", self.scale_pos_weight),
            );
        }
        crate::monotone::check_values(&self.monotone_constraints)?;
        if let Some(&j) = self
            .categorical_features
            .iter()
            .find(|&&j| crate::monotone::direction(&self.monotone_constraints, j) != 0)
        {
            return bad(
                "monotone_constraints",
                format!("column {j} is categorical: a category code has no order to follow"),
            );
        }
        if let Some(es) = &self.early_stopping {
            if es.patience == 0 {
                return bad("early_stopping.patience", "must be at least 1".into());
            }
            if !(es.validation_fraction > 0.0 && es.validation_fraction < 1.0) {
                return bad(
                    "early_stopping.validation_fraction",
                    format!("must be in (0, 1), got {}", es.validation_fraction),
                );
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_lightgbm_defaults_and_valid() {
        let p = GbmParams::new();
        assert_eq!(p.n_estimators, 100);
        assert_eq!(p.num_leaves, 31);
        assert_eq!(p.max_bin, 255);
        assert!(p.check().is_ok());
        let l = GbmParams::lightgbm_300();
        assert_eq!(
            (l.n_estimators, l.learning_rate, l.num_leaves),
            (300, 0.05, 31)
        );
    }

    #[test]
    fn every_bad_value_is_an_error() {
        let cases = [
            GbmParams::new().n_estimators(0),
            GbmParams::new().learning_rate(f64::NAN),
            GbmParams::new().learning_rate(1.5),
            GbmParams::new().num_leaves(1),
            GbmParams::new().max_depth(Some(0)),
            GbmParams::new().min_child_weight(-1.0),
            GbmParams::new().reg_lambda(f64::INFINITY),
            GbmParams::new().min_split_gain(-0.1),
            GbmParams::new().subsample(0.0),
            GbmParams::new().colsample_bytree(1.1),
            GbmParams::new().max_bin(1),
            GbmParams::new().max_bin(300),
            GbmParams::new().scale_pos_weight(0.0),
            GbmParams::new().early_stopping(Some(EarlyStopping::new(0))),
            GbmParams::new().monotone_constraints(vec![0, -2]),
            GbmParams::new()
                .categorical_features(vec![1])
                .monotone_constraints(vec![0, 1]),
            GbmParams::new().early_stopping(Some(EarlyStopping::new(5).validation_fraction(1.0))),
        ];
        for p in cases {
            assert!(
                matches!(p.check(), Err(ModelError::InvalidParam { .. })),
                "{p:?}"
            );
        }
    }
}
