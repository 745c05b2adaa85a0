//! [`CalibrationMethod`]: which calibration a pipeline applies.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::ModelError;

/// Which calibration a pipeline applies to its model's scores; see the
/// [module docs](super) for the maps. Serialised (and parsed, and displayed) as `"none"`,
/// `"prior"`, `"sigmoid"`, `"isotonic"` or `"centered_isotonic"`.
///
/// ```
/// use pdscore_models::calibration::CalibrationMethod;
///
/// let method: CalibrationMethod = "isotonic".parse()?;
/// assert_eq!(method, CalibrationMethod::Isotonic);
/// assert_eq!(method.name(), "isotonic");
/// assert_eq!(serde_json::to_string(&method).unwrap(), "\"isotonic\"");
/// assert!("platt".parse::<CalibrationMethod>().is_err());
/// # Ok::<(), pdscore_models::ModelError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CalibrationMethod {
    /// No calibration: the PD is the model's score.
    None,
    /// Exact prior-shift correction of the log-odds ([`super::PriorShift`]).
    Prior,
    /// Platt scaling on the logit of the score ([`super::SigmoidCalibrator`]).
    Sigmoid,
    /// Isotonic regression of the labels on the score ([`super::IsotonicCalibrator`]).
    Isotonic,
    /// Centered isotonic regression on the logit ([`super::CenteredIsotonicCalibrator`]):
    /// isotonic without ties, so the model's ranking is kept.
    #[serde(rename = "centered_isotonic")]
    CenteredIsotonic,
}

impl CalibrationMethod {
    /// Every method, in the order of the enum.
    pub const ALL: [CalibrationMethod; 5] = [
        CalibrationMethod::None,
        CalibrationMethod::Prior,
        CalibrationMethod::Sigmoid,
        CalibrationMethod::Isotonic,
        CalibrationMethod::CenteredIsotonic,
    ];

    /// Whether the map is strictly increasing in the score, so that PDs rank rows exactly as
    /// the scores do (every method but plain isotonic regression, whose flat steps tie rows).
    pub fn keeps_ranking(self) -> bool {
        self != CalibrationMethod::Isotonic
    }

    /// The stable name: `"none"`, `"prior"`, `"sigmoid"`, `"isotonic"` or
    /// `"centered_isotonic"` (the serde and [`FromStr`] spelling).
    pub fn name(self) -> &'static str {
        match self {
            CalibrationMethod::None => "none",
            CalibrationMethod::Prior => "prior",
            CalibrationMethod::Sigmoid => "sigmoid",
            CalibrationMethod::Isotonic => "isotonic",
            CalibrationMethod::CenteredIsotonic => "centered_isotonic",
        }
    }
}

impl fmt::Display for CalibrationMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for CalibrationMethod {
    type Err = ModelError;

    /// Parses one of the [`CalibrationMethod::name`]s (exact, lowercase).
    fn from_str(s: &str) -> Result<Self, ModelError> {
        CalibrationMethod::ALL
            .into_iter()
            .find(|m| m.name() == s)
            .ok_or_else(|| ModelError::InvalidParam {
                name: "calibration",
                reason: format!("unknown method {s:?}; expected none, prior, sigmoid, isotonic or centered_isotonic"),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_parse_display_and_serialise_alike() {
        for method in CalibrationMethod::ALL {
            let name = method.name();
            assert_eq!(name.parse::<CalibrationMethod>().expect("parse"), method);
            assert_eq!(method.to_string(), name);
            let json = serde_json::to_string(&method).expect("serialise");
            assert_eq!(json, format!("\"{name}\""));
            let back: CalibrationMethod = serde_json::from_str(&json).expect("deserialise");
            assert_eq!(back, method);
        }
        assert!(matches!(
            "Sigmoid".parse::<CalibrationMethod>(),
            Err(ModelError::InvalidParam { .. })
        ));
        assert!(serde_json::from_str::<CalibrationMethod>("\"platt\"").is_err());
    }
}
