//! Runs the conformance suite on a deliberately tiny reference model (a weighted nearest-centroid
//! linear score), so that the suite itself is tested independently of the real models.

mod conformance;

use ndarray::{Array1, ArrayView2};
use pdscore_models::check::{check_fit_input, check_predict_input};
use pdscore_models::{Classifier, FittedClassifier, Result};
use serde::{Deserialize, Serialize};

struct CentroidParams;

#[derive(Serialize, Deserialize)]
struct Centroid {
    direction: Vec<f64>,
    bias: f64,
}

impl Classifier for CentroidParams {
    type Fitted = Centroid;
    fn fit(&self, x: ArrayView2<'_, f64>, y: &[bool], w: Option<&[f64]>) -> Result<Centroid> {
        check_fit_input(x, y, w, false)?;
        let p = x.ncols();
        let (mut sum_pos, mut sum_neg) = (vec![0.0; p], vec![0.0; p]);
        let (mut w_pos, mut w_neg) = (0.0, 0.0);
        for (i, row) in x.outer_iter().enumerate() {
            let wi = w.map_or(1.0, |w| w[i]);
            let (sum, total) = if y[i] {
                (&mut sum_pos, &mut w_pos)
            } else {
                (&mut sum_neg, &mut w_neg)
            };
            *total += wi;
            for (s, v) in sum.iter_mut().zip(row) {
                *s += wi * v;
            }
        }
        let mean_pos: Vec<f64> = sum_pos.iter().map(|s| s / w_pos).collect();
        let mean_neg: Vec<f64> = sum_neg.iter().map(|s| s / w_neg).collect();
        let direction: Vec<f64> = mean_pos.iter().zip(&mean_neg).map(|(a, b)| a - b).collect();
        let midpoint: f64 = direction
            .iter()
            .zip(mean_pos.iter().zip(&mean_neg))
            .map(|(d, (a, b))| d * (a + b) / 2.0)
            .sum();
        Ok(Centroid {
            direction,
            bias: (w_pos / w_neg).ln() - midpoint,
        })
    }
}

impl FittedClassifier for Centroid {
    fn predict_proba(&self, x: ArrayView2<'_, f64>) -> Result<Array1<f64>> {
        check_predict_input(x, self.direction.len(), false)?;
        Ok(x.outer_iter()
            .map(|row| {
                let z: f64 = row
                    .iter()
                    .zip(&self.direction)
                    .map(|(a, b)| a * b)
                    .sum::<f64>()
                    + self.bias;
                1.0 / (1.0 + (-z).exp())
            })
            .collect())
    }
    fn name(&self) -> &'static str {
        "centroid"
    }
    fn describe(&self) -> String {
        "weighted nearest-centroid linear score (test reference)".into()
    }
}

#[test]
fn reference_model_passes_the_suite() {
    conformance::run_conformance_suite(
        "centroid",
        |_seed| CentroidParams,
        conformance::Expect::default(),
    );
}
