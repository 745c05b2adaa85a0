//! Monotone constraints: the predicted probability may be required to be non-decreasing (`+1`)
//! or non-increasing (`-1`) in chosen input features, as LightGBM's `monotone_constraints`.
//!
//! A constraint list holds one entry per input feature, each `-1`, `0` (unconstrained) or `+1`;
//! an empty list means no constraint. It is honoured by:
//!
//! - the gradient-boosted trees ([`GbmParams::monotone_constraints`](crate::GbmParams::monotone_constraints))
//!   and the CART family ([`DecisionTreeParams::monotone_constraints`](crate::trees::DecisionTreeParams::monotone_constraints),
//!   hence the random forest and AdaBoost) by LightGBM's "basic" method: every node carries an
//!   interval its output must stay in (unbounded at the root). A split on a constrained feature
//!   is kept only if the children's outputs, clamped to that interval, are ordered in the
//!   required direction; the mid-point of the two outputs then cuts the interval in two (the
//!   lower half for the child that must stay below), and every other split passes the interval
//!   on unchanged. Leaf outputs are clamped to their interval, so every tree, and therefore
//!   every sum or positively weighted vote of trees, is monotone in the feature;
//! - the logistic regression ([`LogisticRegressionParams::monotone_constraints`](crate::LogisticRegressionParams::monotone_constraints))
//!   by bounding the sign of the coefficient (`beta_j >= 0` for `+1`, `<= 0` for `-1`), solved
//!   by a projected Newton method.
//!
//! Missing values (`NaN`) are not points on the feature's axis: a constraint holds over the
//! non-missing values, and a row whose constrained feature is missing may score anywhere (trees
//! send it to whichever side fitted it best). A split that separates only missing values from
//! the rest is not constrained. A constrained feature cannot also be categorical (an error):
//! category codes have no order. The MLP does not support constraints.
//!
//! [`find_violation`] checks a fitted model on a grid of values, as the tests do.
//!
//! ```
//! use ndarray::Array2;
//! use pdscore_models::monotone::find_violation;
//! use pdscore_models::{Classifier, GbmParams};
//!
//! let x = Array2::from_shape_fn((400, 2), |(i, j)| ((i * (7 + j * 5)) % 41) as f64);
//! let y: Vec<bool> = (0..400).map(|i| (i * 13) % 7 < 2 + (x[[i, 0]] as usize) % 3).collect();
//! let model = GbmParams::new()
//!     .n_estimators(30)
//!     .monotone_constraints(vec![1, 0])
//!     .fit(x.view(), &y, None)?;
//! let grid: Vec<f64> = (0..41).map(f64::from).collect();
//! assert!(find_violation(&model, x.view(), 0, 1, &grid)?.is_none());
//! # Ok::<(), pdscore_models::ModelError>(())
//! ```

use ndarray::ArrayView2;

use crate::{FittedClassifier, ModelError, Result};

/// Checks a constraint list against the number of features: empty, or one entry per feature,
/// each `-1`, `0` or `1`.
///
/// # Errors
/// [`ModelError::InvalidParam`] (`monotone_constraints`) naming the bad length or entry.
pub fn check_constraints(constraints: &[i8], n_features: usize) -> Result<()> {
    check_values(constraints)?;
    if !constraints.is_empty() && constraints.len() != n_features {
        return Err(ModelError::InvalidParam {
            name: "monotone_constraints",
            reason: format!(
                "has {} entries but the data has {n_features} features",
                constraints.len()
            ),
        });
    }
    Ok(())
}

/// Checks that every entry is `-1`, `0` or `1` (the length is checked at fit time).
pub(crate) fn check_values(constraints: &[i8]) -> Result<()> {
    if let Some((j, v)) = constraints
        .iter()
        .enumerate()
        .find(|(_, v)| !(-1..=1).contains(*v))
    {
        return Err(ModelError::InvalidParam {
            name: "monotone_constraints",
            reason: format!("entry {j} is {v}; each must be -1, 0 or 1"),
        });
    }
    Ok(())
}

/// Whether the list constrains any feature.
pub(crate) fn any(constraints: &[i8]) -> bool {
    constraints.iter().any(|&c| c != 0)
}

/// The direction of feature `j` (`0` when the list is empty).
pub(crate) fn direction(constraints: &[i8], j: usize) -> i8 {
    constraints.get(j).copied().unwrap_or(0)
}

/// The interval a node's output must stay in.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Bounds {
    pub(crate) min: f64,
    pub(crate) max: f64,
}

impl Bounds {
    /// No bound (the root).
    pub(crate) const UNBOUNDED: Bounds = Bounds {
        min: f64::NEG_INFINITY,
        max: f64::INFINITY,
    };

    /// `value` clamped into the interval.
    #[inline]
    pub(crate) fn clamp(self, value: f64) -> f64 {
        value.max(self.min).min(self.max)
    }

