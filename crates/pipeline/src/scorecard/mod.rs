//! Credit scorecards: the points table of a pipeline whose features are a WoE binning and whose
//! model is a logistic regression ([`Scorecard`]), and its exports (CSV, Markdown, SQL).
//!
//! See [`Scorecard`] for the formulas.

mod export;
pub mod sql;

use pdscore_features::{ColumnOutcome, FittedFeatures, WoeFit};
use pdscore_ingest::{ColumnKind, Table};
use pdscore_models::registry::FittedModel;
use serde::{Deserialize, Serialize};

use crate::calibration::Calibration;
use crate::error::{PipelineError, Result};
use crate::pipeline::Pipeline;

/// How points are scaled; validated by [`ScorecardParams::check`].
///
/// ```
/// use pdscore_pipeline::ScorecardParams;
/// let params = ScorecardParams::new().pdo(40.0).base_odds(20.0).base_score(500.0).round(false);
/// assert!(params.check().is_ok());
/// assert!(ScorecardParams::new().pdo(0.0).check().is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ScorecardParams {
    pdo: f64,
    base_odds: f64,
    base_score: f64,
    round: bool,
}

impl Default for ScorecardParams {
    fn default() -> Self {
        Self::new()
    }
}

impl ScorecardParams {
    /// The defaults: 20 points to double the odds, 600 points at good:bad odds of 50:1,
    /// points rounded to whole numbers.
    pub fn new() -> Self {
        ScorecardParams {
            pdo: 20.0,
            base_odds: 50.0,
            base_score: 600.0,
            round: true,
        }
    }

    /// Points to double the good:bad odds (finite, > 0). Default 20.
    pub fn pdo(mut self, pdo: f64) -> Self {
        self.pdo = pdo;
        self
    }

    /// Good:bad odds at the base score (finite, > 0): 50 means 50 goods per bad. Default 50.
    pub fn base_odds(mut self, odds: f64) -> Self {
        self.base_odds = odds;
        self
    }

    /// Score at the base odds (finite). Default 600.
    pub fn base_score(mut self, score: f64) -> Self {
        self.base_score = score;
        self
    }

    /// Round each bin's points to a whole number (half away from zero). Default `true`.
    pub fn round(mut self, round: bool) -> Self {
        self.round = round;
        self
    }

    /// Validates the parameters.
    ///
    /// # Errors
    /// [`PipelineError::InvalidParam`] for a non-positive PDO or base odds, or a non-finite
    /// value.
    pub fn check(&self) -> Result<()> {
        let bad = |name: &'static str, value: f64, reason: &str| PipelineError::InvalidParam {
            name,
            value: value.to_string(),
            reason: reason.into(),
        };
        if !(self.pdo.is_finite() && self.pdo > 0.0) {
            return Err(bad("pdo", self.pdo, "finite and > 0"));
        }
        if !(self.base_odds.is_finite() && self.base_odds > 0.0) {
            return Err(bad("base_odds", self.base_odds, "finite and > 0"));
        }
        if !self.base_score.is_finite() {
            return Err(bad("base_score", self.base_score, "finite"));
        }
        Ok(())
    }

    /// `pdo / ln 2`: points per unit of log-odds.
    pub fn factor(&self) -> f64 {
        self.pdo / std::f64::consts::LN_2
    }

    /// `base_score - factor * ln(base_odds)`: the score at even odds.
    pub fn offset(&self) -> f64 {
        self.base_score - self.factor() * self.base_odds.ln()
    }
}

/// One column of a scorecard: its bins and their points.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScorecardColumn {
    /// Input column name.
    pub name: String,
    /// Its kind (numeric bins are ranges; categorical and boolean bins are levels).
    pub kind: ColumnKind,
    /// The logistic regression's coefficient of its WoE.
    pub coefficient: f64,
    /// The fitted bins (rules, counts, WoE, IV).
    pub binning: WoeFit,
    /// Points of each bin, in the order of `binning.bins` (rounded when the card rounds).
    pub points: Vec<f64>,
}

/// One line of the points table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PointsRow {
    /// Input column.
    pub column: String,
    /// The bin, e.g. `(23.5, 31]`, `= -1`, `a, b`, `missing`.
    pub bin: String,
    /// Weight of evidence of the bin.
    pub woe: f64,
    /// The bin's term of the column's information value.
    pub iv: f64,
    /// Training rows in the bin.
    pub count: usize,
    /// Default rate of those rows.
    pub event_rate: f64,
    /// Points of the bin.
    pub points: f64,
}

