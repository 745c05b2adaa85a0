//! Centered isotonic regression on the logit of the score: [`CenteredIsotonicCalibrator`] and
//! [`fit_centered_isotonic`], an isotonic calibration that keeps the model's ranking.

use std::cmp::Ordering;

use serde::{Deserialize, Serialize};

use super::SCORE_CLIP;
use super::input::{check_calibration_input, logit};
use super::isotonic::{make_unique, pool_adjacent_violators};
use crate::linear::sigmoid;
use crate::{ModelError, Result};

/// A fitted centered isotonic calibrator: knots `(z_k, l_k)` on the logit scale of both the
/// score and the PD, strictly increasing in both, and one slope for the two tails.
///
/// # Why not plain isotonic regression
///
/// Isotonic regression ([`super::IsotonicCalibrator`]) maps whole ranges of scores to one PD.
/// Rows that the model told apart become ties, and the ranking the model learnt is lost: on
/// pooled out-of-fold scores of credit data, the plain isotonic map lowered the per-fold PR AUC
/// by 0.004 to 0.013 (the ROC AUC less). Centered isotonic regression (Oron and Flournoy, 2017)
/// keeps the isotonic fit's flexibility without the flat steps: each block of the isotonic fit
/// (rows pooled to one value) becomes one knot at the block's weighted mean score, with the
/// block's observed default rate as its value, and the PD is interpolated linearly between
/// knots. Because the pooled blocks have strictly increasing rates, the map is strictly
/// increasing, so the PDs rank rows exactly as the scores do and the ROC and PR AUC of a fold
/// are unchanged.
///
/// # The map
///
/// Both axes are logits: `z = logit(clip(s))` with `s` clipped to [`SCORE_CLIP`]`, 1 −
/// SCORE_CLIP]`, and the PD is `σ(l(z))` with `l` piecewise linear through the knots. Below the
/// first knot and above the last, `l` continues with the tail slope: the slope of the line
/// through the first and last knots (1 with a single knot), so the tails stay strictly
/// increasing too and a new score beyond the fitted range still gets a PD of its own. Block
/// rates of exactly 0 or 1 have no logit; they are moved half a default away from the edge,
/// `(0.5) / (w + 1)` for a block of weight `w` (and the mirror image near 1), and neighbouring
/// knots that this leaves out of order are pooled again.
///
/// ```
/// use pdscore_models::calibration::fit_centered_isotonic;
///
/// let scores = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8];
/// let y = [false, false, true, false, false, true, true, true];
/// let cal = fit_centered_isotonic(&scores, &y, None)?;
/// // Strictly increasing: no two scores share a PD.
/// let pds: Vec<f64> = scores.iter().map(|&s| cal.calibrate(s)).collect();
/// assert!(pds.windows(2).all(|w| w[0] < w[1]));
/// # Ok::<(), pdscore_models::ModelError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "CenteredParts")]
pub struct CenteredIsotonicCalibrator {
    /// Knot positions: logits of the block centres, strictly increasing.
    z: Vec<f64>,
    /// Knot values: logits of the PDs, strictly increasing.
    l: Vec<f64>,
    /// Slope of `l` below the first knot and above the last.
    tail_slope: f64,
}

/// The saved fields of a [`CenteredIsotonicCalibrator`], checked before they become one.
#[derive(Deserialize)]
struct CenteredParts {
    z: Vec<f64>,
    l: Vec<f64>,
    tail_slope: f64,
}

impl TryFrom<CenteredParts> for CenteredIsotonicCalibrator {
    type Error = String;

    fn try_from(parts: CenteredParts) -> std::result::Result<Self, String> {
        CenteredIsotonicCalibrator::from_knots(parts.z, parts.l, parts.tail_slope)
            .map_err(|e| format!("centered isotonic calibrator: {e}"))
    }
}

impl CenteredIsotonicCalibrator {
    /// A calibrator from its knots (logit of the score, logit of the PD) and tail slope.
    ///
    /// # Errors
    /// [`ModelError::InvalidParam`] unless both knot lists have the same, non-zero length, are
    /// finite and strictly increasing with finite slopes between knots, and the tail slope is
    /// finite and positive.
    pub fn from_knots(z: Vec<f64>, l: Vec<f64>, tail_slope: f64) -> Result<Self> {
        let invalid = |reason: String| {
            Err(ModelError::InvalidParam {
                name: "centered isotonic knots",
                reason,
            })
        };
        if z.is_empty() || z.len() != l.len() {
            return invalid(format!("{} knot positions and {} values", z.len(), l.len()));
        }
        if let Some(i) = z.iter().chain(&l).position(|v| !v.is_finite()) {
            return invalid(format!("knot {} is not finite", i % z.len()));
        }
        if !(tail_slope.is_finite() && tail_slope > 0.0) {
            return invalid(format!(
                "tail slope {tail_slope} is not finite and positive"
            ));
        }
        for i in 1..z.len() {
            if z[i] <= z[i - 1] || l[i] <= l[i - 1] {
                return invalid(format!("knots {} and {i} are not increasing", i - 1));
            }
            if !((l[i] - l[i - 1]) / (z[i] - z[i - 1])).is_finite() {
                return invalid(format!("knots {} and {i} are too close", i - 1));
            }
        }
        Ok(CenteredIsotonicCalibrator { z, l, tail_slope })
    }

