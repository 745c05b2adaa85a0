//! Monotone constraints named by input column (`--monotone loan_int_rate=+1,person_income=-1`):
//! the PD of a pipeline must not decrease (`+1`) or not increase (`-1`) when that column's value
//! grows, everything else fixed.
//!
//! The models see transformed features, so a [`MonotoneSpec`] is resolved against each fitted
//! preprocessing ([`FittedFeatures::output_columns`]) into one `-1 / 0 / +1` entry per matrix
//! column ([`MonotoneSpec::resolve`]) and set on the model's own `monotone_constraints`:
//!
//! - under the trees preset a numeric column is its own feature (missing values stay `NaN`,
//!   outside the constraint);
//! - under the linear preset it is the standard-scaled value (a positive scale keeps the sign;
//!   missing cells are imputed and their `__is_missing` indicator stays unconstrained);
//! - a categorical column has no order: constraining it is an error, as is a column that is not
//!   a feature (the error lists the feature columns).
//!
//! Which candidates can honour constraints ([`MonotoneSpec::supports`]): the gradient-boosted
//! trees, the decision tree, the random forest, AdaBoost and the logistic regression on the
//! trees or linear preset. The MLP cannot, nor can the scorecard (its weight-of-evidence
//! features are not monotone in the raw column) or a preset with PCA (every component mixes
//! every column); [`crate::EvaluateSpec`] drops them from a default comparison with a warning
//! and refuses them when named.
//!
//! The calibration maps a pipeline applies on top of the model (Platt, isotonic, prior shift,
//! PD floor) are non-decreasing in the score, so a monotone score gives a monotone PD.
//!
//! ```
//! use pdscore_pipeline::MonotoneSpec;
//!
//! let spec: MonotoneSpec = "loan_int_rate=+1, person_income=-1".parse()?;
//! assert_eq!(spec.columns[1].column, "person_income");
//! assert_eq!(spec.columns[1].direction, -1);
//! assert_eq!(spec.to_string(), "loan_int_rate=+1,person_income=-1");
//! assert!("loan_int_rate=2".parse::<MonotoneSpec>().is_err());
//! # Ok::<(), pdscore_pipeline::PipelineError>(())
//! ```

use std::fmt;
use std::str::FromStr;

use pdscore_features::{ColumnOutcome, FittedFeatures};
use pdscore_ingest::{ColumnKind, Schema};
use pdscore_models::registry::ModelSpec;
use serde::{Deserialize, Serialize};

use crate::candidate::{Candidate, FeaturePreset};
use crate::error::{PipelineError, Result};

/// One constrained input column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonotoneColumn {
    /// The input column's name.
    pub column: String,
    /// `1`: the PD is non-decreasing in the column; `-1`: non-increasing.
    pub direction: i8,
}

/// Monotone constraints on input columns, in the order given.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonotoneSpec {
    /// The constrained columns, each named once.
    pub columns: Vec<MonotoneColumn>,
}

fn invalid(value: impl Into<String>, reason: impl Into<String>) -> PipelineError {
    PipelineError::InvalidParam {
        name: "monotone",
        value: value.into(),
        reason: reason.into(),
    }
}

impl FromStr for MonotoneSpec {
    type Err = PipelineError;

    /// Parses `column=+1,column=-1` (`+1`, `1`, `-1`; spaces around items are ignored).
    fn from_str(text: &str) -> Result<Self> {
        let mut columns: Vec<MonotoneColumn> = Vec::new();
        for item in text.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let Some((name, direction)) = item.rsplit_once('=') else {
                return Err(invalid(item, "expected column=+1 or column=-1"));
            };
            let name = name.trim();
            let direction = match direction.trim() {
                "+1" | "1" => 1,
                "-1" => -1,
                other => {
                    return Err(invalid(
                        item,
                        format!("direction `{other}` must be +1 (increasing) or -1 (decreasing)"),
                    ));
                }
            };
            if name.is_empty() {
                return Err(invalid(item, "the column name is empty"));
            }
            if columns.iter().any(|c| c.column == name) {
                return Err(invalid(item, format!("column `{name}` is named twice")));
            }
            columns.push(MonotoneColumn {
                column: name.to_owned(),
                direction,
            });
        }
        if columns.is_empty() {
            return Err(invalid(
                text,
                "expected at least one column=+1 or column=-1",
            ));
        }
        Ok(MonotoneSpec { columns })
    }
}

impl fmt::Display for MonotoneSpec {
    /// `column=+1,column=-1`, the form [`MonotoneSpec::from_str`] reads.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, c) in self.columns.iter().enumerate() {
            let sep = if i == 0 { "" } else { "," };
            let sign = if c.direction > 0 { "+1" } else { "-1" };
            write!(f, "{sep}{}={sign}", c.column)?;
        }
        Ok(())
    }
}

