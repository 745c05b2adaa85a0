//! Input checks shared by every model, so that bad input is an error and never a panic.

use ndarray::ArrayView2;

use crate::{ModelError, Result};

/// Checks the inputs of a `fit` call: at least one row, matching lengths, both classes present,
/// finite values (unless `allow_nan`, which still rejects infinities), and valid weights
/// (finite, non-negative, positive sum).
pub fn check_fit_input(
    x: ArrayView2<'_, f64>,
    y: &[bool],
    sample_weight: Option<&[f64]>,
    allow_nan: bool,
) -> Result<()> {
    if x.nrows() == 0 || y.is_empty() {
        return Err(ModelError::Empty);
    }
    if x.nrows() != y.len() {
        return Err(ModelError::Shape(format!(
            "x has {} rows but y has {}",
            x.nrows(),
            y.len()
        )));
    }
    if x.ncols() == 0 {
        return Err(ModelError::Shape("x has no columns".into()));
    }
    let positives = y.iter().filter(|&&v| v).count();
    if positives == 0 || positives == y.len() {
        return Err(ModelError::SingleClass {
            positives,
            rows: y.len(),
        });
    }
    check_values(x, allow_nan)?;
    if let Some(w) = sample_weight {
        if w.len() != y.len() {
            return Err(ModelError::Shape(format!(
                "{} sample weights for {} rows",
                w.len(),
                y.len()
            )));
        }
        if let Some(i) = w.iter().position(|v| !v.is_finite() || *v < 0.0) {
            return Err(ModelError::BadWeights(format!(
                "weight {} at row {i} is negative or not finite",
                w[i]
            )));
        }
        if w.iter().sum::<f64>() <= 0.0 {
            return Err(ModelError::BadWeights("all weights are zero".into()));
        }
    }
    Ok(())
}

/// Checks the input of a `predict_proba` call: the column count seen at fit time and finite
/// values (unless `allow_nan`, which still rejects infinities).
pub fn check_predict_input(
    x: ArrayView2<'_, f64>,
    n_features: usize,
    allow_nan: bool,
) -> Result<()> {
    if x.ncols() != n_features {
        return Err(ModelError::Shape(format!(
            "model was fitted on {n_features} columns, got {}",
            x.ncols()
        )));
    }
    check_values(x, allow_nan)
}

fn check_values(x: ArrayView2<'_, f64>, allow_nan: bool) -> Result<()> {
    for (row, values) in x.outer_iter().enumerate() {
        for (column, &v) in values.iter().enumerate() {
            if !(v.is_finite() || (allow_nan && v.is_nan())) {
                return Err(ModelError::NonFinite { row, column });
            }
        }
    }
    Ok(())
}