    /// Number of knots.
    pub fn n_knots(&self) -> usize {
        self.z.len()
    }

    /// The PD at the first and at the last knot.
    pub fn knot_pd_range(&self) -> (f64, f64) {
        (sigmoid(self.l[0]), sigmoid(self.l[self.l.len() - 1]))
    }

    /// The calibrated PD of one score, strictly increasing in the score on
    /// `[SCORE_CLIP, 1 − SCORE_CLIP]` (`NaN` for a `NaN` score).
    #[inline]
    pub fn calibrate(&self, score: f64) -> f64 {
        if score.is_nan() {
            return f64::NAN;
        }
        let z = logit(score.clamp(SCORE_CLIP, 1.0 - SCORE_CLIP));
        let (knots, values) = (&self.z, &self.l);
        let last = knots.len() - 1;
        let l = if z <= knots[0] {
            values[0] + self.tail_slope * (z - knots[0])
        } else if z >= knots[last] {
            values[last] + self.tail_slope * (z - knots[last])
        } else {
            // knots[j] <= z < knots[j + 1], with 0 <= j < last.
            let j = knots.partition_point(|&k| k <= z) - 1;
            let slope = (values[j + 1] - values[j]) / (knots[j + 1] - knots[j]);
            values[j] + slope * (z - knots[j])
        };
        sigmoid(l)
    }
}

/// Fits the centered isotonic calibrator of the labels `y` on `scores` (optionally weighted);
/// see [`CenteredIsotonicCalibrator`] for the map.
///
/// # Fit
///
/// 1. Rows of zero weight are dropped; the scores become logits (clipped as above), sorted,
///    and equal ones merged (as [`super::fit_isotonic`] does).
/// 2. Weighted pool-adjacent-violators gives the isotonic fit; each of its blocks becomes a knot
///    at the weighted mean logit of its rows, valued at the block's default rate.
/// 3. Rates of 0 or 1 move half a default inwards; the knot logits are pooled again where that
///    broke the order, and knots of equal value are merged (weighted), leaving both coordinates
///    strictly increasing.
///
/// # Errors
/// [`ModelError::Empty`], [`ModelError::Shape`] (lengths differ),
/// [`ModelError::ScoreOutOfRange`] (a score outside `[0, 1]` or `NaN`),
/// [`ModelError::SingleClass`], or [`ModelError::BadWeights`].
pub fn fit_centered_isotonic(
    scores: &[f64],
    y: &[bool],
    sample_weight: Option<&[f64]>,
) -> Result<CenteredIsotonicCalibrator> {
    check_calibration_input(scores, y, sample_weight)?;
    let mut rows: Vec<(f64, f64, f64)> = scores
        .iter()
        .zip(y)
        .enumerate()
        .map(|(i, (&s, &yi))| {
            (
                logit(s.clamp(SCORE_CLIP, 1.0 - SCORE_CLIP)),
                f64::from(u8::from(yi)),
                sample_weight.map_or(1.0, |w| w[i]),
            )
        })
        .filter(|&(_, _, w)| w > 0.0)
        .collect();
    rows.sort_by(|a, b| {
        a.0.partial_cmp(&b.0)
            .unwrap_or(Ordering::Equal)
            .then(a.1.total_cmp(&b.1))
    });
    let (points, rates, weights) = make_unique(&rows);
    let mut fitted = rates;
    let mut fitted_weights = weights.clone();
    pool_adjacent_violators(&mut fitted, &mut fitted_weights);

    // Knots of the isotonic blocks: (weighted centre, rate, weight).
    let mut knots: Vec<Knot> = Vec::new();
    for ((&z, &rate), &w) in points.iter().zip(&fitted).zip(&weights) {
        match knots.last_mut() {
            Some(k) if k.rate == rate => k.add(z, w),
            _ => knots.push(Knot::new(z, rate, w)),
        }
    }
    // Logits of the rates, half a default away from 0 and 1.
    let mut values: Vec<f64> = knots
        .iter()
        .map(|k| {
            let edge = 0.5 / (k.weight + 1.0);
            logit(k.rate.clamp(edge, 1.0 - edge))
        })
        .collect();
    let mut knot_weights: Vec<f64> = knots.iter().map(|k| k.weight).collect();
    pool_adjacent_violators(&mut values, &mut knot_weights);
    let mut z: Vec<f64> = Vec::with_capacity(knots.len());
    let mut l: Vec<f64> = Vec::with_capacity(knots.len());
    let mut merged: Vec<Knot> = Vec::with_capacity(knots.len());
    for (k, &value) in knots.iter().zip(&values) {
        match merged.last_mut() {
            Some(m) if l.last() == Some(&value) => m.merge(k),
            _ => {
                merged.push(*k);
                l.push(value);
            }
        }
    }
    z.extend(merged.iter().map(Knot::centre));
    let tail_slope = if z.len() >= 2 {
        (l[l.len() - 1] - l[0]) / (z[z.len() - 1] - z[0])
    } else {
        1.0
    };
    CenteredIsotonicCalibrator::from_knots(z, l, tail_slope)
}

