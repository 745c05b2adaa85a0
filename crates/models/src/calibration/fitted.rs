//! [`FittedCalibrator`]: a fitted calibrator of any kind, as a pipeline saves it.

use serde::{Deserialize, Serialize};

use super::{
    CalibrationMethod, CenteredIsotonicCalibrator, IsotonicCalibrator, PriorShift,
    SigmoidCalibrator,
};

/// A fitted calibrator of any kind. Serialised with a `"method"` tag next to the calibrator's
/// own fields, e.g. `{"method":"sigmoid","slope":0.93,"intercept":-0.12}` or
/// `{"method":"none"}`; loading checks the fields (see each calibrator).
///
/// ```
/// use pdscore_models::calibration::{CalibrationMethod, FittedCalibrator, SigmoidCalibrator};
///
/// let cal = FittedCalibrator::Sigmoid(SigmoidCalibrator::new(0.93, -0.12)?);
/// assert_eq!(cal.method(), CalibrationMethod::Sigmoid);
/// assert_eq!(cal.describe(), "sigmoid: slope 0.93, intercept -0.12");
/// let json = serde_json::to_string(&cal).unwrap();
/// assert_eq!(json, r#"{"method":"sigmoid","slope":0.93,"intercept":-0.12}"#);
/// let back: FittedCalibrator = serde_json::from_str(&json).unwrap();
/// assert_eq!(back.calibrate(0.2), cal.calibrate(0.2));
/// # Ok::<(), pdscore_models::ModelError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "method")]
pub enum FittedCalibrator {
    /// No calibration: the PD is the score.
    #[serde(rename = "none")]
    Identity,
    /// Platt scaling on the logit.
    #[serde(rename = "sigmoid")]
    Sigmoid(SigmoidCalibrator),
    /// Isotonic regression.
    #[serde(rename = "isotonic")]
    Isotonic(IsotonicCalibrator),
    /// Prior-shift correction of the log-odds.
    #[serde(rename = "prior")]
    Prior(PriorShift),
    /// Centered isotonic regression on the logit.
    #[serde(rename = "centered_isotonic")]
    CenteredIsotonic(CenteredIsotonicCalibrator),
}

impl FittedCalibrator {
    /// The method this calibrator implements.
    pub fn method(&self) -> CalibrationMethod {
        match self {
            FittedCalibrator::Identity => CalibrationMethod::None,
            FittedCalibrator::Sigmoid(_) => CalibrationMethod::Sigmoid,
            FittedCalibrator::Isotonic(_) => CalibrationMethod::Isotonic,
            FittedCalibrator::Prior(_) => CalibrationMethod::Prior,
            FittedCalibrator::CenteredIsotonic(_) => CalibrationMethod::CenteredIsotonic,
        }
    }

    /// The calibrated PD of one score, a pure function of that score (a row's PD never depends
    /// on the other rows). The identity returns the score as given; the others clamp it to
    /// `[0, 1]` and return a PD in `[0, 1]`; `NaN` gives `NaN`.
    #[inline]
    pub fn calibrate(&self, score: f64) -> f64 {
        match self {
            FittedCalibrator::Identity => score,
            FittedCalibrator::Sigmoid(c) => c.calibrate(score),
            FittedCalibrator::Isotonic(c) => c.calibrate(score),
            FittedCalibrator::Prior(c) => c.calibrate(score),
            FittedCalibrator::CenteredIsotonic(c) => c.calibrate(score),
        }
    }

    /// Calibrates every score in place; the same bits as [`FittedCalibrator::calibrate`] on each
    /// element (the kind is matched once, then the same per-score function runs).
    pub fn calibrate_in_place(&self, scores: &mut [f64]) {
        fn apply(scores: &mut [f64], f: impl Fn(f64) -> f64) {
            for s in scores {
                *s = f(*s);
            }
        }
        match self {
            FittedCalibrator::Identity => {}
            FittedCalibrator::Sigmoid(c) => apply(scores, |s| c.calibrate(s)),
            FittedCalibrator::Isotonic(c) => apply(scores, |s| c.calibrate(s)),
            FittedCalibrator::Prior(c) => apply(scores, |s| c.calibrate(s)),
            FittedCalibrator::CenteredIsotonic(c) => apply(scores, |s| c.calibrate(s)),
        }
    }

