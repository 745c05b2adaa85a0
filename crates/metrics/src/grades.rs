//! Rating grades: a master scale of PD bands and its back-testing table.

use serde::{Deserialize, Serialize};

use crate::input::check_probabilities;
use crate::{MetricsError, Result, jeffreys_p_value};

/// A master scale: rating grades as contiguous PD bands on `[0, 1]`, given by their strictly
/// increasing inner edges in `(0, 1)`.
///
/// Grade 1 is `[0, e₁)`, grade k is `[e_{k−1}, e_k)` and the last grade is `[e_last, 1]`, so
/// `k` edges make `k + 1` grades and every PD has exactly one grade; higher grades are riskier.
/// Lenders report, price and back-test by grade rather than by raw PD: the
/// [table](MasterScale::table) sets each grade's observed default rate against its mean PD
/// with the Jeffreys test.
///
/// Serialised as `{"edges": [...]}`; deserialising validates the edges as
/// [`new`](MasterScale::new) does.
///
/// # Example
/// ```
/// use pdscore_metrics::MasterScale;
/// let scale = MasterScale::default(); // 7 grades, edges 0.5 %, 1 %, 2 %, ..., 16 %
/// assert_eq!(scale.n_grades(), 7);
/// assert_eq!(scale.grade_of(0.0143), 3);
/// assert_eq!(scale.bounds(3), (0.01, 0.02));
/// assert_eq!(scale.grade_of(0.5), 7);
///
/// let y = [false, false, true, false, true];
/// let pd = [0.002, 0.003, 0.015, 0.012, 0.3];
/// let rows = scale.table(&y, &pd)?;
/// assert_eq!(rows.len(), 7); // empty grades included
/// assert_eq!((rows[2].count, rows[2].defaults), (2, 1));
/// assert_eq!(rows[1].mean_pd, None);
/// # Ok::<(), pdscore_metrics::MetricsError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "UncheckedScale")]
pub struct MasterScale {
    edges: Vec<f64>,
}

/// What a serialised [`MasterScale`] holds, before validation.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UncheckedScale {
    edges: Vec<f64>,
}

impl TryFrom<UncheckedScale> for MasterScale {
    type Error = MetricsError;

    fn try_from(unchecked: UncheckedScale) -> Result<Self> {
        Self::new(unchecked.edges)
    }
}

impl Default for MasterScale {
    /// Seven grades with edges 0.5 %, 1 %, 2 %, 4 %, 8 % and 16 %: a geometric scale (each
    /// grade about twice as risky as the one below, as master scales usually are) centred on
    /// the reference portfolio's 1.4 % default rate. Not any regulator's or bank's scale.
    fn default() -> Self {
        Self {
            edges: vec![0.005, 0.01, 0.02, 0.04, 0.08, 0.16],
        }
    }
}

impl MasterScale {
    /// A master scale with the given inner edges.
    ///
    /// # Errors
    /// [`MetricsError::InvalidParameter`] for no edge at all; [`MetricsError::InvalidGradeEdge`]
    /// for the first edge that is not finite, not strictly inside `(0, 1)`, or not above the
    /// previous one.
    pub fn new(edges: Vec<f64>) -> Result<Self> {
        if edges.is_empty() {
            return Err(MetricsError::param(
                "edges",
                "[]",
                "a master scale needs at least one edge (two grades)",
            ));
        }
        for (index, &value) in edges.iter().enumerate() {
            let reason = if !(value > 0.0 && value < 1.0) {
                "edges must be finite and strictly between 0 and 1"
            } else if index > 0 && value <= edges[index - 1] {
                "edges must be strictly increasing"
            } else {
                continue;
            };
            return Err(MetricsError::InvalidGradeEdge {
                index,
                value,
                reason,
            });
        }
        Ok(Self { edges })
    }

    /// Number of grades (one more than the number of edges).
    pub fn n_grades(&self) -> usize {
        self.edges.len() + 1
    }