    /// Whether the outputs `left <= right` (direction `+1`) or `left >= right` (`-1`) are
    /// ordered as the direction requires (always true for `0`).
    #[inline]
    pub(crate) fn ordered(direction: i8, left: f64, right: f64) -> bool {
        match direction {
            1 => left <= right,
            -1 => left >= right,
            _ => true,
        }
    }

    /// The intervals of the two children of a split in `direction` whose (clamped) outputs are
    /// `left` and `right`: the mid-point cuts this interval (LightGBM's basic method); direction
    /// `0` passes the interval on to both.
    pub(crate) fn children(self, direction: i8, left: f64, right: f64) -> (Bounds, Bounds) {
        let mid = 0.5 * (left + right);
        match direction {
            1 => (
                Bounds {
                    max: self.max.min(mid),
                    ..self
                },
                Bounds {
                    min: self.min.max(mid),
                    ..self
                },
            ),
            -1 => (
                Bounds {
                    min: self.min.max(mid),
                    ..self
                },
                Bounds {
                    max: self.max.min(mid),
                    ..self
                },
            ),
            _ => (self, self),
        }
    }
}

/// A place where a model is not monotone: row `row` of the checked rows scores `from` at grid
/// value `grid[step]` and `to` at `grid[step + 1]`, against the direction.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Violation {
    /// Index of the row (in the rows checked).
    pub row: usize,
    /// Index of the grid value the step starts from.
    pub step: usize,
    /// Probability at `grid[step]`.
    pub from: f64,
    /// Probability at `grid[step + 1]`.
    pub to: f64,
}

/// Checks that `model` is monotone in feature `feature` in `direction` (`+1` or `-1`): each row
/// of `x` is scored with the feature set to each value of `grid` (ascending) and the predicted
/// probabilities must not move against the direction by more than `1e-12`. Returns the largest
/// violation, or `None`.
///
/// # Errors
/// The model's scoring errors; [`ModelError::InvalidParam`] for a direction other than `±1`, an
/// unsorted grid or a feature out of range.
pub fn find_violation<M: FittedClassifier + ?Sized>(
    model: &M,
    x: ArrayView2<'_, f64>,
    feature: usize,
    direction: i8,
    grid: &[f64],
) -> Result<Option<Violation>> {
    let bad = |reason: String| ModelError::InvalidParam {
        name: "find_violation",
        reason,
    };
    if direction != 1 && direction != -1 {
        return Err(bad(format!("direction must be 1 or -1, got {direction}")));
    }
    if feature >= x.ncols() {
        return Err(bad(format!(
            "feature {feature} out of range ({} columns)",
            x.ncols()
        )));
    }
    if grid.windows(2).any(|w| {
        w[0].partial_cmp(&w[1])
            .is_none_or(std::cmp::Ordering::is_gt)
    }) {
        return Err(bad("the grid must be ascending".into()));
    }
    let mut probs = Vec::with_capacity(grid.len());
    for &value in grid {
        let mut varied = x.to_owned();
        varied.column_mut(feature).fill(value);
        probs.push(model.predict_proba(varied.view())?);
    }
    let mut worst: Option<Violation> = None;
    for (step, pair) in probs.windows(2).enumerate() {
        for (row, (&from, &to)) in pair[0].iter().zip(&pair[1]).enumerate() {
            let against = f64::from(direction) * (from - to);
            if against > 1e-12 && worst.is_none_or(|w| against > (w.from - w.to).abs()) {
                worst = Some(Violation {
                    row,
                    step,
                    from,
                    to,
                });
            }
        }
    }
    Ok(worst)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_are_checked() {
        assert!(check_constraints(&[], 3).is_ok());
        assert!(check_constraints(&[1, 0, -1], 3).is_ok());
        assert!(check_constraints(&[1, 0], 3).is_err());
        assert!(check_constraints(&[2, 0, 0], 3).is_err());
        assert!(any(&[0, -1]) && !any(&[0, 0]) && !any(&[]));
        assert_eq!(direction(&[], 4), 0);
    }

    #[test]
    fn children_split_the_interval_at_the_mid_point() {
        let b = Bounds {
            min: -1.0,
            max: 3.0,
        };
        let (l, r) = b.children(1, 0.0, 2.0);
        assert_eq!((l.min, l.max, r.min, r.max), (-1.0, 1.0, 1.0, 3.0));
        let (l, r) = b.children(-1, 2.0, 0.0);
        assert_eq!((l.min, l.max, r.min, r.max), (1.0, 3.0, -1.0, 1.0));
        assert_eq!(b.children(0, 5.0, -5.0), (b, b));
        assert_eq!(b.clamp(7.0), 3.0);
        assert_eq!(Bounds::UNBOUNDED.clamp(-7.5), -7.5);
        assert!(Bounds::ordered(1, 0.0, 0.0) && !Bounds::ordered(-1, 0.0, 1.0));
    }
}