    /// Whether the map is strictly increasing in the score, so that PDs rank rows exactly as the
    /// scores do: false for isotonic regression (flat steps) and for a Platt fit whose slope is
    /// not positive (scores that rank rows the wrong way round on the calibration rows, as an
    /// overfitted tree's can).
    pub fn is_strictly_increasing(&self) -> bool {
        match self {
            FittedCalibrator::Identity
            | FittedCalibrator::Prior(_)
            | FittedCalibrator::CenteredIsotonic(_) => true,
            FittedCalibrator::Sigmoid(c) => c.slope() > 0.0,
            FittedCalibrator::Isotonic(_) => false,
        }
    }

    /// One line for reports, e.g. `"sigmoid: slope 0.93, intercept -0.12"`.
    pub fn describe(&self) -> String {
        match self {
            FittedCalibrator::Identity => "none: PD = model score".to_string(),
            FittedCalibrator::Sigmoid(c) => format!(
                "sigmoid: slope {}, intercept {}",
                round_for_report(c.slope()),
                round_for_report(c.intercept())
            ),
            FittedCalibrator::Isotonic(c) => {
                let (x, y) = (c.thresholds(), c.values());
                let last = x.len() - 1;
                format!(
                    "isotonic: {} thresholds on scores {}..{}, PD {}..{}",
                    x.len(),
                    round_for_report(x[0]),
                    round_for_report(x[last]),
                    round_for_report(y[0]),
                    round_for_report(y[last])
                )
            }
            FittedCalibrator::Prior(c) => format!(
                "prior: from {} to {} (log-odds shift {})",
                round_for_report(c.from_prior()),
                round_for_report(c.to_prior()),
                round_for_report(c.log_odds_shift())
            ),
            FittedCalibrator::CenteredIsotonic(c) => {
                let (low, high) = c.knot_pd_range();
                format!(
                    "centered isotonic: {} knots, PD {}..{} between the first and last",
                    c.n_knots(),
                    round_for_report(low),
                    round_for_report(high)
                )
            }
        }
    }
}

