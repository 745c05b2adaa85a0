//! Training of the MLP: the mini-batch Adam loop with early stopping behind
//! [`MlpParams::fit`](crate::Classifier::fit).

use ndarray::{ArrayView2, Axis};
use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;

use super::{
    Adam, FittedMlp, MlpParams, initial_layers, logits, loss_and_gradients, weighted_log_loss,
};
use crate::check::check_fit_input;
use crate::derived::Derived;
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

impl Classifier for MlpParams {
    type Fitted = FittedMlp;

    fn fit(
        &self,
        x: ArrayView2<'_, f64>,
        y: &[bool],
        sample_weight: Option<&[f64]>,
    ) -> Result<FittedMlp> {
        self.check()?;
        check_fit_input(x, y, sample_weight, false)?;
        let (n, p) = x.dim();
        let weights: Vec<f64> = match sample_weight {
            None => vec![1.0; n],
            Some(w) => {
                let factor = n as f64 / w.iter().sum::<f64>();
                w.iter().map(|v| v * factor).collect()
            }
        };
        let targets: Vec<f64> = y.iter().map(|&v| f64::from(u8::from(v))).collect();
        let mut rng = ChaCha8Rng::seed_from_u64(self.seed);

        let (train_rows, validation_rows) = if self.early_stopping {
            stratified_split(y, self.validation_fraction, &mut rng)
        } else {
            ((0..n).collect(), Vec::new())
        };
        let use_validation =
            !validation_rows.is_empty() && validation_rows.iter().any(|&i| weights[i] > 0.0);
        let validation = use_validation.then(|| {
            (
                x.select(Axis(0), &validation_rows),
                validation_rows
                    .iter()
                    .map(|&i| targets[i])
                    .collect::<Vec<_>>(),
                validation_rows
                    .iter()
                    .map(|&i| weights[i])
                    .collect::<Vec<_>>(),
            )
        });

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
        let mut batch_y = Vec::with_capacity(batch_size);
        let mut batch_w = Vec::with_capacity(batch_size);
        for epoch in 1..=self.max_epochs {
            order.shuffle(&mut rng);
            let mut epoch_loss = 0.0;
            for rows in order.chunks(batch_size) {
                let batch_x = x.select(Axis(0), rows);
                batch_y.clear();
                batch_w.clear();
                batch_y.extend(rows.iter().map(|&i| targets[i]));
                batch_w.extend(rows.iter().map(|&i| weights[i]));
                let dropout = (self.dropout > 0.0).then_some((self.dropout, &mut rng));
                let (loss, gradients) = loss_and_gradients(
                    &layers,
                    batch_x.view(),
                    &batch_y,
                    &batch_w,
                    self.alpha,
                    dropout,
                );
                epoch_loss += loss * rows.len() as f64;
                adam.update(&mut layers, &gradients, self);
            }
            epoch_loss /= order.len() as f64;
            training_loss_curve.push(epoch_loss);
            let monitored = if let Some((vx, vy, vw)) = &validation {
                let loss = weighted_log_loss(&logits(&layers, vx.view()), vy, vw);
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
            if epochs_without_improvement >= self.patience {
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