impl MonotoneSpec {
    /// Checks the spec against a schema: every direction `±1`, every column a feature, none
    /// categorical, none twice.
    ///
    /// # Errors
    /// [`PipelineError::InvalidParam`] (`monotone`) naming the column, listing the feature
    /// columns when a name is unknown.
    pub fn check(&self, schema: &Schema) -> Result<()> {
        for (i, c) in self.columns.iter().enumerate() {
            if c.direction != 1 && c.direction != -1 {
                return Err(invalid(
                    format!("{}={}", c.column, c.direction),
                    "direction must be +1 or -1",
                ));
            }
            if self.columns[..i].iter().any(|o| o.column == c.column) {
                return Err(invalid(&c.column, "the column is named twice"));
            }
            let Some(feature) = schema.features.iter().find(|f| f.name == c.column) else {
                let known: Vec<&str> = schema.features.iter().map(|f| f.name.as_str()).collect();
                return Err(invalid(
                    &c.column,
                    format!(
                        "not a feature column; the feature columns are: {}",
                        known.join(", ")
                    ),
                ));
            };
            if feature.kind == ColumnKind::Categorical {
                return Err(categorical(&c.column));
            }
        }
        Ok(())
    }

    /// Why `candidate` cannot honour monotone constraints, or `None` when it can.
    pub fn supports(candidate: &Candidate) -> Option<String> {
        if candidate.ensemble.is_some() {
            // A non-negative blend of the logits of monotone members' (non-decreasing)
            // calibrated PDs is monotone in the same directions.
            return None;
        }
        match candidate.model.family() {
            "gbm" | "logistic_regression" | "decision_tree" | "random_forest" | "adaboost" => {}
            "mlp" => return Some("the MLP does not support monotone constraints".into()),
            other => {
                return Some(format!(
                    "model family `{other}` has no monotone constraints"
                ));
            }
        }
        match &candidate.features {
            FeaturePreset::Scorecard => {
                Some("its weight-of-evidence features are not monotone in the raw columns".into())
            }
            FeaturePreset::Custom(params) if params.uses_labels() => {
                Some("its preprocessing learns from the labels".into())
            }
            // A custom preset with PCA is refused when the constraints are resolved.
            FeaturePreset::Linear | FeaturePreset::Trees | FeaturePreset::Custom(_) => None,
        }
    }

    /// One entry per column of `features`' output matrix: the direction of a constrained
    /// column's value feature, `0` elsewhere (missing indicators included); a constrained
    /// column dropped by the preprocessing constrains nothing.
    ///
    /// # Errors
    /// [`PipelineError::InvalidParam`] (`monotone`) for an unknown or categorical column, a
    /// weight-of-evidence encoding, or PCA.
    pub fn resolve(&self, features: &FittedFeatures) -> Result<Vec<i8>> {
        if features.output_columns().is_none() {
            return Err(invalid(
                self.to_string(),
                "the preprocessing applies PCA, which mixes every column",
            ));
        }
        let log = &features.fit_log().columns;
        let mut constraints = Vec::with_capacity(features.n_outputs());
        for column in log {
            let direction = self
                .columns
                .iter()
                .find(|c| c.column == column.name)
                .map_or(0, |c| c.direction);
            let n = column.outcome.outputs().len();
            match &column.outcome {
                _ if direction == 0 => constraints.extend(std::iter::repeat_n(0, n)),
                ColumnOutcome::Dropped { .. } => {}
                ColumnOutcome::Numeric(_) => {
                    // The value first, then the missing indicator when there is one.
                    constraints.push(direction);
                    constraints.extend(std::iter::repeat_n(0, n - 1));
                }
                ColumnOutcome::Categorical(_) => return Err(categorical(&column.name)),
                ColumnOutcome::Woe(_) => {
                    return Err(invalid(
                        &column.name,
                        "weight-of-evidence features are not monotone in the raw column",
                    ));
                }
            }
        }
        if let Some(c) = self
            .columns
            .iter()
            .find(|c| !log.iter().any(|l| l.name == c.column))
        {
            let known: Vec<&str> = log.iter().map(|l| l.name.as_str()).collect();
            return Err(invalid(
                &c.column,
                format!(
                    "not a feature column; the feature columns are: {}",
                    known.join(", ")
                ),
            ));
        }
        debug_assert_eq!(constraints.len(), features.n_outputs());
        Ok(constraints)
    }
}

fn categorical(column: &str) -> PipelineError {
    invalid(
        column,
        "the column is categorical: its levels have no order to be monotone in",
    )
}

