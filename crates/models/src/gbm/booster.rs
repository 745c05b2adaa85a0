//! The boosting loop: gradients, bagging, feature sampling, tree growth, score updates and
//! early stopping.

use ndarray::{ArrayView2, Axis};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

use super::grower::{GrowConfig, TreeGrower};
use super::model::{FittedGbm, sigmoid};
use super::params::{EvalMetric, GbmParams};
use crate::check::check_fit_input;
use crate::trees::binning::BinnedMatrix;
use crate::{Classifier, ModelError, Result};

/// Rows per task when computing gradients.
const GRADIENT_CHUNK: usize = 8_192;

/// A validation set as passed in: rows, labels, optional weights.
type ValidationInput<'x, 'y> = (ArrayView2<'x, f64>, &'y [bool], Option<&'y [f64]>);

/// Validation rows for early stopping, binned with the training mappers.
struct Validation {
    data: BinnedMatrix,
    y: Vec<bool>,
    w: Vec<f64>,
    scores: Vec<f64>,
}

impl Classifier for GbmParams {
    type Fitted = FittedGbm;

    /// Fits on all rows; with early stopping on, a seeded stratified fraction of them is held
    /// out as the validation set.
    fn fit(
        &self,
        x: ArrayView2<'_, f64>,
        y: &[bool],
        sample_weight: Option<&[f64]>,
    ) -> Result<FittedGbm> {
        self.check()?;
        check_fit_input(x, y, sample_weight, true)?;
        let Some(es) = self.early_stopping else {
            return self.fit_inner(x, y, sample_weight, None);
        };
        let (train, valid) = stratified_holdout(y, es.validation_fraction, self.seed);
        if train.is_empty() || valid.is_empty() {
            return Err(ModelError::InvalidParam {
                name: "early_stopping.validation_fraction",
                reason: format!(
                    "leaves {} training and {} validation rows",
                    train.len(),
                    valid.len()
                ),
            });
        }
        let pick = |rows: &[usize]| x.select(Axis(0), rows);
        let labels = |rows: &[usize]| rows.iter().map(|&i| y[i]).collect::<Vec<_>>();
        let weights =
            |rows: &[usize]| sample_weight.map(|w| rows.iter().map(|&i| w[i]).collect::<Vec<_>>());
        let (x_train, y_train, w_train) = (pick(&train), labels(&train), weights(&train));
        check_fit_input(x_train.view(), &y_train, w_train.as_deref(), true)?;
        let (x_valid, y_valid, w_valid) = (pick(&valid), labels(&valid), weights(&valid));
        self.fit_inner(
            x_train.view(),
            &y_train,
            w_train.as_deref(),
            Some((x_valid.view(), &y_valid, w_valid.as_deref())),
        )
    }
}

impl GbmParams {
    /// Fits with an explicit validation set for early stopping (required to be configured with
    /// [`GbmParams::early_stopping`]; its `validation_fraction` is then unused).
    ///
    /// # Errors
    /// Invalid parameters, bad training or validation input, or early stopping not configured.
    pub fn fit_with_validation(
        &self,
        x: ArrayView2<'_, f64>,
        y: &[bool],
        sample_weight: Option<&[f64]>,
        x_valid: ArrayView2<'_, f64>,
        y_valid: &[bool],
        valid_weight: Option<&[f64]>,
    ) -> Result<FittedGbm> {
        self.check()?;
        if self.early_stopping.is_none() {
            return Err(ModelError::InvalidParam {
                name: "early_stopping",
                reason: "a validation set needs early stopping to be configured".into(),
            });
        }
        check_fit_input(x, y, sample_weight, true)?;
        check_fit_input(x_valid, y_valid, valid_weight, true)?;
        if x_valid.ncols() != x.ncols() {
            return Err(ModelError::Shape(format!(
                "training has {} columns, validation {}",
                x.ncols(),
                x_valid.ncols()
            )));
        }
        self.fit_inner(x, y, sample_weight, Some((x_valid, y_valid, valid_weight)))
    }

    /// The boosting loop on checked input.
    fn fit_inner(
        &self,
        x: ArrayView2<'_, f64>,
        y: &[bool],
        sample_weight: Option<&[f64]>,
        valid: Option<ValidationInput<'_, '_>>,
    ) -> Result<FittedGbm> {
        let n = x.nrows();
        crate::monotone::check_constraints(&self.monotone_constraints, x.ncols())?;
        let data = BinnedMatrix::fit(x, self.max_bin)?;
        let bin_codes = self.category_codes_of_bins(x, &data)?;
        let weights = self.training_weights(y, sample_weight);
        let (w_pos, w_neg) =
            y.iter().zip(&weights).fold(
                (0.0, 0.0),
                |(p, q), (&yi, &wi)| if yi { (p + wi, q) } else { (p, q + wi) },
            );
        if w_pos <= 0.0 || w_neg <= 0.0 {
            return Err(ModelError::BadWeights(
                "one class has a total weight of zero".into(),
            ));
        }
        let init_score = (w_pos / w_neg).ln();
        let mut scores = vec![init_score; n];
        let mut gh = vec![[0.0f32; 2]; n];
        let mut validation = valid.map(|(xv, yv, wv)| Validation {
            data: BinnedMatrix::with_mappers(xv, data.mappers().to_vec()),
            y: yv.to_vec(),
            w: wv.map_or_else(|| vec![1.0; yv.len()], <[f64]>::to_vec),
            scores: vec![init_score; yv.len()],
        });
        let config = GrowConfig {
            num_leaves: self.num_leaves,
            max_depth: self.max_depth,
            min_child_samples: self.min_child_samples,
            min_child_weight: self.min_child_weight,
            reg_lambda: self.reg_lambda,
            min_split_gain: self.min_split_gain,
            learning_rate: self.learning_rate,
        };
        let mut grower = TreeGrower::new(&data, &bin_codes, &self.monotone_constraints, config);
        let mut rng = ChaCha8Rng::seed_from_u64(self.seed);
        let bagging = self.subsample_freq > 0 && self.subsample < 1.0;
        let all_rows: Vec<u32> = (0..n as u32).collect();
        let mut bag: Vec<u32> = all_rows.clone();
        let mut in_bag = vec![true; n];
        let p = x.ncols();
        let n_used = ((self.colsample_bytree * p as f64).round() as usize).clamp(1, p);
        let mut feature_order: Vec<usize> = (0..p).collect();
        let mut use_feature = vec![true; p];

        let mut trees = Vec::with_capacity(self.n_estimators);
        let mut history = Vec::new();
        let mut loss_history = Vec::new();
        let mut best: Option<(usize, f64)> = None;
        for round in 0..self.n_estimators {
            compute_gradients(&scores, y, &weights, &mut gh);
            if bagging && round % self.subsample_freq == 0 {
                bag.clear();
                for (i, flag) in in_bag.iter_mut().enumerate() {
                    *flag = rng.gen_bool(self.subsample);
                    if *flag {
                        bag.push(i as u32);
                    }
                }
                if bag.is_empty() {
                    bag.push(rng.gen_range(0..n as u32));
                    in_bag[bag[0] as usize] = true;
                }
            }
            if n_used < p {
                feature_order.shuffle(&mut rng);
                use_feature.fill(false);
                for &j in &feature_order[..n_used] {
                    use_feature[j] = true;
                }
            }
            let rows = if bagging { &bag } else { &all_rows };
            let tree = grower.grow(&gh, rows, &use_feature);
            // Scores of in-bag rows from the leaf partition; out-of-bag rows walk the tree.
            for leaf in 0..grower.n_last_leaves() {
                let value = tree.leaf_value[leaf];
                for &r in grower.leaf_rows(leaf) {
                    scores[r as usize] += value;
                }
            }
            if bagging {
                for (i, s) in scores.iter_mut().enumerate() {
                    if !in_bag[i] {
                        *s += tree.leaf_value[tree.leaf_of_binned(&data, i)];
                    }
                }
            }
            if let (Some(v), Some(es)) = (validation.as_mut(), self.early_stopping) {
                for (i, s) in v.scores.iter_mut().enumerate() {
                    *s += tree.leaf_value[tree.leaf_of_binned(&v.data, i)];
                }
                let loss = log_loss(&v.y, &v.scores, &v.w);
                let metric = match es.metric {
                    EvalMetric::LogLoss => -loss,
                    EvalMetric::RocAuc => roc_auc(&v.y, &v.scores, &v.w),
                };
                history.push(metric.abs());
                loss_history.push(loss);
                trees.push(tree);
                if best.is_none_or(|(_, b)| metric > b) {
                    best = Some((round, metric));
                } else if best.is_some_and(|(r, _)| round - r >= es.patience) {
                    break;
                }
            } else {
                trees.push(tree);
            }
        }
        let best_iteration = best.map(|(r, _)| r);
        if let Some(r) = best_iteration {
            trees.truncate(r + 1);
        }
        let mut model = FittedGbm::new(p, init_score, trees, best_iteration, history, self.clone());
        model.validation_log_loss = loss_history;
        Ok(model)
    }

    /// For each feature: empty when numeric; for a categorical feature, the category code of
    /// each bin (bin 0, missing, gets code 0 and is never sent left).
    fn category_codes_of_bins(
        &self,
        x: ArrayView2<'_, f64>,
        data: &BinnedMatrix,
    ) -> Result<Vec<Vec<u32>>> {
        let mut codes = vec![Vec::new(); x.ncols()];
        for &j in &self.categorical_features {
            if j >= x.ncols() {
                return Err(ModelError::InvalidParam {
                    name: "categorical_features",
                    reason: format!("column {j} does not exist ({} columns)", x.ncols()),
                });
            }
            let mapper = data.mapper(j);
            let mut of_bin: Vec<Option<u32>> = vec![None; mapper.n_bins()];
            for (row, (&v, &b)) in x.column(j).iter().zip(data.column(j)).enumerate() {
                if v.is_nan() {
                    continue;
                }
                let Some(code) = super::tree::category_code(v) else {
                    return Err(ModelError::InvalidParam {
                        name: "categorical_features",
                        reason: format!(
                            "column {j} row {row} holds {v}, not a category code (an integer in \
                             0..={})",
                            super::MAX_CATEGORY_CODE
                        ),
                    });
                };
                let code = code as u32;
                match of_bin[b as usize] {
                    None => of_bin[b as usize] = Some(code),
                    Some(c) if c == code => {}
                    Some(_) => {
                        return Err(ModelError::InvalidParam {
                            name: "categorical_features",
                            reason: format!(
                                "column {j} has more than max_bin - 1 = {} distinct categories",
                                self.max_bin - 1
                            ),
                        });
                    }
                }
            }
            codes[j] = of_bin.into_iter().map(|c| c.unwrap_or(0)).collect();
        }
        Ok(codes)
    }

    /// Per-row weights rescaled to mean 1 (so that only relative weights matter, and
    /// `min_child_weight` keeps the scale of unit weights), then multiplied by
    /// `scale_pos_weight` on positive rows.
    fn training_weights(&self, y: &[bool], sample_weight: Option<&[f64]>) -> Vec<f64> {
        let mut w = sample_weight.map_or_else(|| vec![1.0; y.len()], <[f64]>::to_vec);
        let mean = w.iter().sum::<f64>() / w.len() as f64;
        for (wi, &yi) in w.iter_mut().zip(y) {
            *wi /= mean;
            if yi {
                *wi *= self.scale_pos_weight;
            }
        }
        w
    }
}

/// Gradient and hessian of the weighted logistic loss at the current scores.
fn compute_gradients(scores: &[f64], y: &[bool], w: &[f64], gh: &mut [[f32; 2]]) {
    gh.par_chunks_mut(GRADIENT_CHUNK)
        .enumerate()
        .for_each(|(c, out)| {
            let start = c * GRADIENT_CHUNK;
            for (k, pair) in out.iter_mut().enumerate() {
                let i = start + k;
                let p = sigmoid(scores[i]);
                let target = if y[i] { 1.0 } else { 0.0 };
                *pair = [((p - target) * w[i]) as f32, (p * (1.0 - p) * w[i]) as f32];
            }
        });
}

/// Seeded stratified split of row indices into (train, held out), each class shuffled and cut
/// at `fraction`; both lists ascending.
pub(crate) fn stratified_holdout(y: &[bool], fraction: f64, seed: u64) -> (Vec<usize>, Vec<usize>) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x005E_ED0F_0A11);
    let (mut train, mut valid) = (Vec::new(), Vec::new());
    for class in [false, true] {
        let mut rows: Vec<usize> = (0..y.len()).filter(|&i| y[i] == class).collect();
        rows.shuffle(&mut rng);
        let n_valid = ((rows.len() as f64 * fraction).round() as usize).min(rows.len());
        valid.extend_from_slice(&rows[..n_valid]);
        train.extend_from_slice(&rows[n_valid..]);
    }
    train.sort_unstable();
    valid.sort_unstable();
    (train, valid)
}

