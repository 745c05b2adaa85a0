//! Small figures shared by the comparison, the selection and the nested evaluation: mean and
//! standard deviation over folds, sums of confusion matrices. A leaf module: it imports no
//! other module of this crate.

use pdscore_metrics::ConfusionMatrix;

/// Mean and sample standard deviation (ddof = 1; 0 for a single value).
pub(crate) fn mean_std(values: &[f64]) -> (f64, f64) {
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    let std = if values.len() > 1 {
        (values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt()
    } else {
        0.0
    };
    (mean, std)
}

/// Sums confusion matrices.
pub(crate) fn add_confusion(a: &ConfusionMatrix, b: &ConfusionMatrix) -> ConfusionMatrix {
    ConfusionMatrix {
        true_positives: a.true_positives + b.true_positives,
        false_positives: a.false_positives + b.false_positives,
        true_negatives: a.true_negatives + b.true_negatives,
        false_negatives: a.false_negatives + b.false_negatives,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn std_is_the_sample_std() {
        let (m, s) = mean_std(&[1.0, 2.0, 3.0, 4.0]);
        assert_eq!(m, 2.5);
        assert!((s - 1.290_994_448_735_805_6).abs() < 1e-15);
        assert_eq!(mean_std(&[3.0]), (3.0, 0.0));
    }
}