/// `model` with per-feature monotone constraints set.
///
/// # Errors
/// [`PipelineError::InvalidParam`] for a family without constraints.
fn constrained_model(model: &ModelSpec, constraints: Vec<i8>) -> Result<ModelSpec> {
    Ok(match model {
        ModelSpec::Gbm(p) => ModelSpec::Gbm(p.clone().monotone_constraints(constraints)),
        ModelSpec::LogisticRegression(p) => {
            ModelSpec::LogisticRegression(p.clone().monotone_constraints(constraints))
        }
        ModelSpec::DecisionTree(p) => {
            ModelSpec::DecisionTree(p.clone().monotone_constraints(constraints))
        }
        ModelSpec::RandomForest(p) => {
            ModelSpec::RandomForest(p.clone().monotone_constraints(constraints))
        }
        ModelSpec::AdaBoost(p) => ModelSpec::AdaBoost(p.clone().monotone_constraints(constraints)),
        other => {
            return Err(invalid(
                other.family(),
                "this model family does not support monotone constraints",
            ));
        }
    })
}

/// `candidate` with its named constraints resolved against the fitted preprocessing and set on
/// its model (unchanged when it has none).
///
/// # Errors
/// The resolution errors of [`MonotoneSpec::resolve`]; a candidate that cannot honour them.
pub(crate) fn constrain(candidate: &Candidate, features: &FittedFeatures) -> Result<Candidate> {
    let Some(spec) = &candidate.monotone else {
        return Ok(candidate.clone());
    };
    if let Some(reason) = MonotoneSpec::supports(candidate) {
        return Err(invalid(&candidate.name, reason));
    }
    let constraints = spec.resolve(features)?;
    Ok(Candidate {
        model: constrained_model(&candidate.model, constraints)?,
        ..candidate.clone()
    })
}

/// Applies `spec` to a candidate list: every candidate that can honour it gets it; one that
/// cannot is dropped with a warning (returned) when `named` is false, and is an error when the
/// user named it.
///
/// # Errors
/// [`PipelineError::InvalidParam`] (`monotone`) for a named candidate that cannot honour the
/// constraints, or when none of the candidates can.
pub(crate) fn apply_to_candidates(
    candidates: Vec<Candidate>,
    spec: &MonotoneSpec,
    named: bool,
) -> Result<(Vec<Candidate>, Vec<String>)> {
    let mut kept = Vec::with_capacity(candidates.len());
    let mut warnings = Vec::new();
    for candidate in candidates {
        match MonotoneSpec::supports(&candidate) {
            None => kept.push(candidate.monotone(spec.clone())),
            Some(reason) if named => {
                return Err(invalid(
                    &candidate.name,
                    format!("cannot honour --monotone: {reason}"),
                ));
            }
            Some(reason) => warnings.push(format!(
                "candidate `{}` left out of the comparison: {reason} (--monotone {spec})",
                candidate.name
            )),
        }
    }
    if kept.is_empty() {
        return Err(invalid(
            spec.to_string(),
            "no candidate can honour the monotone constraints",
        ));
    }
    Ok((kept, warnings))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::candidate::default_candidates;

    #[test]
    fn parse_and_display_round_trip() {
        let spec: MonotoneSpec = " a=+1 ,b=-1,c=1".parse().unwrap();
        assert_eq!(spec.to_string(), "a=+1,b=-1,c=+1");
        assert_eq!(spec.to_string().parse::<MonotoneSpec>().unwrap(), spec);
        for bad in ["", "a", "a=0", "a=+2", "=1", "a=1,a=-1", "a=up"] {
            assert!(
                matches!(
                    bad.parse::<MonotoneSpec>(),
                    Err(PipelineError::InvalidParam {
                        name: "monotone",
                        ..
                    })
                ),
                "{bad}"
            );
        }
    }

    #[test]
    fn the_mlp_and_the_scorecard_are_left_out_or_refused() {
        let spec: MonotoneSpec = "x=+1".parse().unwrap();
        let (kept, warnings) = apply_to_candidates(default_candidates(0), &spec, false).unwrap();
        let names: Vec<&str> = kept.iter().map(|c| c.name.as_str()).collect();
        assert!(names.contains(&"gbm") && names.contains(&"logreg"));
        assert!(
            !names
                .iter()
                .any(|n| n.starts_with("mlp") || *n == "scorecard")
        );
        assert_eq!(warnings.len(), 4, "{warnings:?}");
        assert!(kept.iter().all(|c| c.monotone.as_ref() == Some(&spec)));
        let mlp: Vec<Candidate> = default_candidates(0)
            .into_iter()
            .filter(|c| c.name == "mlp")
            .collect();
        let err = apply_to_candidates(mlp, &spec, true).unwrap_err();
        assert!(err.to_string().contains("MLP"), "{err}");
    }
}
