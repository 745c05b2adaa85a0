//! Class weights and per-row sample weights: the alternative to resampling.
//!
//! Instead of changing the rows a model sees, a weight per row makes each minority row count more
//! in the loss. `balanced` weights are scikit-learn's: `n / (2 * count_of_class)`, so that both
//! classes carry the same total weight `n / 2`.

use serde::{Deserialize, Serialize};

use crate::{ResampleError, Result};

/// How to weight the two classes.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClassWeight {
    /// `n / (2 * count)` for each class (scikit-learn's `class_weight="balanced"`).
    Balanced,
    /// Fixed weights, each finite and strictly positive.
    Custom {
        /// Weight of every negative (`false`) row.
        negative: f64,
        /// Weight of every positive (`true`) row.
        positive: f64,
    },
}

/// The weight of each class, resolved for a given label vector.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ClassWeights {
    /// Weight of a negative (`false`) row.
    pub negative: f64,
    /// Weight of a positive (`true`) row.
    pub positive: f64,
}

impl ClassWeights {
    /// The weight of a row with label `label`.
    pub fn of(&self, label: bool) -> f64 {
        if label { self.positive } else { self.negative }
    }
}

impl ClassWeight {
    /// Validates a [`ClassWeight::Custom`] (always `Ok` for [`ClassWeight::Balanced`]).
    ///
    /// # Errors
    /// [`ResampleError::InvalidParam`] if a custom weight is not finite and strictly positive.
    pub fn check(&self) -> Result<()> {
        if let Self::Custom { negative, positive } = *self {
            for (name, value) in [("negative", negative), ("positive", positive)] {
                if !(value.is_finite() && value > 0.0) {
                    return Err(ResampleError::InvalidParam {
                        name,
                        value: value.to_string(),
                        reason: "a class weight must be finite and > 0".into(),
                    });
                }
            }
        }
        Ok(())
    }

    /// The weight of each class for labels `y`.
    ///
    /// ```
    /// use pdscore_resample::ClassWeight;
    /// let y = [false, false, false, true];
    /// let w = ClassWeight::Balanced.resolve(&y)?;
    /// assert_eq!((w.negative, w.positive), (4.0 / 6.0, 2.0));
    /// # Ok::<(), pdscore_resample::ResampleError>(())
    /// ```
    ///
    /// # Errors
    /// Invalid custom weights, empty `y`, or (for `Balanced`) a class absent from `y`.
    pub fn resolve(&self, y: &[bool]) -> Result<ClassWeights> {
        self.check()?;
        if y.is_empty() {
            return Err(ResampleError::Empty);
        }
        match *self {
            Self::Custom { negative, positive } => Ok(ClassWeights { negative, positive }),
            Self::Balanced => {
                let positives = y.iter().filter(|&&v| v).count();
                let negatives = y.len() - positives;
                if positives == 0 || negatives == 0 {
                    return Err(ResampleError::SingleClass {
                        positives,
                        rows: y.len(),
                    });
                }
                let n = y.len() as f64;
                Ok(ClassWeights {
                    negative: n / (2.0 * negatives as f64),
                    positive: n / (2.0 * positives as f64),
                })
            }
        }
    }
}

/// One weight per row of `y`: the weight of the row's class (see [`ClassWeight::resolve`]).
///
/// ```
/// use pdscore_resample::{sample_weights, ClassWeight};
/// let w = sample_weights(&[true, false, false, false], &ClassWeight::Balanced)?;
/// assert_eq!(w, vec![2.0, 4.0 / 6.0, 4.0 / 6.0, 4.0 / 6.0]);
/// # Ok::<(), pdscore_resample::ResampleError>(())
/// ```
///
/// # Errors
/// As [`ClassWeight::resolve`].
pub fn sample_weights(y: &[bool], class_weight: &ClassWeight) -> Result<Vec<f64>> {
    let weights = class_weight.resolve(y)?;
    Ok(y.iter().map(|&label| weights.of(label)).collect())
}