/// A points table built from a fitted scorecard pipeline (WoE features + logistic regression).
///
/// # Points
///
/// The logistic regression gives the log-odds of default of a row as
/// `intercept + sum_j beta_j * WoE_j(bin of the row in column j)`. A score is a linear map of the
/// log-odds of *not* defaulting, fixed by three numbers ([`ScorecardParams`]): `base_score`
/// points at good:bad odds `base_odds`, and `pdo` more points for each doubling of the odds:
///
/// ```text
/// factor = pdo / ln 2
/// offset = base_score - factor * ln(base_odds)
/// score  = offset + factor * ln(odds good:bad) = offset - factor * (intercept + sum_j beta_j WoE_j)
/// points(column j, bin b) = -factor * beta_j * WoE_b + (offset - factor * intercept) / n
/// ```
///
/// with `n` the number of columns of the card: each column carries an equal share of the
/// constant, so a row's score is the sum of its points. WoE is `ln(non-event share / event
/// share)` (see `pdscore_features::WoeParams`), so a bin with fewer defaulters than average has
/// a positive WoE, the fitted `beta_j` are negative, and such a bin earns more points: a higher
/// score means a lower risk.
///
/// Points are rounded to whole numbers by default ([`ScorecardParams::round`]); the score of a
/// row is then the sum of its rounded points (what a SQL query or a clerk adds up), and it
/// differs from the exact linear score by at most half a point per column.
///
/// # Score and PD
///
/// [`Scorecard::raw_pd`] is the logistic regression's own PD of a score,
/// `1 / (1 + exp((score - offset) / factor))`; [`Scorecard::pd`] passes it through the
/// pipeline's calibration, so that for unrounded points it is exactly the PD the pipeline gives
/// the row. Both decrease as the score grows.
///
/// # Example
///
/// ```
/// use pdscore_pipeline::{
///     CvSpec, InputSpec, LabelledData, Pipeline, Scorecard, ScorecardParams, TrainOptions,
///     compare, default_candidates, read_training_csv,
/// };
/// let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/klarna_synth_sample.csv");
/// let input = read_training_csv(&InputSpec::new(path, "default").id(Some("uuid".into())))?;
/// let data = LabelledData::new(&input.table, &input.schema, None)?;
/// let scorecard: Vec<_> =
///     default_candidates(0).into_iter().filter(|c| c.name == "scorecard").collect();
/// let comparison = compare(&data, &scorecard, &CvSpec::default().folds(3), None)?;
/// let pipeline = Pipeline::fit(&data, &comparison, &TrainOptions::default())?;
/// let card = Scorecard::from_pipeline(&pipeline, ScorecardParams::new())?;
/// let scores = card.score(&input.table)?;
/// // A higher score is a lower PD.
/// assert!(card.pd(scores[0] + 20.0) < card.pd(scores[0]));
/// assert!(card.to_markdown().contains("| bin | WoE | IV | count | event rate | points |"));
/// assert!(card.to_sql("applications").ends_with("FROM applications;\n"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Scorecard {
    params: ScorecardParams,
    intercept: f64,
    columns: Vec<ScorecardColumn>,
    features: FittedFeatures,
    calibration: Calibration,
    id: Option<String>,
    candidate: String,
}

