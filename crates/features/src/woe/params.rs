//! Hyper-parameters of the WoE binning: [`WoeParams`] and [`MonotonicTrend`].

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::error::{FeatureError, Result};

/// Which way the event (default) rate of a numeric column's bins must run, from the lowest
/// values to the highest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MonotonicTrend {
    /// Ascending or descending, whichever keeps more information value (the binning is done
    /// both ways and the one with the higher IV is kept; ascending on a tie).
    #[default]
    Auto,
    /// The event rate increases with the value.
    Ascending,
    /// The event rate decreases with the value.
    Descending,
    /// No constraint: only the minimum bin share merges bins.
    None,
}

/// Parameters of the weight-of-evidence binning behind
/// [`FeatureParams::for_scorecard`](crate::FeatureParams::for_scorecard); validated by
/// [`WoeParams::check`].
///
/// Per column, on the training rows:
///
/// - **numeric**: `prebins` equal-frequency bins of the non-missing, non-special values;
///   adjacent bins are merged until each holds at least `min_bin_share` of the training rows
///   (the smallest bin first, into the neighbour with the closer event rate), then, under the
///   [`MonotonicTrend`], until the event rate is strictly monotone (pool-adjacent-violators);
///   each special value seen in training is a bin of its own, and so are missing cells;
/// - **categorical** (and boolean, whose levels are `false` and `true`): each level is a bin,
///   the levels rarer than `min_bin_share` are pooled into one "other" bin (itself merged into
///   the level with the closest event rate when still under the share), missing cells are a
///   bin of their own;
/// - columns whose information value is below `min_iv` are dropped (the fit log says so).
///
/// ```
/// use pdscore_features::{MonotonicTrend, WoeParams};
/// let params = WoeParams::new()
///     .prebins(30)
///     .min_bin_share(0.03)
///     .trend(MonotonicTrend::None)
///     .special_values("months_since_default", vec![-1.0, 999.0]);
/// assert!(params.check().is_ok());
/// assert!(WoeParams::new().min_bin_share(0.6).check().is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WoeParams {
    pub(crate) prebins: usize,
    pub(crate) min_bin_share: f64,
    pub(crate) trend: MonotonicTrend,
    pub(crate) min_iv: f64,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub(crate) special_values: BTreeMap<String, Vec<f64>>,
}

impl Default for WoeParams {
    fn default() -> Self {
        Self::new()
    }
}

impl WoeParams {
    /// The defaults: 20 pre-bins, minimum bin share 0.05, trend `Auto`, minimum IV 0.02, no
    /// special values.
    pub fn new() -> Self {
        WoeParams {
            prebins: 20,
            min_bin_share: 0.05,
            trend: MonotonicTrend::Auto,
            min_iv: 0.02,
            special_values: BTreeMap::new(),
        }
    }

    /// Number of initial equal-frequency bins of a numeric column (`>= 2`). Default 20.
    pub fn prebins(mut self, prebins: usize) -> Self {
        self.prebins = prebins;
        self
    }

    /// Smallest share of the training rows a regular bin may hold, in `[0, 0.5]`. Default 0.05.
    /// Missing and special-value bins are kept whatever their size.
    pub fn min_bin_share(mut self, share: f64) -> Self {
        self.min_bin_share = share;
        self
    }

    /// Monotonic constraint on the event rate of numeric bins. Default `Auto`.
    pub fn trend(mut self, trend: MonotonicTrend) -> Self {
        self.trend = trend;
        self
    }

    /// Columns with an information value below this are dropped (`>= 0`; 0 keeps every
    /// column). Default 0.02 (the usual "not predictive" limit).
    pub fn min_iv(mut self, min_iv: f64) -> Self {
        self.min_iv = min_iv;
        self
    }

    /// Values of numeric column `column` that each get a bin of their own (codes such as `-1`
    /// for "never" or `999` for "not applicable"), outside the ordered bins. A value not seen in
    /// the training rows gets no bin (it is then binned as an ordinary value). Default: none.
    pub fn special_values(mut self, column: impl Into<String>, values: Vec<f64>) -> Self {
        self.special_values.insert(column.into(), values);
        self
    }

    /// The special values of `column` (empty when it has none).
    pub fn specials_of(&self, column: &str) -> &[f64] {
        self.special_values.get(column).map_or(&[], Vec::as_slice)
    }

    /// Validates the parameters.
    ///
    /// # Errors
    /// [`FeatureError::InvalidParameter`] for a value out of range or a non-finite special
    /// value.
    pub fn check(&self) -> Result<()> {
        if self.prebins < 2 {
            return Err(FeatureError::InvalidParameter {
                name: "woe.prebins",
                value: self.prebins.to_string(),
                reason: "at least 2 pre-bins",
            });
        }
        if !(0.0..=0.5).contains(&self.min_bin_share) {
            return Err(FeatureError::InvalidParameter {
                name: "woe.min_bin_share",
                value: self.min_bin_share.to_string(),
                reason: "must be in [0, 0.5]",
            });
        }
        if !(self.min_iv.is_finite() && self.min_iv >= 0.0) {
            return Err(FeatureError::InvalidParameter {
                name: "woe.min_iv",
                value: self.min_iv.to_string(),
                reason: "must be finite and >= 0",
            });
        }
        for (column, values) in &self.special_values {
            if let Some(bad) = values.iter().find(|v| !v.is_finite()) {
                return Err(FeatureError::InvalidParameter {
                    name: "woe.special_values",
                    value: format!("{column}: {bad}"),
                    reason: "special values must be finite (missing cells have their own bin)",
                });
            }
        }
        Ok(())
    }
}
