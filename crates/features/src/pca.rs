//! PCA from the covariance matrix's symmetric eigendecomposition (cyclic Jacobi).
//!
//! Why not `linfa-reduction` 0.8.1: its `Pca::explained_variance_ratio` divides by the variance
//! of the *kept* components only (10 of 40 components "explain" 1.000 in the stack probe), and
//! its `explained_variance` divides by the number of kept components minus one instead of
//! `n_rows - 1`, so the 0.95 rule cannot be applied with it. The matrices here are small (tens
//! to a few hundred columns), so a Jacobi solver without BLAS is fast and fully deterministic.

use ndarray::{Array2, ArrayView2, Axis};
use serde::{Deserialize, Serialize};

use crate::error::{FeatureError, Result};
use crate::params::PcaComponents;

/// Interleaved partial sums of a projection's dot product (lets the compiler vectorise while
/// keeping one fixed summation order).
const LANES: usize = 8;

/// Largest number of Jacobi sweeps; convergence takes 6 to 12 sweeps in practice.
const MAX_SWEEPS: usize = 100;

/// Eigen-decomposition of a symmetric matrix: eigenvalues in descending order and the matching
/// unit eigenvectors as **rows**, each with its largest-magnitude entry positive (the sign
/// convention scikit-learn's `svd_flip` uses for PCA components).
pub(crate) fn symmetric_eigen(matrix: &Array2<f64>) -> (Vec<f64>, Array2<f64>) {
    let p = matrix.nrows();
    let mut a = matrix.clone();
    let mut v = Array2::<f64>::eye(p);
    let scale: f64 = a.iter().map(|x| x * x).sum::<f64>().sqrt();
    for _ in 0..MAX_SWEEPS {
        let off: f64 = (0..p)
            .flat_map(|i| (0..p).filter(move |&j| j != i).map(move |j| (i, j)))
            .map(|(i, j)| a[[i, j]] * a[[i, j]])
            .sum::<f64>()
            .sqrt();
        if off <= f64::EPSILON * scale || off == 0.0 {
            break;
        }
        let mut rotations = 0_usize;
        for i in 0..p {
            for j in (i + 1)..p {
                let aij = a[[i, j]];
                // Below rounding level relative to the diagonal: rotating would change nothing.
                if aij.abs() <= 0.5 * f64::EPSILON * (a[[i, i]] * a[[j, j]]).abs().sqrt() {
                    continue;
                }
                rotations += 1;
                // Rotation that zeroes a[i][j] (Golub & Van Loan, symmetric Schur).
                let theta = (a[[j, j]] - a[[i, i]]) / (2.0 * aij);
                let t = theta.signum() / (theta.abs() + (theta * theta + 1.0).sqrt());
                let t = if theta == 0.0 { 1.0 } else { t };
                let c = 1.0 / (t * t + 1.0).sqrt();
                let s = t * c;
                for k in 0..p {
                    let aki = a[[k, i]];
                    let akj = a[[k, j]];
                    a[[k, i]] = c * aki - s * akj;
                    a[[k, j]] = s * aki + c * akj;
                }
                for k in 0..p {
                    let aik = a[[i, k]];
                    let ajk = a[[j, k]];
                    a[[i, k]] = c * aik - s * ajk;
                    a[[j, k]] = s * aik + c * ajk;
                }
                for k in 0..p {
                    let vki = v[[k, i]];
                    let vkj = v[[k, j]];
                    v[[k, i]] = c * vki - s * vkj;
                    v[[k, j]] = s * vki + c * vkj;
                }
            }
        }
        if rotations == 0 {
            break;
        }
    }
    let mut order: Vec<usize> = (0..p).collect();
    // Stable sort: equal eigenvalues keep their index order, so the result is deterministic.
    order.sort_by(|&x, &y| a[[y, y]].total_cmp(&a[[x, x]]));
    let values = order.iter().map(|&k| a[[k, k]]).collect();
    let mut vectors = Array2::<f64>::zeros((p, p));
    for (row, &k) in order.iter().enumerate() {
        let column = v.column(k);
        let mut pivot = 0;
        for (idx, x) in column.iter().enumerate() {
            if x.abs() > column[pivot].abs() {
                pivot = idx;
            }
        }
        let sign = if column[pivot] < 0.0 { -1.0 } else { 1.0 };
        for (dst, x) in vectors.row_mut(row).iter_mut().zip(column.iter()) {
            *dst = sign * x;
        }
    }
    (values, vectors)
}

