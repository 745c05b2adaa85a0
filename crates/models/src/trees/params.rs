//! Hyper-parameters of a decision tree: the split criterion, the stopping rules, the features
//! drawn per node and the number of bins.

use serde::{Deserialize, Serialize};

use crate::{ModelError, Result};

/// The impurity a split minimises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SplitCriterion {
    /// Gini impurity `2 p (1 - p)` (scikit-learn's default).
    Gini,
    /// Shannon entropy `-p ln p - (1 - p) ln (1 - p)`.
    Entropy,
}

/// How many features each node considers.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum MaxFeatures {
    /// Every feature (plain trees and boosting).
    All,
    /// `max(1, floor(sqrt(p)))` features (random forests' default, as scikit-learn).
    Sqrt,
    /// `max(1, floor(log2(p)))` features.
    Log2,
    /// A fixed number of features, at most `p`.
    Count(usize),
    /// A fraction in `(0, 1]` of the features, at least one.
    Fraction(f64),
}

impl MaxFeatures {
    /// Checks the setting on its own (without knowing `p`).
    fn check(self) -> Result<()> {
        match self {
            MaxFeatures::Count(0) => Err(ModelError::InvalidParam {
                name: "max_features",
                reason: "Count(0): at least one feature is needed".into(),
            }),
            MaxFeatures::Fraction(f) if !(f > 0.0 && f <= 1.0) => Err(ModelError::InvalidParam {
                name: "max_features",
                reason: format!("Fraction({f}) must be in (0, 1]"),
            }),
            _ => Ok(()),
        }
    }

    /// The number of features per node for `p` features (between 1 and `p`).
    pub fn resolve(self, p: usize) -> usize {
        let k = match self {
            MaxFeatures::All => p,
            MaxFeatures::Sqrt => (p as f64).sqrt().floor() as usize,
            MaxFeatures::Log2 => (p as f64).log2().floor() as usize,
            MaxFeatures::Count(k) => k,
            MaxFeatures::Fraction(f) => (f * p as f64).floor() as usize,
        };
        k.clamp(1, p.max(1))
    }
}

/// Hyper-parameters of a [`FittedDecisionTree`](super::FittedDecisionTree).
///
/// Defaults follow scikit-learn's `DecisionTreeClassifier` (unlimited depth, leaves of one row)
/// except for `max_bin`, which histogram CART needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DecisionTreeParams {
    pub(super) criterion: SplitCriterion,
    pub(super) max_depth: Option<usize>,
    pub(super) min_samples_split: usize,
    pub(super) min_samples_leaf: usize,
    pub(super) min_weight_fraction_leaf: f64,
    pub(super) max_features: MaxFeatures,
    pub(super) max_bin: usize,
    /// Per feature `-1`, `0` or `1`; empty = none. Absent from files saved before it existed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(super) monotone_constraints: Vec<i8>,
    pub(super) seed: u64,
}

impl Default for DecisionTreeParams {
    fn default() -> Self {
        Self::new()
    }
}

impl DecisionTreeParams {
    /// The defaults: Gini, unlimited depth, `min_samples_split = 2`, `min_samples_leaf = 1`,
    /// `min_weight_fraction_leaf = 0`, all features, `max_bin = 255`, seed 0.
    pub fn new() -> Self {
        DecisionTreeParams {
            criterion: SplitCriterion::Gini,
            max_depth: None,
            min_samples_split: 2,
            min_samples_leaf: 1,
            min_weight_fraction_leaf: 0.0,
            max_features: MaxFeatures::All,
            max_bin: 255,
            monotone_constraints: Vec::new(),
            seed: 0,
        }
    }

    /// Split criterion (default [`SplitCriterion::Gini`]).
    pub fn criterion(mut self, criterion: SplitCriterion) -> Self {
        self.criterion = criterion;
        self
    }

    /// Maximum depth, the root being depth 0 (default `None`: grow until leaves are pure or
    /// cannot be split).
    pub fn max_depth(mut self, max_depth: Option<usize>) -> Self {
        self.max_depth = max_depth;
        self
    }

