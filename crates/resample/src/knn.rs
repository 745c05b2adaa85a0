//! Exact brute-force k-nearest-neighbour search among a set of points (used by SMOTE on the
//! minority rows of a training fold).
//!
//! The points are stored column by column, so the distances from one query to all points are
//! accumulated one column at a time over contiguous slices (which the compiler vectorises), then
//! the `k` smallest are selected in one pass. Queries run in parallel with rayon; the result does
//! not depend on the number of threads (each query is computed independently, in a fixed order).

use rayon::prelude::*;

/// The `k` nearest other points of every point, by squared Euclidean distance, nearest first,
/// ties broken by the lower point index. A point is never its own neighbour, but an exact
/// duplicate of it is (at distance 0).
///
/// `columns[c][i]` is coordinate `c` of point `i`; every column has `m` values, and `m > k`.
/// Returns `m * k` indices: the neighbours of point `i` are `result[i * k..(i + 1) * k]`.
pub(crate) fn nearest_neighbours(columns: &[Vec<f64>], m: usize, k: usize) -> Vec<usize> {
    debug_assert!(m > k && k > 0);
    debug_assert!(columns.iter().all(|c| c.len() == m));
    let mut result = vec![0_usize; m * k];
    result.par_chunks_mut(k).enumerate().for_each_init(
        || (vec![0.0_f64; m], vec![(f64::INFINITY, usize::MAX); k]),
        |(distances, best), (query, neighbours)| {
            distances.fill(0.0);
            for column in columns {
                let q = column[query];
                for (d, &v) in distances.iter_mut().zip(column) {
                    let diff = v - q;
                    *d += diff * diff;
                }
            }
            smallest_k(distances, query, best);
            for (slot, &(_, index)) in neighbours.iter_mut().zip(best.iter()) {
                *slot = index;
            }
        },
    );
    result
}

/// Fills `best` (length k) with the k smallest `(distance, index)` pairs, skipping `skip`.
fn smallest_k(distances: &[f64], skip: usize, best: &mut [(f64, usize)]) {
    best.fill((f64::INFINITY, usize::MAX));
    let last = best.len() - 1;
    for (index, &d) in distances.iter().enumerate() {
        // Fast path: most points are farther than the current k-th nearest.
        if d > best[last].0 || index == skip {
            continue;
        }
        // Indices arrive in increasing order, so an equal distance never displaces an earlier
        // index; comparing (distance, index) also handles infinite distances.
        let key = (d, index);
        if !less(key, best[last]) {
            continue;
        }
        let mut pos = last;
        while pos > 0 && less(key, best[pos - 1]) {
            best[pos] = best[pos - 1];
            pos -= 1;
        }
        best[pos] = key;
    }
}

fn less(a: (f64, usize), b: (f64, usize)) -> bool {
    a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)).is_lt()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    fn brute_force(points: &[Vec<f64>], k: usize) -> Vec<usize> {
        let mut out = Vec::new();
        for (i, p) in points.iter().enumerate() {
            let mut d: Vec<(f64, usize)> = points
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != i)
                .map(|(j, q)| (p.iter().zip(q).map(|(a, b)| (a - b) * (a - b)).sum(), j))
                .collect();
            d.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            out.extend(d[..k].iter().map(|&(_, j)| j));
        }
        out
    }

    fn to_columns(points: &[Vec<f64>]) -> Vec<Vec<f64>> {
        (0..points[0].len())
            .map(|c| points.iter().map(|p| p[c]).collect())
            .collect()
    }

    #[test]
    fn matches_sorting_all_distances() {
        let mut rng = ChaCha8Rng::seed_from_u64(4);
        let points: Vec<Vec<f64>> = (0..200)
            .map(|_| (0..3).map(|_| rng.gen_range(-2.0..2.0)).collect())
            .collect();
        for k in [1, 5, 10] {
            assert_eq!(
                nearest_neighbours(&to_columns(&points), 200, k),
                brute_force(&points, k)
            );
        }
    }

    #[test]
    fn ties_and_duplicates_prefer_lower_index_and_never_self() {
        // Points on a grid with many equal distances, and exact duplicates.
        let points: Vec<Vec<f64>> = (0..30)
            .map(|i| vec![f64::from(i % 3), f64::from((i / 3) % 2)])
            .collect();
        let got = nearest_neighbours(&to_columns(&points), 30, 4);
        assert_eq!(got, brute_force(&points, 4));
        for i in 0..30 {
            assert!(!got[i * 4..i * 4 + 4].contains(&i));
        }
    }

    #[test]
    fn matches_scikit_learn_nearest_neighbors() {
        let golden: serde_json::Value =
            serde_json::from_str(include_str!("../tests/fixtures/golden.json")).unwrap();
        let case = &golden["neighbours"];
        let points: Vec<Vec<f64>> = case["x"]
            .as_array()
            .unwrap()
            .iter()
            .map(|row| {
                row.as_array()
                    .unwrap()
                    .iter()
                    .map(|v| v.as_f64().unwrap())
                    .collect()
            })
            .collect();
        let k = case["k"].as_u64().unwrap() as usize;
        let want: Vec<usize> = case["neighbours"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|row| {
                row.as_array()
                    .unwrap()
                    .iter()
                    .map(|v| v.as_u64().unwrap() as usize)
            })
            .collect();
        assert_eq!(
            nearest_neighbours(&to_columns(&points), points.len(), k),
            want
        );
    }

    #[test]
    fn overflowing_distances_still_give_valid_neighbours() {
        let points = vec![vec![1e154], vec![-1e154], vec![0.0]];
        let got = nearest_neighbours(&to_columns(&points), 3, 2);
        assert_eq!(got, vec![2, 1, 2, 0, 0, 1]);
    }
}