/// A fitted PCA projection: `(x - mean) · componentsᵀ`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct FittedPca {
    /// Column means of the training matrix.
    pub(crate) mean: Vec<f64>,
    /// Kept components, one per row (`n_components x n_inputs`), unit length.
    pub(crate) components: Array2<f64>,
    /// Variance along each kept component (eigenvalue of the covariance with `n - 1`).
    pub(crate) explained_variance: Vec<f64>,
    /// Kept variance over the **total** variance of the training matrix.
    pub(crate) explained_variance_ratio: Vec<f64>,
}

impl FittedPca {
    /// Fits PCA on `x` (rows x features, no NaN).
    pub(crate) fn fit(x: ArrayView2<'_, f64>, target: PcaComponents) -> Result<Self> {
        let (n, p) = x.dim();
        if n < 2 {
            return Err(FeatureError::TooFewRowsForPca { n_rows: n });
        }
        if let PcaComponents::Count(k) = target
            && k > p
        {
            return Err(FeatureError::TooManyComponents {
                requested: k,
                available: p,
            });
        }
        let mean: Vec<f64> = x
            .mean_axis(Axis(0))
            .map_or_else(|| vec![0.0; p], |m| m.to_vec());
        let mut centered = x.to_owned();
        for mut row in centered.rows_mut() {
            for (value, m) in row.iter_mut().zip(&mean) {
                *value -= m;
            }
        }
        let covariance = centered.t().dot(&centered) / (n as f64 - 1.0);
        let (values, vectors) = symmetric_eigen(&covariance);
        // Tiny negative eigenvalues are rounding noise of a rank-deficient matrix.
        let values: Vec<f64> = values.into_iter().map(|v| v.max(0.0)).collect();
        let total: f64 = values.iter().sum();
        let ratios: Vec<f64> = values
            .iter()
            .map(|v| if total > 0.0 { v / total } else { 0.0 })
            .collect();
        let k = match target {
            PcaComponents::Count(k) => k,
            PcaComponents::VarianceRatio(r) => {
                // scikit-learn: the first k whose cumulative ratio is strictly above r.
                let mut cumulative = 0.0;
                let mut k = p;
                for (idx, ratio) in ratios.iter().enumerate() {
                    cumulative += ratio;
                    if cumulative > r {
                        k = idx + 1;
                        break;
                    }
                }
                k.max(1)
            }
        };
        Ok(FittedPca {
            mean,
            components: vectors.select(Axis(0), &(0..k).collect::<Vec<_>>()),
            explained_variance: values[..k].to_vec(),
            explained_variance_ratio: ratios[..k].to_vec(),
        })
    }

    /// Number of kept components.
    pub(crate) fn n_components(&self) -> usize {
        self.components.nrows()
    }

