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
        check_weights(w, y.len())?;
    }
    Ok(())
}

/// Checks a validation set for early stopping: at least one row, as many labels (and weights)
/// as rows, the column count of the training rows, finite values (unless `allow_nan`, which
/// still rejects infinities), and valid weights. One class alone is allowed: the validation
/// log loss is defined for it.
pub fn check_validation_input(
    x_valid: ArrayView2<'_, f64>,
    y_valid: &[bool],
    valid_weight: Option<&[f64]>,
    n_features: usize,
    allow_nan: bool,
) -> Result<()> {
    if x_valid.nrows() == 0 || y_valid.is_empty() {
        return Err(ModelError::Empty);
    }
    if x_valid.nrows() != y_valid.len() {
        return Err(ModelError::Shape(format!(
            "the validation x has {} rows but its y has {}",
            x_valid.nrows(),
            y_valid.len()
        )));
    }
    if x_valid.ncols() != n_features {
        return Err(ModelError::Shape(format!(
            "training has {n_features} columns, validation {}",
            x_valid.ncols()
        )));
    }
    check_values(x_valid, allow_nan)?;
    if let Some(w) = valid_weight {
        check_weights(w, y_valid.len())?;
    }
    Ok(())
}

/// Weights: one per row, finite, non-negative, with a positive sum.
fn check_weights(w: &[f64], rows: usize) -> Result<()> {
    if w.len() != rows {
        return Err(ModelError::Shape(format!(
            "{} sample weights for {rows} rows",
            w.len()
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