impl Scorecard {
    /// The scorecard of `pipeline`.
    ///
    /// # Errors
    /// [`PipelineError::NotAScorecard`] when the pipeline's features are not a WoE binning or
    /// its model is not a logistic regression; invalid `params`.
    pub fn from_pipeline(pipeline: &Pipeline, params: ScorecardParams) -> Result<Scorecard> {
        params.check()?;
        let candidate = &pipeline.card().model.candidate;
        let not = |reason: String| PipelineError::NotAScorecard {
            candidate: candidate.clone(),
            reason,
        };
        if let Some(ensemble) = pipeline.ensemble() {
            return Err(not(format!(
                "it is a stacked ensemble of {}, not one logistic regression on WoE bins; train \
                 the `scorecard` candidate",
                ensemble.members.join(", ")
            )));
        }
        let FittedModel::LogisticRegression(model) = pipeline.model() else {
            return Err(not(format!(
                "its model is `{}`, not a logistic regression",
                pipeline.card().model.family
            )));
        };
        let features = pipeline.features();
        let mut woe = Vec::new();
        for column in &features.fit_log().columns {
            match &column.outcome {
                ColumnOutcome::Dropped { .. } => {}
                ColumnOutcome::Woe(fit) => woe.push((column.name.clone(), column.kind, fit)),
                _ => {
                    return Err(not(format!(
                        "its features are the `{}` preprocessing, not a WoE binning (column \
                         `{}`); train the `scorecard` candidate",
                        pipeline.card().model.feature_preset.label(),
                        column.name
                    )));
                }
            }
        }
        let beta = model.coefficients();
        if woe.is_empty() || beta.len() != woe.len() {
            return Err(not(format!(
                "{} coefficients for {} WoE columns",
                beta.len(),
                woe.len()
            )));
        }
        let factor = params.factor();
        let share = (params.offset() - factor * model.intercept()) / woe.len() as f64;
        let columns = woe
            .into_iter()
            .zip(beta)
            .map(|((name, kind, fit), &b)| {
                let points = fit
                    .bins
                    .iter()
                    .map(|bin| {
                        let p = -factor * b * bin.woe + share;
                        if params.round { p.round() } else { p }
                    })
                    .collect();
                ScorecardColumn {
                    name,
                    kind,
                    coefficient: b,
                    binning: fit.clone(),
                    points,
                }
            })
            .collect();
        Ok(Scorecard {
            params,
            intercept: model.intercept(),
            columns,
            features: features.clone(),
            calibration: pipeline.calibration().clone(),
            id: pipeline.schema().id.clone(),
            candidate: candidate.clone(),
        })
    }

    /// The scaling parameters.
    pub fn params(&self) -> &ScorecardParams {
        &self.params
    }

    /// The logistic regression's intercept.
    pub fn intercept(&self) -> f64 {
        self.intercept
    }

    /// The columns of the card, in schema order.
    pub fn columns(&self) -> &[ScorecardColumn] {
        &self.columns
    }

    /// The points table: one row per bin of each column.
    pub fn rows(&self) -> Vec<PointsRow> {
        self.columns
            .iter()
            .flat_map(|c| {
                c.binning
                    .bins
                    .iter()
                    .zip(&c.points)
                    .map(|(bin, &points)| PointsRow {
                        column: c.name.clone(),
                        bin: bin.rule.to_string(),
                        woe: bin.woe,
                        iv: bin.iv,
                        count: bin.count,
                        event_rate: bin.event_rate(),
                        points,
                    })
            })
            .collect()
    }

    /// The points of every row of `table` in each column (`rows x columns`, column order of
    /// [`Scorecard::columns`]). A row's points depend on that row only.
    ///
    /// # Errors
    /// Missing columns or columns of another kind (preprocessing errors).
    pub fn points(&self, table: &Table) -> Result<Vec<Vec<f64>>> {
        let bins = self.features.woe_bin_indices(table)?;
        let mut out = vec![Vec::with_capacity(self.columns.len()); table.n_rows()];
        for (column, (_, rows)) in self.columns.iter().zip(&bins) {
            for (row, &bin) in out.iter_mut().zip(rows) {
                row.push(column.points[bin]);
            }
        }
        Ok(out)
    }

    /// The total score of every row of `table`: the sum of its points, column by column from
    /// the first.
    ///
    /// # Errors
    /// As [`Scorecard::points`].
    pub fn score(&self, table: &Table) -> Result<Vec<f64>> {
        Ok(self
            .points(table)?
            .iter()
            .map(|p| p.iter().fold(0.0, |acc, x| acc + x))
            .collect())
    }

    /// The logistic regression's PD of a score: `1 / (1 + exp((score - offset) / factor))`.
    pub fn raw_pd(&self, score: f64) -> f64 {
        1.0 / (1.0 + ((score - self.params.offset()) / self.params.factor()).exp())
    }

    /// The pipeline's calibrated PD of a score ([`Scorecard::raw_pd`] through the pipeline's
    /// calibration, target rate and PD floor).
    pub fn pd(&self, score: f64) -> f64 {
        self.calibration.apply(self.raw_pd(score))
    }

    /// The score whose [`Scorecard::raw_pd`] is `pd` (in `(0, 1)`):
    /// `offset + factor * ln((1 - pd) / pd)`.
    pub fn score_of_raw_pd(&self, pd: f64) -> f64 {
        self.params.offset() + self.params.factor() * ((1.0 - pd) / pd).ln()
    }
}

#[cfg(test)]
mod tests;