/// Balanced class weights computed on a bootstrap sample, as scikit-learn's random forest does
/// for `class_weight="balanced_subsample"` (`compute_sample_weight("balanced", y, indices=..)`).
///
/// `bootstrap` holds the drawn row indices into `y` (repeats allowed). The class weights are
/// `n_b / (n_present * count_b)`, where `n_b = bootstrap.len()`, `count_b` counts the class among
/// the drawn rows (with repeats) and `n_present` is the number of classes drawn at least once. The
/// result has **one weight per row of `y`** (not per drawn row): the weight of the row's class, or
/// `0.0` for a class that was not drawn. A tree fitted on the bootstrap multiplies it by how many
/// times each row was drawn.
///
/// ```
/// use pdscore_resample::balanced_subsample;
/// let y = [false, false, false, true, true];
/// let bootstrap = [0, 0, 1, 3, 0, 2];
/// let w = balanced_subsample(&y, &bootstrap)?;
/// // 5 negatives and 1 positive drawn: 6 / (2 * 5) and 6 / (2 * 1).
/// assert_eq!(w, vec![0.6, 0.6, 0.6, 3.0, 3.0]);
/// # Ok::<(), pdscore_resample::ResampleError>(())
/// ```
///
/// # Errors
/// [`ResampleError::Empty`] if `y` or `bootstrap` is empty; [`ResampleError::IndexOutOfBounds`].
pub fn balanced_subsample(y: &[bool], bootstrap: &[usize]) -> Result<Vec<f64>> {
    if y.is_empty() || bootstrap.is_empty() {
        return Err(ResampleError::Empty);
    }
    let mut counts = [0_usize; 2];
    for &row in bootstrap {
        let label = *y.get(row).ok_or(ResampleError::IndexOutOfBounds {
            index: row,
            rows: y.len(),
        })?;
        counts[usize::from(label)] += 1;
    }
    let present = counts.iter().filter(|&&c| c > 0).count() as f64;
    let n_b = bootstrap.len() as f64;
    let class_weight = counts.map(|c| {
        if c == 0 {
            0.0
        } else {
            n_b / (present * c as f64)
        }
    });
    Ok(y.iter()
        .map(|&label| class_weight[usize::from(label)])
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn balanced_weights_give_each_class_half_the_total() {
        let y: Vec<bool> = (0..700).map(|i| i % 70 == 0).collect();
        let w = sample_weights(&y, &ClassWeight::Balanced).unwrap();
        let pos: f64 = w.iter().zip(&y).filter(|(_, l)| **l).map(|(w, _)| w).sum();
        let neg: f64 = w.iter().zip(&y).filter(|(_, l)| !**l).map(|(w, _)| w).sum();
        assert!((pos - 350.0).abs() < 1e-9 && (neg - 350.0).abs() < 1e-9);
    }

    #[test]
    fn custom_weights_are_copied_and_validated() {
        let cw = ClassWeight::Custom {
            negative: 1.0,
            positive: 30.0,
        };
        assert_eq!(
            sample_weights(&[true, false], &cw).unwrap(),
            vec![30.0, 1.0]
        );
        // Custom weights do not need both classes.
        assert_eq!(
            sample_weights(&[false, false], &cw).unwrap(),
            vec![1.0, 1.0]
        );
        for bad in [0.0, -1.0, f64::NAN, f64::INFINITY] {
            let cw = ClassWeight::Custom {
                negative: 1.0,
                positive: bad,
            };
            assert!(matches!(
                sample_weights(&[true], &cw),
                Err(ResampleError::InvalidParam {
                    name: "positive",
                    ..
                })
            ));
        }
    }

    #[test]
    fn balanced_rejects_single_class_and_empty() {
        assert!(matches!(
            sample_weights(&[true, true], &ClassWeight::Balanced),
            Err(ResampleError::SingleClass {
                positives: 2,
                rows: 2
            })
        ));
        assert_eq!(
            sample_weights(&[], &ClassWeight::Balanced),
            Err(ResampleError::Empty)
        );
    }

    #[test]
    fn balanced_subsample_zeroes_undrawn_class_and_checks_indices() {
        let y = [false, true, false, true];
        // Only negatives drawn: one class present, weight n_b / (1 * n_b) = 1.
        assert_eq!(
            balanced_subsample(&y, &[0, 2, 2]).unwrap(),
            vec![1.0, 0.0, 1.0, 0.0]
        );
        assert_eq!(
            balanced_subsample(&y, &[0, 9]),
            Err(ResampleError::IndexOutOfBounds { index: 9, rows: 4 })
        );
        assert_eq!(balanced_subsample(&y, &[]), Err(ResampleError::Empty));
    }

    #[test]
    fn class_weight_serde_round_trip() {
        for cw in [
            ClassWeight::Balanced,
            ClassWeight::Custom {
                negative: 0.5,
                positive: 35.0,
            },
        ] {
            let json = serde_json::to_string(&cw).unwrap();
            assert_eq!(serde_json::from_str::<ClassWeight>(&json).unwrap(), cw);
        }
    }
}