    /// The inner edges, strictly increasing in `(0, 1)`.
    pub fn edges(&self) -> &[f64] {
        &self.edges
    }

    /// The grade (1-based) of a PD: 1 plus the number of edges at or below it, so a PD equal
    /// to an edge belongs to the grade that edge opens.
    ///
    /// The PD is not validated here: values below 0 fall in grade 1, values above 1 in the
    /// last grade, and `NaN` in grade 1; [`table`](Self::table) rejects all three.
    pub fn grade_of(&self, pd: f64) -> usize {
        1 + self.edges.partition_point(|&edge| edge <= pd)
    }

    /// The PD band `(lower, upper)` of a grade (1-based): `[lower, upper)`, or `[lower, 1]` for
    /// the last grade. `grade` is clamped to `1..=n_grades()` (0 reads as 1, anything above
    /// the last grade as the last), so every call has an answer.
    pub fn bounds(&self, grade: usize) -> (f64, f64) {
        let grade = grade.clamp(1, self.n_grades());
        let lower = if grade == 1 {
            0.0
        } else {
            self.edges[grade - 2]
        };
        let upper = self.edges.get(grade - 1).copied().unwrap_or(1.0);
        (lower, upper)
    }

    /// The back-testing table of the scale: one row per grade, empty grades included, with
    /// each grade's count, defaults, mean PD, observed default rate and the Jeffreys test of
    /// the mean PD against the defaults (see [`jeffreys_p_value`]).
    ///
    /// # Errors
    /// Empty input, length mismatches, a probability outside `[0, 1]` (or `NaN`).
    pub fn table(&self, y_true: &[bool], probabilities: &[f64]) -> Result<Vec<GradeRow>> {
        check_probabilities(y_true, probabilities, None)?;
        let mut tallies = vec![(0_u64, 0_u64, 0.0_f64); self.n_grades()];
        for (&y, &pd) in y_true.iter().zip(probabilities) {
            let tally = &mut tallies[self.grade_of(pd) - 1];
            tally.0 += 1;
            tally.1 += u64::from(y);
            tally.2 += pd;
        }
        tallies
            .into_iter()
            .enumerate()
            .map(|(index, (count, defaults, sum_pd))| {
                let grade = index + 1;
                let (lower, upper) = self.bounds(grade);
                let (mean_pd, observed_rate, p_value) = if count == 0 {
                    (None, None, None)
                } else {
                    // A sum of `count` values <= 1 rounds to at most `count`: mean PD <= 1.
                    let mean_pd = sum_pd / count as f64;
                    let observed = defaults as f64 / count as f64;
                    let p_value = jeffreys_p_value(defaults, count, mean_pd)?;
                    (Some(mean_pd), Some(observed), Some(p_value))
                };
                Ok(GradeRow {
                    grade,
                    lower,
                    upper,
                    count,
                    defaults,
                    mean_pd,
                    observed_rate,
                    jeffreys_p_value: p_value,
                })
            })
            .collect()
    }
}

