//! The fitted binning of one column ([`WoeFit`]) and where a value falls in it.

use std::collections::HashMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::log::ValueRange;
use crate::woe::params::MonotonicTrend;

/// Which values a bin holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "rule")]
pub enum BinRule {
    /// Numeric values `x` with `lower < x <= upper` (`None`: unbounded on that side).
    Range {
        /// Exclusive lower edge; `None` for minus infinity.
        lower: Option<f64>,
        /// Inclusive upper edge; `None` for plus infinity.
        upper: Option<f64>,
    },
    /// One special numeric value.
    Special {
        /// The value.
        value: f64,
    },
    /// Categorical (or boolean: `false`, `true`) levels.
    Levels {
        /// The levels of this bin, by training count (descending) then name.
        levels: Vec<String>,
        /// Rare training levels pooled into this bin as "other" (empty unless this is the
        /// other bin).
        other: Vec<String>,
    },
    /// Missing cells.
    Missing,
}

/// One bin: its rule, training counts and weight of evidence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WoeBin {
    /// The values it holds.
    pub rule: BinRule,
    /// Training rows in the bin.
    pub count: usize,
    /// Of those, events (defaulters).
    pub events: usize,
    /// `ln(share of non-events / share of events)`, a zero class count replaced by 0.5; 0 for a
    /// bin without training rows.
    pub woe: f64,
    /// The bin's term of the information value: `(share of non-events - share of events) * woe`.
    pub iv: f64,
}

impl WoeBin {
    /// Event rate of the bin's training rows (`NaN` for an empty bin).
    pub fn event_rate(&self) -> f64 {
        self.events as f64 / self.count as f64
    }
}

/// The binning learned for one column: its bins, their WoE and the column's information value.
///
/// Where a value goes:
/// - numeric: a missing (or infinite) cell to `missing_bin`; a special value to its bin; any
///   other value `x` to the range bin `(e[k-1], e[k]]` of the edges `e` (the first range bin is
///   unbounded below, the last unbounded above);
/// - categorical and boolean: a level to its bin; a rare training level, and a level never seen
///   in training, to `unseen_bin` (the "other" bin when the training rows had rare levels,
///   else the bin whose WoE is closest to 0, i.e. the least evidence either way); a missing
///   cell to `missing_bin`.
///
/// `missing_bin` is the missing-value bin when training had missing cells, else the bin whose
/// WoE is closest to 0.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WoeFit {
    /// The bins: range (or level) bins in order, then special-value bins, then the missing bin.
    pub bins: Vec<WoeBin>,
    /// Numeric columns: the inner edges of the range bins, increasing (one fewer than range
    /// bins). Empty for categorical and boolean columns.
    pub edges: Vec<f64>,
    /// Numeric columns: the monotonic trend the range bins follow (`None` for no constraint,
    /// `Auto` never appears: the chosen direction is recorded).
    pub trend: MonotonicTrend,
    /// Information value of the column: the sum of the bins' terms.
    pub iv: f64,
    /// The bin of a missing cell.
    pub missing_bin: usize,
    /// The bin of a level not seen in training (categorical and boolean columns).
    pub unseen_bin: Option<usize>,
    /// Numeric columns: the smallest and largest training value.
    pub training_range: Option<ValueRange>,
    /// The output column name (`<column>__woe`).
    pub outputs: Vec<String>,
}

impl WoeFit {
    /// Number of range bins (numeric columns), which come first in [`WoeFit::bins`].
    pub fn n_ranges(&self) -> usize {
        self.bins
            .iter()
            .take_while(|b| matches!(b.rule, BinRule::Range { .. }))
            .count()
    }

    /// The bin of a numeric value (`NaN` or infinite: missing).
    ///
    /// ```
    /// # use pdscore_features::{WoeFit, WoeBin, BinRule, MonotonicTrend};
    /// # let bin = |rule| WoeBin { rule, count: 1, events: 0, woe: 0.0, iv: 0.0 };
    /// let fit = WoeFit {
    ///     bins: vec![
    ///         bin(BinRule::Range { lower: None, upper: Some(10.0) }),
    ///         bin(BinRule::Range { lower: Some(10.0), upper: None }),
    ///         bin(BinRule::Special { value: -1.0 }),
    ///         bin(BinRule::Missing),
    ///     ],
    ///     edges: vec![10.0],
    ///     trend: MonotonicTrend::Ascending,
    ///     iv: 0.0,
    ///     missing_bin: 3,
    ///     unseen_bin: None,
    ///     training_range: None,
    ///     outputs: vec!["x__woe".into()],
    /// };
    /// assert_eq!(fit.numeric_bin(10.0), 0);
    /// assert_eq!(fit.numeric_bin(10.5), 1);
    /// assert_eq!(fit.numeric_bin(-1.0), 2);
    /// assert_eq!(fit.numeric_bin(f64::NAN), 3);
    /// ```
    pub fn numeric_bin(&self, x: f64) -> usize {
        if !x.is_finite() {
            return self.missing_bin;
        }
        for (i, bin) in self.bins.iter().enumerate() {
            if let BinRule::Special { value } = bin.rule
                && value == x
            {
                return i;
            }
        }
        if self.n_ranges() == 0 {
            return self.missing_bin;
        }
        self.edges.partition_point(|&e| e < x)
    }