/// A block of the isotonic fit while knots are formed.
#[derive(Debug, Clone, Copy)]
struct Knot {
    weighted_z: f64,
    rate: f64,
    weight: f64,
}

impl Knot {
    fn new(z: f64, rate: f64, weight: f64) -> Self {
        Knot {
            weighted_z: z * weight,
            rate,
            weight,
        }
    }

    fn add(&mut self, z: f64, weight: f64) {
        self.weighted_z += z * weight;
        self.weight += weight;
    }

    fn merge(&mut self, other: &Knot) {
        self.weighted_z += other.weighted_z;
        self.weight += other.weight;
    }

    fn centre(&self) -> f64 {
        self.weighted_z / self.weight
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Scores and labels drawn so that the true PD of score `s` is `s²` (a miscalibrated model).
    fn miscalibrated(n: usize) -> (Vec<f64>, Vec<bool>) {
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let mut uniform = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 11) as f64 / (1u64 << 53) as f64
        };
        let scores: Vec<f64> = (0..n).map(|_| uniform()).collect();
        let y = scores.iter().map(|&s| uniform() < s * s).collect();
        (scores, y)
    }

    #[test]
    fn the_map_is_strictly_increasing_everywhere() {
        let (scores, y) = miscalibrated(5_000);
        let cal = fit_centered_isotonic(&scores, &y, None).expect("fit");
        assert!(cal.n_knots() > 5, "{}", cal.n_knots());
        let grid: Vec<f64> = (1..10_000).map(|i| f64::from(i) / 10_000.0).collect();
        let pds: Vec<f64> = grid.iter().map(|&s| cal.calibrate(s)).collect();
        for (w, s) in pds.windows(2).zip(&grid) {
            assert!(w[0] < w[1], "not increasing at {s}: {} then {}", w[0], w[1]);
        }
        assert!(cal.calibrate(f64::NAN).is_nan());
    }

    #[test]
    fn it_recovers_a_known_miscalibration() {
        let (scores, y) = miscalibrated(200_000);
        let cal = fit_centered_isotonic(&scores, &y, None).expect("fit");
        for s in [0.2, 0.4, 0.6, 0.8] {
            let pd = cal.calibrate(s);
            assert!(
                (pd - s * s).abs() < 0.02,
                "score {s}: PD {pd}, true {}",
                s * s
            );
        }
    }

    #[test]
    fn weights_count_like_repeated_rows() {
        let scores = [0.1, 0.3, 0.5, 0.7, 0.9, 0.2];
        let y = [false, true, false, true, true, false];
        let weighted =
            fit_centered_isotonic(&scores, &y, Some(&[1.0, 2.0, 1.0, 1.0, 3.0, 1.0])).expect("w");
        let repeated = fit_centered_isotonic(
            &[0.1, 0.3, 0.3, 0.5, 0.7, 0.9, 0.9, 0.9, 0.2],
            &[false, true, true, false, true, true, true, true, false],
            None,
        )
        .expect("repeated");
        for s in [0.05, 0.25, 0.6, 0.95] {
            assert!((weighted.calibrate(s) - repeated.calibrate(s)).abs() < 1e-12);
        }
    }

    #[test]
    fn one_block_keeps_the_ranking_with_slope_one() {
        // Labels against the scores: isotonic regression pools everything into one block.
        let cal = fit_centered_isotonic(&[0.2, 0.4, 0.6, 0.8], &[true, true, false, false], None)
            .expect("fit");
        assert_eq!(cal.n_knots(), 1);
        assert!((cal.calibrate(0.5) - 0.5).abs() < 0.1);
        assert!(cal.calibrate(0.3) < cal.calibrate(0.7));
    }

    #[test]
    fn loading_checks_the_knots() {
        let cal = fit_centered_isotonic(
            &[0.1, 0.2, 0.3, 0.4, 0.5],
            &[false, false, true, false, true],
            None,
        )
        .expect("fit");
        let json = serde_json::to_string(&cal).expect("save");
        let back: CenteredIsotonicCalibrator = serde_json::from_str(&json).expect("load");
        assert_eq!(back, cal);
        for bad in [
            r#"{"z":[],"l":[],"tail_slope":1.0}"#,
            r#"{"z":[0.0],"l":[0.0,1.0],"tail_slope":1.0}"#,
            r#"{"z":[1.0,0.0],"l":[0.0,1.0],"tail_slope":1.0}"#,
            r#"{"z":[0.0,1.0],"l":[1.0,0.0],"tail_slope":1.0}"#,
            r#"{"z":[0.0,1.0],"l":[0.0,1.0],"tail_slope":0.0}"#,
            r#"{"z":[0.0,5e-324],"l":[0.0,1.0],"tail_slope":1.0}"#,
        ] {
            let err = serde_json::from_str::<CenteredIsotonicCalibrator>(bad).expect_err(bad);
            assert!(
                err.to_string().contains("centered isotonic"),
                "{bad}: {err}"
            );
        }
    }
}