    /// Projects one row (`centered` is scratch space of the input's length). Every output is
    /// a dot product summed in a fixed order (eight interleaved partial sums, then combined), so
    /// the result for a row does not depend on how many rows are transformed together.
    pub(crate) fn project_row(&self, input: &[f64], centered: &mut [f64], output: &mut [f64]) {
        for ((c, x), m) in centered.iter_mut().zip(input).zip(&self.mean) {
            *c = x - m;
        }
        for (out, component) in output.iter_mut().zip(self.components.rows()) {
            let weights = component.as_slice().unwrap_or(&[]);
            let mut partial = [0.0; LANES];
            let mut x_chunks = centered.chunks_exact(LANES);
            let mut w_chunks = weights.chunks_exact(LANES);
            for (x, w) in x_chunks.by_ref().zip(w_chunks.by_ref()) {
                for lane in 0..LANES {
                    partial[lane] += x[lane] * w[lane];
                }
            }
            let mut sum = ((partial[0] + partial[1]) + (partial[2] + partial[3]))
                + ((partial[4] + partial[5]) + (partial[6] + partial[7]));
            for (x, w) in x_chunks.remainder().iter().zip(w_chunks.remainder()) {
                sum += x * w;
            }
            *out = sum;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    fn reconstruct(values: &[f64], vectors: &Array2<f64>) -> Array2<f64> {
        let p = values.len();
        let mut out = Array2::zeros((p, p));
        for (k, lambda) in values.iter().enumerate() {
            for i in 0..p {
                for j in 0..p {
                    out[[i, j]] += lambda * vectors[[k, i]] * vectors[[k, j]];
                }
            }
        }
        out
    }

    #[test]
    fn eigen_of_a_symmetric_matrix_reconstructs_it() {
        let m = array![
            [4.0, 1.0, 0.5, 0.0],
            [1.0, 3.0, 0.2, 0.1],
            [0.5, 0.2, 2.0, 0.7],
            [0.0, 0.1, 0.7, 1.0]
        ];
        let (values, vectors) = symmetric_eigen(&m);
        assert!(values.windows(2).all(|w| w[0] >= w[1]));
        let back = reconstruct(&values, &vectors);
        for (a, b) in back.iter().zip(m.iter()) {
            assert!((a - b).abs() < 1e-12, "{a} vs {b}");
        }
        let gram = vectors.dot(&vectors.t());
        for i in 0..4 {
            for j in 0..4 {
                let expected = if i == j { 1.0 } else { 0.0 };
                assert!((gram[[i, j]] - expected).abs() < 1e-12);
            }
        }
        // Sign convention: the largest-magnitude entry of every vector is positive.
        for row in vectors.rows() {
            let pivot = row
                .iter()
                .copied()
                .fold(0.0_f64, |b, x| if x.abs() > b.abs() { x } else { b });
            assert!(pivot > 0.0);
        }
    }

    #[test]
    fn diagonal_matrix_gives_sorted_diagonal() {
        let m = array![[1.0, 0.0, 0.0], [0.0, 3.0, 0.0], [0.0, 0.0, 2.0]];
        let (values, vectors) = symmetric_eigen(&m);
        assert_eq!(values, vec![3.0, 2.0, 1.0]);
        assert_eq!(vectors.row(0).to_vec(), vec![0.0, 1.0, 0.0]);
    }

    #[test]
    fn points_on_a_line_need_one_component() {
        // y = 2x: all the variance lies along (1, 2)/sqrt(5).
        let x = array![[1.0, 2.0], [2.0, 4.0], [3.0, 6.0], [-1.0, -2.0]];
        let pca = FittedPca::fit(x.view(), PcaComponents::VarianceRatio(0.95)).unwrap();
        assert_eq!(pca.n_components(), 1);
        assert!((pca.explained_variance_ratio[0] - 1.0).abs() < 1e-12);
        let norm = 5.0_f64.sqrt();
        assert!((pca.components[[0, 0]] - 1.0 / norm).abs() < 1e-12);
        assert!((pca.components[[0, 1]] - 2.0 / norm).abs() < 1e-12);
        // Sample variance of the projections equals the explained variance.
        let mut projected = [0.0; 4];
        for (row, out) in x.rows().into_iter().zip(projected.iter_mut()) {
            let mut one = [0.0];
            let mut scratch = [0.0; 2];
            pca.project_row(row.as_slice().unwrap(), &mut scratch, &mut one);
            *out = one[0];
        }
        let var = projected.iter().map(|v| v * v).sum::<f64>() / 3.0;
        assert!((var - pca.explained_variance[0]).abs() < 1e-9);
    }

    #[test]
    fn ratio_is_over_all_components() {
        // Independent columns with variances 4:1 (up to sampling): the first component explains
        // 0.8 of the total, not 1.0 as a ratio over the kept components would say.
        let x = array![[2.0, 1.0], [-2.0, 1.0], [2.0, -1.0], [-2.0, -1.0]];
        let pca = FittedPca::fit(x.view(), PcaComponents::Count(1)).unwrap();
        assert!((pca.explained_variance_ratio[0] - 0.8).abs() < 1e-12);
        let pca = FittedPca::fit(x.view(), PcaComponents::VarianceRatio(0.8)).unwrap();
        assert_eq!(pca.n_components(), 2, "0.8 is not strictly above 0.8");
        let pca = FittedPca::fit(x.view(), PcaComponents::VarianceRatio(0.79)).unwrap();
        assert_eq!(pca.n_components(), 1);
    }

    #[test]
    fn pca_errors() {
        let x = array![[1.0, 2.0]];
        assert_eq!(
            FittedPca::fit(x.view(), PcaComponents::Count(1)),
            Err(FeatureError::TooFewRowsForPca { n_rows: 1 })
        );
        let x = array![[1.0, 2.0], [3.0, 5.0]];
        assert_eq!(
            FittedPca::fit(x.view(), PcaComponents::Count(3)),
            Err(FeatureError::TooManyComponents {
                requested: 3,
                available: 2
            })
        );
    }
}