/// Weighted mean binary log loss of raw scores.
pub(crate) fn log_loss(y: &[bool], scores: &[f64], w: &[f64]) -> f64 {
    let (mut total, mut weight) = (0.0, 0.0);
    for ((&yi, &s), &wi) in y.iter().zip(scores).zip(w) {
        // -log(sigmoid(s)) = softplus(-s), computed stably.
        let z = if yi { -s } else { s };
        let loss = z.max(0.0) + (-z.abs()).exp().ln_1p();
        total += wi * loss;
        weight += wi;
    }
    total / weight
}

/// Weighted ROC AUC of scores (ties count one half).
pub(crate) fn roc_auc(y: &[bool], scores: &[f64], w: &[f64]) -> f64 {
    let mut order: Vec<usize> = (0..y.len()).collect();
    order.sort_unstable_by(|&a, &b| scores[a].total_cmp(&scores[b]));
    let (mut neg_below, mut area, mut pos_total) = (0.0, 0.0, 0.0);
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        let (mut pos, mut neg) = (0.0, 0.0);
        while j < order.len() && scores[order[j]] == scores[order[i]] {
            let k = order[j];
            if y[k] {
                pos += w[k];
            } else {
                neg += w[k];
            }
            j += 1;
        }
        area += pos * (neg_below + neg / 2.0);
        neg_below += neg;
        pos_total += pos;
        i = j;
    }
    if pos_total == 0.0 || neg_below == 0.0 {
        0.5
    } else {
        area / (pos_total * neg_below)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holdout_is_stratified_disjoint_and_seeded() {
        let y: Vec<bool> = (0..1_000).map(|i| i % 10 == 0).collect();
        let (train, valid) = stratified_holdout(&y, 0.2, 4);
        assert_eq!(train.len() + valid.len(), 1_000);
        assert_eq!(valid.iter().filter(|&&i| y[i]).count(), 20);
        assert!(train.iter().all(|i| valid.binary_search(i).is_err()));
        assert_eq!(stratified_holdout(&y, 0.2, 4), (train, valid));
    }

    #[test]
    fn metrics_agree_with_hand_values() {
        let y = [false, true, false, true];
        let w = [1.0; 4];
        assert_eq!(roc_auc(&y, &[0.1, 0.9, 0.2, 0.8], &w), 1.0);
        assert_eq!(roc_auc(&y, &[0.5; 4], &w), 0.5);
        assert_eq!(roc_auc(&y, &[0.1, 0.3, 0.35, 0.8], &w), 0.75);
        let ll = log_loss(&[true, false], &[0.0, 0.0], &[1.0, 1.0]);
        assert!((ll - std::f64::consts::LN_2).abs() < 1e-15);
        assert!(log_loss(&[true], &[800.0], &[1.0]).abs() < 1e-12);
    }
}