/// A figure with 4 significant digits, for one-line reports.
fn round_for_report(v: f64) -> f64 {
    if v == 0.0 || !v.is_finite() {
        return v;
    }
    let digits = 3 - v.abs().log10().floor() as i32;
    let scale = 10f64.powi(digits);
    (v * scale).round() / scale
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calibration::{fit_centered_isotonic, fit_isotonic, fit_sigmoid};

    fn every_kind() -> Vec<FittedCalibrator> {
        let scores: Vec<f64> = (0..200).map(|i| (i as f64 / 199.0).powi(3)).collect();
        let y: Vec<bool> = (0..200).map(|i| (i * 37) % 100 < i / 2).collect();
        let w: Vec<f64> = (0..200).map(|i| 0.5 + (i % 3) as f64).collect();
        vec![
            FittedCalibrator::Identity,
            FittedCalibrator::Sigmoid(fit_sigmoid(&scores, &y, Some(&w)).expect("sigmoid")),
            FittedCalibrator::Isotonic(fit_isotonic(&scores, &y, Some(&w)).expect("isotonic")),
            FittedCalibrator::Prior(PriorShift::between(0.5, 0.0143).expect("prior")),
            FittedCalibrator::CenteredIsotonic(
                fit_centered_isotonic(&scores, &y, Some(&w)).expect("centered"),
            ),
        ]
    }

    fn probe_scores() -> Vec<f64> {
        let mut s: Vec<f64> = (0..=1000).map(|i| f64::from(i) / 1000.0).collect();
        s.extend([1e-300, 5e-324, 1e-13, 1.0 - 1e-13, 1.0 - f64::EPSILON / 2.0]);
        s.extend((0..500).map(|i| ((f64::from(i) * 0.618_033_988_7) % 1.0).powi(5)));
        s
    }

    #[test]
    fn in_place_equals_one_by_one_bit_for_bit() {
        for cal in every_kind() {
            let scores = probe_scores();
            let mut batch = scores.clone();
            cal.calibrate_in_place(&mut batch);
            for (&s, &b) in scores.iter().zip(&batch) {
                assert_eq!(
                    cal.calibrate(s).to_bits(),
                    b.to_bits(),
                    "{}: score {s}",
                    cal.method()
                );
                assert!((0.0..=1.0).contains(&b), "{}: {s} -> {b}", cal.method());
            }
        }
    }

    #[test]
    fn every_kind_round_trips_bit_exactly_through_json() {
        let kinds = every_kind();
        let mut methods: Vec<&str> = kinds.iter().map(|c| c.method().name()).collect();
        methods.sort_unstable();
        let mut all: Vec<&str> = CalibrationMethod::ALL.iter().map(|m| m.name()).collect();
        all.sort_unstable();
        assert_eq!(methods, all, "every kind is tested");
        for cal in kinds {
            let json = serde_json::to_string(&cal).expect("serialise");
            assert!(
                json.starts_with(&format!("{{\"method\":\"{}\"", cal.method())),
                "{json}"
            );
            let back: FittedCalibrator = serde_json::from_str(&json).expect("load");
            assert_eq!(back, cal);
            for s in probe_scores() {
                assert_eq!(back.calibrate(s).to_bits(), cal.calibrate(s).to_bits());
            }
            assert!(!cal.describe().is_empty());
        }
    }

    #[test]
    fn a_corrupted_saved_calibrator_fails_to_load() {
        let bad = [
            r#"{"method":"sigmoid","slope":"steep","intercept":0.0}"#,
            r#"{"method":"sigmoid","slope":1.0}"#,
            r#"{"method":"isotonic","x":[0.2,0.1],"y":[0.0,1.0]}"#,
            r#"{"method":"isotonic","x":[0.1,0.2],"y":[0.9,0.1]}"#,
            r#"{"method":"isotonic","x":[0.1,0.2,0.3],"y":[0.0,1.0]}"#,
            r#"{"method":"prior","from_prior":0.5,"to_prior":0.0,"log_odds_shift":-1.0}"#,
            r#"{"method":"platt","slope":1.0,"intercept":0.0}"#,
            r#"{"slope":1.0,"intercept":0.0}"#,
        ];
        for text in bad {
            assert!(
                serde_json::from_str::<FittedCalibrator>(text).is_err(),
                "{text}"
            );
        }
    }

    #[test]
    fn only_rank_keeping_maps_are_strictly_increasing() {
        for cal in every_kind() {
            let increasing = cal.is_strictly_increasing();
            assert_eq!(increasing, cal.method().keeps_ranking(), "{}", cal.method());
            if increasing {
                let pds: Vec<f64> = (1..1000)
                    .map(|i| cal.calibrate(f64::from(i) / 1000.0))
                    .collect();
                assert!(pds.windows(2).all(|w| w[0] < w[1]), "{}", cal.method());
            }
        }
        let falling = FittedCalibrator::Sigmoid(SigmoidCalibrator::new(-0.5, 0.0).expect("valid"));
        assert!(!falling.is_strictly_increasing());
    }

    #[test]
    fn descriptions_are_one_short_line() {
        let sigmoid = FittedCalibrator::Sigmoid(
            SigmoidCalibrator::new(0.931_234, -0.123_456).expect("valid"),
        );
        assert_eq!(
            sigmoid.describe(),
            "sigmoid: slope 0.9312, intercept -0.1235"
        );
        let prior = FittedCalibrator::Prior(PriorShift::between(0.5, 0.0143).expect("valid"));
        assert_eq!(
            prior.describe(),
            "prior: from 0.5 to 0.0143 (log-odds shift -4.233)"
        );
        for cal in every_kind() {
            assert!(!cal.describe().contains('\n'));
        }
    }
}
