//! Training of the MLP: one mini-batch Adam loop with early stopping behind both
//! [`MlpParams::fit`](crate::Classifier::fit) (validation rows held out of the training rows by
//! a seeded stratified split) and [`MlpParams::fit_with_validation`] (validation rows given).

use ndarray::{Array2, ArrayView2, Axis};
use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;

use super::{
    Adam, FittedMlp, MlpParams, initial_layers, logits, loss_and_gradients, weighted_log_loss,
};
use crate::check::{check_fit_input, check_validation_input};
use crate::derived::Derived;
use crate::linear::column_means;
use crate::{Classifier, ModelError, Result};

/// Stratified, seeded split of `0..y.len()` into (training, validation) row indices; each class
/// gives `round(fraction * count)` rows to validation, but keeps at least one for training.
fn stratified_split(y: &[bool], fraction: f64, rng: &mut ChaCha8Rng) -> (Vec<usize>, Vec<usize>) {
    let (mut train, mut validation) = (Vec::new(), Vec::new());
    for class in [false, true] {
        let mut rows: Vec<usize> = (0..y.len()).filter(|&i| y[i] == class).collect();
        rows.shuffle(rng);
        let held = ((fraction * rows.len() as f64).round() as usize).min(rows.len() - 1);
        validation.extend_from_slice(&rows[..held]);
        train.extend_from_slice(&rows[held..]);
    }
    train.sort_unstable();
    validation.sort_unstable();
    (train, validation)
}

/// Validation rows for early stopping: features, 0/1 targets and weights.
struct Validation {
    x: Array2<f64>,
    y: Vec<f64>,
    w: Vec<f64>,
}

/// Training rows: the matrix, 0/1 targets and weights of all its rows, and which rows train.
struct Training<'a> {
    x: ArrayView2<'a, f64>,
    targets: Vec<f64>,
    weights: Vec<f64>,
    rows: Vec<usize>,
}

/// 0/1 targets of labels.
fn targets_of(y: &[bool]) -> Vec<f64> {
    y.iter().map(|&v| f64::from(u8::from(v))).collect()
}

/// Per-row weights rescaled to mean 1 (`w_i * n / sum w`); ones without weights.
fn mean_one_weights(sample_weight: Option<&[f64]>, n: usize) -> Vec<f64> {
    match sample_weight {
        None => vec![1.0; n],
        Some(w) => {
            let factor = n as f64 / w.iter().sum::<f64>();
            w.iter().map(|v| v * factor).collect()
        }
    }
}

impl Classifier for MlpParams {
    type Fitted = FittedMlp;

    /// Fits on all rows; with early stopping on, a seeded stratified `validation_fraction` of
    /// them is held out as the validation set.
    fn fit(
        &self,
        x: ArrayView2<'_, f64>,
        y: &[bool],
        sample_weight: Option<&[f64]>,
    ) -> Result<FittedMlp> {
        self.check()?;
        check_fit_input(x, y, sample_weight, false)?;
        let n = x.nrows();
        let weights = mean_one_weights(sample_weight, n);
        let targets = targets_of(y);
        let mut rng = ChaCha8Rng::seed_from_u64(self.seed);

        let (train_rows, validation_rows) = if self.early_stopping {
            stratified_split(y, self.validation_fraction, &mut rng)
        } else {
            ((0..n).collect(), Vec::new())
        };
        let use_validation =
            !validation_rows.is_empty() && validation_rows.iter().any(|&i| weights[i] > 0.0);
        let validation = use_validation.then(|| Validation {
            x: x.select(Axis(0), &validation_rows),
            y: validation_rows.iter().map(|&i| targets[i]).collect(),
            w: validation_rows.iter().map(|&i| weights[i]).collect(),
        });
        let training = Training {
            x,
            targets,
            weights,
            rows: train_rows,
        };
        self.train(training, validation, rng)
    }
}

impl MlpParams {
    /// Fits on all rows of `x`, with early stopping on exactly the given validation rows: the
    /// weighted mean log loss of `x_valid` (weighted by `valid_weight` when given) after every
    /// epoch decides when to stop and which epoch's weights to keep. There is no internal split
    /// (`validation_fraction` is unused), and the validation rows may hold one class only.
    /// Requires [`MlpParams::early_stopping`] on; the model's
    /// [`validation_loss_curve`](FittedMlp::validation_loss_curve) is then the curve of these
    /// rows.
    ///
    /// ```
    /// use ndarray::array;
    /// use pdscore_models::MlpParams;
    ///
    /// let x = array![[0.0, 1.0], [0.2, 0.8], [1.0, 0.1], [0.9, 0.0], [0.1, 0.9], [1.0, 0.2]];
    /// let y = [false, false, true, true, false, true];
    /// let (xv, yv) = (array![[0.1, 1.0], [0.95, 0.1]], [false, true]);
    /// let model = MlpParams::new()
    ///     .max_epochs(20)
    ///     .fit_with_validation(x.view(), &y, None, xv.view(), &yv, None)?;
    /// assert_eq!(model.validation_loss_curve().len(), model.epochs());
    /// assert!(MlpParams::new()
    ///     .early_stopping(false)
    ///     .fit_with_validation(x.view(), &y, None, xv.view(), &yv, None)
    ///     .is_err());
    /// # Ok::<(), pdscore_models::ModelError>(())
    /// ```
    ///
    /// # Errors
    /// Invalid parameters, early stopping off ([`ModelError::InvalidParam`] naming
    /// `early_stopping`), bad training input (as [`Classifier::fit`]), or a bad validation set
    /// (no rows, lengths or column count that differ, non-finite values, bad weights).
    pub fn fit_with_validation(
        &self,
        x: ArrayView2<'_, f64>,
        y: &[bool],
        sample_weight: Option<&[f64]>,
        x_valid: ArrayView2<'_, f64>,
        y_valid: &[bool],
        valid_weight: Option<&[f64]>,
    ) -> Result<FittedMlp> {
        self.check()?;
        if !self.early_stopping {
            return Err(ModelError::InvalidParam {
                name: "early_stopping",
                reason: "a validation set needs early stopping to be on".into(),
            });
        }
        check_fit_input(x, y, sample_weight, false)?;
        check_validation_input(x_valid, y_valid, valid_weight, x.ncols(), false)?;
        let n = x.nrows();
        let validation = Validation {
            x: x_valid.to_owned(),
            y: targets_of(y_valid),
            w: valid_weight.map_or_else(|| vec![1.0; y_valid.len()], <[f64]>::to_vec),
        };
        let training = Training {
            x,
            targets: targets_of(y),
            weights: mean_one_weights(sample_weight, n),
            rows: (0..n).collect(),
        };
        self.train(
            training,
            Some(validation),
            ChaCha8Rng::seed_from_u64(self.seed),
        )
    }