    /// Minimum number of rows (with positive weight) a node needs to be split (default 2).
    pub fn min_samples_split(mut self, n: usize) -> Self {
        self.min_samples_split = n;
        self
    }

    /// Minimum number of rows (with positive weight) in each leaf (default 1).
    pub fn min_samples_leaf(mut self, n: usize) -> Self {
        self.min_samples_leaf = n;
        self
    }

    /// Minimum share of the total sample weight in each leaf, in `[0, 0.5]` (default 0). Being a
    /// fraction, it does not change when all weights are scaled.
    pub fn min_weight_fraction_leaf(mut self, fraction: f64) -> Self {
        self.min_weight_fraction_leaf = fraction;
        self
    }

    /// Features considered at each node (default [`MaxFeatures::All`]; drawn at random per node
    /// with the seed otherwise).
    pub fn max_features(mut self, max_features: MaxFeatures) -> Self {
        self.max_features = max_features;
        self
    }

    /// Maximum number of bins per feature, the missing-value bin included, in `2..=256`
    /// (default 255).
    pub fn max_bin(mut self, max_bin: usize) -> Self {
        self.max_bin = max_bin;
        self
    }

    /// Monotone constraints: one entry per feature, `1` for a probability non-decreasing in the
    /// feature, `-1` non-increasing, `0` free; empty (the default) constrains nothing. Grown by
    /// LightGBM's basic method (see [`crate::monotone`]): a split on a constrained feature is
    /// kept only if its children's leaf fractions, clamped to the node's interval, are ordered,
    /// and leaf fractions are clamped to intervals cut at the mid-points. Missing values are
    /// outside the constraint.
    pub fn monotone_constraints(mut self, constraints: Vec<i8>) -> Self {
        self.monotone_constraints = constraints;
        self
    }

    /// The monotone constraints (empty when none).
    pub fn monotone_constraints_setting(&self) -> &[i8] {
        &self.monotone_constraints
    }

    /// Seed of the per-node feature sampling (default 0; unused with [`MaxFeatures::All`]).
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Checks every parameter.
    ///
    /// # Errors
    /// [`ModelError::InvalidParam`] naming the first invalid parameter.
    pub fn check(&self) -> Result<()> {
        if self.max_depth == Some(0) {
            return Err(invalid("max_depth", "must be at least 1 (or None)".into()));
        }
        if self.min_samples_split < 2 {
            return Err(invalid(
                "min_samples_split",
                format!("must be at least 2, got {}", self.min_samples_split),
            ));
        }
        if self.min_samples_leaf < 1 {
            return Err(invalid("min_samples_leaf", "must be at least 1".into()));
        }
        if !(0.0..=0.5).contains(&self.min_weight_fraction_leaf) {
            return Err(invalid(
                "min_weight_fraction_leaf",
                format!("must be in [0, 0.5], got {}", self.min_weight_fraction_leaf),
            ));
        }
        self.max_features.check()?;
        crate::monotone::check_values(&self.monotone_constraints)?;
        if !(2..=256).contains(&self.max_bin) {
            return Err(invalid(
                "max_bin",
                format!("must be in 2..=256, got {}", self.max_bin),
            ));
        }
        Ok(())
    }

    /// Checks the parameters against the data: [`DecisionTreeParams::check`] and one monotone
    /// constraint per feature (or none).
    pub(crate) fn check_for(&self, n_features: usize) -> Result<()> {
        self.check()?;
        crate::monotone::check_constraints(&self.monotone_constraints, n_features)
    }

    /// The `max_features` setting.
    pub fn max_features_setting(&self) -> MaxFeatures {
        self.max_features
    }

    /// The maximum number of bins (for models that bin once and grow many trees).
    pub(crate) fn bins(&self) -> usize {
        self.max_bin
    }
}

pub(crate) fn invalid(name: &'static str, reason: String) -> ModelError {
    ModelError::InvalidParam { name, reason }
}
