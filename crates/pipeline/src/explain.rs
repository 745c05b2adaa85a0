//! Reason codes: why a row got its PD, as per-column contributions to the model's score.
//!
//! [`Pipeline::explain`] transforms the rows exactly as scoring does, asks the model for its
//! exact per-feature contributions
//! ([`FittedModel::contributions`](pdscore_models::FittedModel::contributions): TreeSHAP for
//! the tree families, the linear terms for logistic regression, permutation Shapley values for the
//! MLP), and sums the features of each input column back into that column: a numeric value
//! and its missing indicator, or every one-hot level of a categorical column, count as one
//! column, the one a user knows. Per row, the contributions plus the base value equal the
//! model's raw score (its log-odds for the GBM, logistic regression and MLP; its probability
//! for the decision tree and the forest), to rounding.
//!
//! Contributions are on the model's scale, **before calibration**. Every calibrator is
//! non-decreasing (Platt, isotonic, prior shift), so a column that raises the raw score never
//! lowers the PD; the ranking of reasons is the model's.
//!
//! A pipeline whose preprocessing ends in PCA cannot be explained per column (every component
//! mixes every column): [`Pipeline::explain`] refuses it with a clear error.
//!
//! Nor can a stacked ensemble: its PD is a blend of the logits of its members' *calibrated*
//! PDs, and a member's calibration (isotonic steps, a Platt map of a forest's probability)
//! is not linear in that member's raw score, so weights × member contributions would not add
//! up to the ensemble's log-odds. Rather than reasons that do not explain the PD,
//! [`Pipeline::explain`] refuses an ensemble with [`PipelineError::NotExplainable`] (train a
//! single model, e.g. `--save gbm`, where reason codes are needed).

use ndarray::Array2;
use pdscore_ingest::Table;
use pdscore_models::explain::ContributionScale;
use serde::{Deserialize, Serialize};

use crate::error::{PipelineError, Result};
use crate::pipeline::Pipeline;

/// Per-row, per-column contributions to the model's raw score; see the [module docs](self).
#[derive(Debug, Clone, PartialEq)]
pub struct Explanation {
    /// The input columns explained, in schema order (every column the model reads).
    pub columns: Vec<String>,
    /// `rows x columns`: how much each column moved each row's raw score away from the base.
    pub contributions: Array2<f64>,
    /// The base value of each row (the model's expected raw score).
    pub base: Vec<f64>,
    /// The scale of the raw score (log-odds or probability).
    pub scale: ContributionScale,
}

/// One reason for a row's score: a column and how much it moved the raw score (positive:
/// towards default).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reason {
    /// The input column.
    pub column: String,
    /// Its contribution to the raw score; positive raises the PD.
    pub contribution: f64,
}

impl std::fmt::Display for Reason {
    /// `column (+0.412)`: the column and its signed contribution, three decimals.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({:+.3})", self.column, self.contribution)
    }
}

impl Explanation {
    /// Number of rows explained.
    pub fn n_rows(&self) -> usize {
        self.contributions.nrows()
    }

    /// The raw score of `row`: base plus every contribution.
    ///
    /// # Panics
    /// When `row` is out of range.
    pub fn raw_score(&self, row: usize) -> f64 {
        self.base[row] + self.contributions.row(row).sum()
    }

    /// The principal reasons of `row`: the (at most) `n` columns with the largest absolute
    /// contributions, largest first; columns that did not move the score are never listed.
    /// Ties keep schema order, so the list is deterministic.
    ///
    /// # Panics
    /// When `row` is out of range.
    pub fn reasons(&self, row: usize, n: usize) -> Vec<Reason> {
        let values = self.contributions.row(row);
        let mut order: Vec<usize> = (0..values.len())
            .filter(|&j| values[j] != 0.0 && values[j].is_finite())
            .collect();
        order.sort_by(|&a, &b| values[b].abs().total_cmp(&values[a].abs()).then(a.cmp(&b)));
        order
            .into_iter()
            .take(n)
            .map(|j| Reason {
                column: self.columns[j].clone(),
                contribution: values[j],
            })
            .collect()
    }
}

impl Pipeline {
    /// Explains every row of `table`: each input column's contribution to the model's raw
    /// score (see the [module docs](crate::explain)). A row's explanation depends on that row
    /// only.
    ///
    /// ```no_run
    /// # use pdscore_pipeline::Pipeline;
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let pipeline = Pipeline::load(std::path::Path::new("model.json"))?;
    /// # let table: pdscore_ingest::Table = todo!();
    /// let explained = pipeline.explain(&table)?;
    /// for reason in explained.reasons(0, 3) {
    ///     println!("{reason}"); // e.g. `debt_ratio (+0.412)`
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`PipelineError::NotExplainable`] when the preprocessing ends in PCA, the model is a
    /// stacked ensemble or the model file predates reason codes; the errors of [`Pipeline::score`] otherwise.
    pub fn explain(&self, table: &Table) -> Result<Explanation> {
        if let Some(ensemble) = self.ensemble() {
            return Err(PipelineError::NotExplainable(format!(
                "the model is a stacked ensemble of {}: its PD blends the logits of the members' \
                 calibrated PDs, which no per-column sum reproduces exactly; save a single model \
                 (e.g. `--save {}`) to get reasons per column",
                ensemble.members.join(", "),
                ensemble.members[0]
            )));
        }
        let features = self.features();
        let Some(sources) = features.output_columns() else {
            return Err(PipelineError::NotExplainable(
                "the preprocessing ends in PCA, whose components mix every input column; \
                 train without PCA to get reasons per column"
                    .to_owned(),
            ));
        };
        let mut columns: Vec<String> = Vec::new();
        let mut column_of = Vec::with_capacity(sources.len());
        for source in sources {
            let j = columns.iter().position(|c| c == source).unwrap_or_else(|| {
                columns.push(source.to_owned());
                columns.len() - 1
            });
            column_of.push(j);
        }
        let transformed = features.transform(table)?;
        let per_feature = self
            .model()
            .contributions(transformed.matrix.view())
            .map_err(|e| PipelineError::NotExplainable(e.to_string()))?;
        let n_features = column_of.len();
        let mut contributions = Array2::zeros((per_feature.nrows(), columns.len()));
        let mut base = Vec::with_capacity(per_feature.nrows());
        for (mut out, row) in contributions.rows_mut().into_iter().zip(per_feature.rows()) {
            for (f, &j) in column_of.iter().enumerate() {
                out[j] += row[f];
            }
            base.push(row[n_features]);
        }
        Ok(Explanation {
            columns,
            contributions,
            base,
            scale: self.model().contribution_scale(),
        })
    }
}
