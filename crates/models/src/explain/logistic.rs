//! Contributions of the logistic regression: its log-odds are additive, so the contributions
//! are exact linear terms around the training means.

use ndarray::{Array1, Array2, ArrayView2};

use super::{ContributionScale, explain_rows};
use crate::check::check_predict_input;
use crate::linear::FittedLogisticRegression;
use crate::{ModelError, Result};

impl FittedLogisticRegression {
    /// The scale of [`FittedLogisticRegression::raw_scores`]: log-odds, `predict_proba =
    /// sigmoid(raw)`.
    pub fn contribution_scale(&self) -> ContributionScale {
        ContributionScale::LogOdds
    }

    /// The log-odds `x · coefficients + intercept` of each row, as
    /// [`FittedLogisticRegression::decision_function`].
    ///
    /// # Errors
    /// As [`FittedLogisticRegression::decision_function`].
    pub fn raw_scores(&self, x: ArrayView2<'_, f64>) -> Result<Array1<f64>> {
        self.decision_function(x)
    }

    /// Exact contributions to the log-odds: `w_j (x_j − m_j)` for feature `j` and, in the last
    /// of the `p + 1` columns, the bias `b + Σ_j w_j m_j`, where `m_j` is the training mean of
    /// column `j` ([`FittedLogisticRegression::feature_means`]; zeros for a model saved before
    /// the means were recorded). Each row sums to its log-odds. See [`crate::explain`].
    ///
    /// # Errors
    /// A column count other than the fitted one, non-finite values, or stored means of the
    /// wrong length.
    pub fn contributions(&self, x: ArrayView2<'_, f64>) -> Result<Array2<f64>> {
        let w = self.coefficients();
        let p = w.len();
        let means = match self.feature_means() {
            [] => vec![0.0; p],
            means if means.len() == p => means.to_vec(),
            means => {
                return Err(ModelError::Shape(format!(
                    "{} feature means for {p} coefficients",
                    means.len()
                )));
            }
        };
        check_predict_input(x, p, false)?;
        let bias = w
            .iter()
            .zip(&means)
            .fold(self.intercept(), |b, (wj, mj)| b + wj * mj);
        Ok(explain_rows(
            x,
            p + 1,
            || (),
            |(), row, out| {
                for (((o, &v), &wj), &mj) in out.iter_mut().zip(row).zip(w).zip(&means) {
                    *o = wj * (v - mj);
                }
                out[p] = bias;
            },
        ))
    }
}