    /// The bin of every training level (kept and rare) of a categorical or boolean column.
    pub fn level_bins(&self) -> HashMap<&str, usize> {
        let mut map = HashMap::new();
        for (i, bin) in self.bins.iter().enumerate() {
            if let BinRule::Levels { levels, other } = &bin.rule {
                for level in levels.iter().chain(other) {
                    map.insert(level.as_str(), i);
                }
            }
        }
        map
    }

    /// The bin of a categorical level (`None`: missing); unseen levels go to
    /// [`WoeFit::unseen_bin`].
    pub fn level_bin(&self, level: Option<&str>) -> usize {
        let Some(level) = level else {
            return self.missing_bin;
        };
        self.bins
            .iter()
            .position(|b| match &b.rule {
                BinRule::Levels { levels, other } => levels.iter().chain(other).any(|l| l == level),
                _ => false,
            })
            .or(self.unseen_bin)
            .unwrap_or(self.missing_bin)
    }

    /// The WoE of every bin, in bin order.
    pub fn woes(&self) -> Vec<f64> {
        self.bins.iter().map(|b| b.woe).collect()
    }

    /// Checks the invariants the transform relies on (deserialised state).
    ///
    /// # Errors
    /// A sentence saying what does not add up.
    pub fn check(&self, numeric: bool) -> Result<(), String> {
        let n = self.bins.len();
        if n == 0 {
            return Err("no bins".into());
        }
        if self.outputs.len() != 1 {
            return Err(format!(
                "{} output names for a WoE column",
                self.outputs.len()
            ));
        }
        if self.missing_bin >= n || self.unseen_bin.is_some_and(|u| u >= n) {
            return Err(format!("a bin index beyond the {n} bins"));
        }
        if self.bins.iter().any(|b| !b.woe.is_finite()) {
            return Err("a non-finite WoE".into());
        }
        if numeric {
            let ranges = self.n_ranges();
            if ranges > 0 && self.edges.len() + 1 != ranges {
                return Err(format!(
                    "{ranges} range bins for {} edges",
                    self.edges.len()
                ));
            }
            if self.edges.windows(2).any(|w| w[0] >= w[1])
                || self.edges.iter().any(|e| !e.is_finite())
            {
                return Err("edges not finite and increasing".into());
            }
            let bad = self.bins[ranges..]
                .iter()
                .any(|b| !matches!(b.rule, BinRule::Special { .. } | BinRule::Missing));
            if bad {
                return Err("range bins must come first, then special and missing bins".into());
            }
        } else if !self.edges.is_empty()
            || self.unseen_bin.is_none()
            || self
                .bins
                .iter()
                .any(|b| !matches!(b.rule, BinRule::Levels { .. } | BinRule::Missing))
        {
            return Err("a level binning with numeric bins, edges or no unseen bin".into());
        }
        Ok(())
    }
}

/// A number as SQL and humans read it: the shortest text that reads back to the same `f64`.
pub(crate) fn short(x: f64) -> String {
    format!("{x}")
}

impl fmt::Display for BinRule {
    /// `(-inf, 10]`, `(10, 25]`, `(25, +inf)`, `= -1`, `a, b`, `a, other (y, z)`, `missing`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BinRule::Range { lower, upper } => {
                let lo = lower.map_or_else(|| "-inf".to_owned(), short);
                match upper {
                    Some(hi) => write!(f, "({lo}, {}]", short(*hi)),
                    None => write!(f, "({lo}, +inf)"),
                }
            }
            BinRule::Special { value } => write!(f, "= {}", short(*value)),
            BinRule::Levels { levels, other } => {
                let mut parts: Vec<String> = levels.clone();
                if !other.is_empty() {
                    parts.push(format!("other ({})", other.join(", ")));
                }
                write!(f, "{}", parts.join(", "))
            }
            BinRule::Missing => write!(f, "missing"),
        }
    }
}