/// One grade of a [`MasterScale::table`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GradeRow {
    /// The grade, from 1 (least risky).
    pub grade: usize,
    /// Lower PD bound of the grade (included).
    pub lower: f64,
    /// Upper PD bound of the grade (excluded, except 1 for the last grade).
    pub upper: f64,
    /// Number of rows whose PD falls in the grade.
    pub count: u64,
    /// Number of those rows that defaulted.
    pub defaults: u64,
    /// Mean PD of the grade's rows; `None` for an empty grade.
    pub mean_pd: Option<f64>,
    /// Observed default rate, `defaults / count`; `None` for an empty grade.
    pub observed_rate: Option<f64>,
    /// Jeffreys test p-value of the mean PD against the defaults (small: the grade's PD is
    /// too low); `None` for an empty grade.
    pub jeffreys_p_value: Option<f64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grades_and_bounds_agree() {
        let scale = MasterScale::new(vec![0.1, 0.5]).unwrap();
        assert_eq!(scale.n_grades(), 3);
        for (pd, grade) in [
            (0.0, 1),
            (0.099, 1),
            (0.1, 2),
            (0.4999, 2),
            (0.5, 3),
            (1.0, 3),
        ] {
            assert_eq!(scale.grade_of(pd), grade, "pd {pd}");
            let (lower, upper) = scale.bounds(grade);
            assert!(lower <= pd && (pd < upper || (grade == 3 && pd <= upper)));
        }
        assert_eq!(scale.bounds(1), (0.0, 0.1));
        assert_eq!(scale.bounds(3), (0.5, 1.0));
        assert_eq!(scale.bounds(0), scale.bounds(1));
        assert_eq!(scale.bounds(99), scale.bounds(3));
        assert_eq!((scale.grade_of(-1.0), scale.grade_of(2.0)), (1, 3));
        assert_eq!(scale.grade_of(f64::NAN), 1);
    }

    #[test]
    fn table_counts_and_tests_each_grade() {
        let scale = MasterScale::new(vec![0.1, 0.5]).unwrap();
        let y = [false, true, false, true, true];
        let pd = [0.05, 0.05, 0.2, 0.3, 0.9];
        let rows = scale.table(&y, &pd).unwrap();
        assert_eq!(rows.len(), 3);
        assert_eq!((rows[0].count, rows[0].defaults), (2, 1));
        assert_eq!(rows[0].mean_pd, Some(0.05));
        assert_eq!(rows[0].observed_rate, Some(0.5));
        assert_eq!(rows[0].jeffreys_p_value, jeffreys_p_value(1, 2, 0.05).ok());
        assert_eq!(rows[1].mean_pd, Some(0.25));
        assert_eq!((rows[2].lower, rows[2].upper, rows[2].count), (0.5, 1.0, 1));
        let sparse = scale.table(&[true], &[0.7]).unwrap();
        assert_eq!(sparse[0].count, 0);
        assert_eq!(
            (
                sparse[0].mean_pd,
                sparse[0].observed_rate,
                sparse[0].jeffreys_p_value
            ),
            (None, None, None)
        );
    }

    #[test]
    fn invalid_scales_are_errors() {
        assert!(matches!(
            MasterScale::new(vec![]),
            Err(MetricsError::InvalidParameter { name: "edges", .. })
        ));
        for (edges, index) in [
            (vec![0.1, 0.1], 1),
            (vec![0.2, 0.1], 1),
            (vec![0.0, 0.5], 0),
            (vec![0.5, 1.0], 1),
            (vec![0.1, f64::NAN], 1),
            (vec![f64::INFINITY], 0),
        ] {
            assert!(
                matches!(MasterScale::new(edges.clone()), Err(MetricsError::InvalidGradeEdge { index: i, .. }) if i == index),
                "{edges:?}"
            );
        }
        assert!(matches!(
            MasterScale::default().table(&[true], &[1.5]),
            Err(MetricsError::ProbabilityOutOfRange { index: 0, .. })
        ));
    }

    #[test]
    fn serde_round_trip_validates() {
        let scale = MasterScale::default();
        let json = serde_json::to_string(&scale).unwrap();
        assert_eq!(json, r#"{"edges":[0.005,0.01,0.02,0.04,0.08,0.16]}"#);
        assert_eq!(serde_json::from_str::<MasterScale>(&json).unwrap(), scale);
        assert!(serde_json::from_str::<MasterScale>(r#"{"edges":[0.5,0.2]}"#).is_err());
        assert!(serde_json::from_str::<MasterScale>(r#"{"edges":[]}"#).is_err());
        let rows = scale.table(&[true, false], &[0.03, 0.5]).unwrap();
        let json = serde_json::to_string(&rows).unwrap();
        assert_eq!(serde_json::from_str::<Vec<GradeRow>>(&json).unwrap(), rows);
    }
}
