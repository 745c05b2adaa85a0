//! Probability calibrators: maps from a model's score `s ∈ [0, 1]` to a calibrated PD.
//!
//! A classifier's score ranks rows well but need not be a probability on the right scale: class
//! weights and resampling move it on purpose, boosting and forests bend it. A calibrator is fitted
//! on out-of-fold scores (by the pipeline) and applied to every scored row afterwards:
//!
//! | [`CalibrationMethod`] | fitted as | map |
//! |---|---|---|
//! | `none` | [`FittedCalibrator::Identity`] | `p = s` |
//! | `prior` | [`PriorShift::between`] | `logit(p) = logit(s) + shift` (exact prior-shift correction) |
//! | `sigmoid` | [`fit_sigmoid`] | `p = σ(slope · logit(s) + intercept)` (Platt scaling on the logit) |
//! | `isotonic` | [`fit_isotonic`] | the monotone step-and-ramp function of scikit-learn's `IsotonicRegression` |
//! | `centered_isotonic` | [`fit_centered_isotonic`] | the isotonic fit's blocks as knots, interpolated on the logit scale: strictly increasing, so the ranking is kept |
//!
//! Every calibrator is a pure function of one score, so a row's PD never depends on the other
//! rows it is scored with, and [`FittedCalibrator::calibrate_in_place`] gives the same bits as
//! [`FittedCalibrator::calibrate`] row by row. Calibrators are plain serde data saved inside the
//! model file; loading one checks it (finite parameters, sorted thresholds, values in `[0, 1]`)
//! and fails with an error, not a panic, on a damaged file.
//!
//! Scores are clamped to `[0, 1]` when calibrated (models only produce scores there); a `NaN`
//! score gives `NaN`.
//!
//! ```
//! use pdscore_models::calibration::{fit_isotonic, fit_sigmoid, FittedCalibrator, PriorShift};
//!
//! let scores = [0.1, 0.2, 0.3, 0.4, 0.6, 0.7, 0.8, 0.9];
//! let y = [false, false, true, false, false, true, true, true];
//! let platt = FittedCalibrator::Sigmoid(fit_sigmoid(&scores, &y, None)?);
//! let iso = FittedCalibrator::Isotonic(fit_isotonic(&scores, &y, None)?);
//! assert!(platt.calibrate(0.9) > platt.calibrate(0.1));
//! assert_eq!(iso.calibrate(0.05), iso.calibrate(0.1)); // clipped to the fitted range
//!
//! // A model trained on balanced classes (effective prior 0.5), data default rate 2 %:
//! let shift = FittedCalibrator::Prior(PriorShift::between(0.5, 0.02)?);
//! assert!((shift.calibrate(0.5) - 0.02).abs() < 1e-15);
//! let mut batch = vec![0.0, 0.5, 1.0];
//! shift.calibrate_in_place(&mut batch);
//! assert_eq!(batch[0], 0.0);
//! assert_eq!(batch[2], 1.0);
//! # Ok::<(), pdscore_models::ModelError>(())
//! ```

mod centered;
mod fitted;
mod input;
mod isotonic;
mod method;
mod prior;
mod sigmoid;
mod trust_region;

pub use centered::{CenteredIsotonicCalibrator, fit_centered_isotonic};
pub use fitted::FittedCalibrator;
pub use isotonic::{IsotonicCalibrator, fit_isotonic};
pub use method::CalibrationMethod;
pub use prior::PriorShift;
pub use sigmoid::{SCORE_CLIP, SigmoidCalibrator, fit_sigmoid};