    /// The training loop (see the [module docs](super)): mini-batch Adam over the training
    /// rows, after every epoch the validation log loss (or, without validation rows, the
    /// training loss) checked for improvement; the best epoch's weights are kept when there
    /// are validation rows.
    fn train(
        &self,
        training: Training<'_>,
        validation: Option<Validation>,
        mut rng: ChaCha8Rng,
    ) -> Result<FittedMlp> {
        let Training {
            x,
            targets,
            weights,
            rows: train_rows,
        } = training;
        let p = x.ncols();
        let mut layers = initial_layers(p, &self.hidden_layers, &mut rng);
        let mut adam = Adam::new(&layers);
        let batch_size = self.batch_size.unwrap_or(200).min(train_rows.len());
        let mut order = train_rows;
        let mut best_loss = f64::INFINITY;
        let mut best_layers = layers.clone();
        let mut best_epoch = 0;
        let mut epochs_without_improvement = 0;
        let mut training_loss_curve = Vec::new();
        let mut validation_loss_curve = Vec::new();
        let mut stopped_early = false;
        // Row-major once, so every batch is gathered by copying whole rows.
        let row_major = x.as_standard_layout();
        let flat = row_major
            .as_slice()
            .expect("a standard-layout matrix is one slice");
        let mut batch_buffer: Vec<f64> = Vec::with_capacity(batch_size * p);
        let mut batch_y = Vec::with_capacity(batch_size);
        let mut batch_w = Vec::with_capacity(batch_size);
        // Without validation rows, the training loss may stop training too (unless switched
        // off, for a run of exactly `max_epochs`).
        let may_stop = validation.is_some() || self.stop_on_training_loss;
        for epoch in 1..=self.max_epochs {
            order.shuffle(&mut rng);
            let mut epoch_loss = 0.0;
            for rows in order.chunks(batch_size) {
                // The batch's rows, copied row by row into one reused row-major buffer.
                batch_buffer.clear();
                for &i in rows {
                    batch_buffer.extend_from_slice(&flat[i * p..(i + 1) * p]);
                }
                let batch_x = ArrayView2::from_shape((rows.len(), p), &batch_buffer)
                    .expect("the buffer holds rows.len() rows of p values");
                batch_y.clear();
                batch_w.clear();
                batch_y.extend(rows.iter().map(|&i| targets[i]));
                batch_w.extend(rows.iter().map(|&i| weights[i]));
                let dropout = (self.dropout > 0.0).then_some((self.dropout, &mut rng));
                let (loss, gradients) =
                    loss_and_gradients(&layers, batch_x, &batch_y, &batch_w, self.alpha, dropout);
                epoch_loss += loss * rows.len() as f64;
                adam.update(&mut layers, &gradients, self);
            }
            epoch_loss /= order.len() as f64;
            training_loss_curve.push(epoch_loss);
            let monitored = if let Some(v) = &validation {
                let loss = weighted_log_loss(&logits(&layers, v.x.view()), &v.y, &v.w);
                validation_loss_curve.push(loss);
                loss
            } else {
                epoch_loss
            };
            if !monitored.is_finite() {
                return Err(ModelError::NotConverged {
                    model: "mlp",
                    iterations: epoch,
                    grad_norm: f64::NAN,
                });
            }
            if monitored < best_loss - self.tol {
                epochs_without_improvement = 0;
            } else {
                epochs_without_improvement += 1;
            }
            if monitored < best_loss {
                best_loss = monitored;
                best_epoch = epoch;
                if validation.is_some() {
                    best_layers.clone_from(&layers);
                }
            }
            if may_stop && epochs_without_improvement >= self.patience {
                stopped_early = true;
                break;
            }
        }
        let epochs = training_loss_curve.len();
        if validation.is_none() {
            best_layers = layers;
            best_epoch = epochs;
        }
        Ok(FittedMlp {
            layers: best_layers,
            n_features: p,
            epochs,
            best_epoch,
            stopped_early,
            training_loss_curve,
            validation_loss_curve,
            params: self.clone(),
            feature_means: column_means(x),
            scoring: Derived::default(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stratified_split_keeps_class_shares_and_is_seeded() {
        let y: Vec<bool> = (0..1000).map(|i| i % 50 == 0).collect();
        let split = |seed| stratified_split(&y, 0.1, &mut ChaCha8Rng::seed_from_u64(seed));
        let (train, validation) = split(4);
        assert_eq!(train.len() + validation.len(), 1000);
        assert_eq!(validation.iter().filter(|&&i| y[i]).count(), 2);
        assert_eq!(validation.len(), 2 + 98);
        assert_eq!(split(4), (train, validation.clone()));
        assert_ne!(split(5).1, validation);
    }
}
