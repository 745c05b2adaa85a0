//! Exact k-nearest-neighbour search among a set of points (used by SMOTE on the minority rows of
//! a training fold).
//!
//! # Method: brute force with projection pruning
//!
//! The result is the one of a brute-force search (every pair's squared Euclidean distance,
//! summed over the columns in order, the `k` smallest kept, ties going to the lower index), but
//! most pairs are never computed:
//! 1. the points are projected on their first principal direction `u` (unit vector, from a power
//!    iteration on the covariance matrix) and sorted by projection, stored row by row in that
//!    order;
//! 2. each query scans the sorted points outwards from its own position, in blocks of 64
//!    points, nearest projection first (each block's distances are accumulated column by column,
//!    which the compiler vectorises); since `|u·(a - b)| <= |a - b|`, once the projection gap (less a rounding margin)
//!    exceeds the current `k`-th smallest distance, no further point can enter the result, and
//!    the scan stops.
//!
//! The pruning only skips points that cannot be neighbours, so the result does not depend on
//! `u`; in the worst case (all projections equal) every pair is computed. Queries run in
//! parallel with rayon; each is computed independently and in a fixed order, so the result does
//! not depend on the number of threads.

use rayon::prelude::*;

/// Candidates per block: the block's distance buffer and column slices stay in L1 cache while
/// the distances are accumulated one column at a time (vectorised).
const BLOCK: usize = 64;

/// The `k` nearest other points of every point, by squared Euclidean distance, nearest first,
/// ties broken by the lower point index. A point is never its own neighbour, but an exact
/// duplicate of it is (at distance 0).
///
/// `columns[c][i]` is coordinate `c` of point `i`; every column has `m` values, and `m > k`.
/// Returns `m * k` indices: the neighbours of point `i` are `result[i * k..(i + 1) * k]`.
pub(crate) fn nearest_neighbours(columns: &[Vec<f64>], m: usize, k: usize) -> Vec<usize> {
    debug_assert!(m > k && k > 0);
    debug_assert!(columns.iter().all(|c| c.len() == m));
    let direction = principal_direction(columns, m);
    let projection: Vec<f64> = (0..m)
        .map(|i| columns.iter().zip(&direction).map(|(c, u)| u * c[i]).sum())
        .collect();
    // Bound on the rounding error of a difference of two projections.
    let largest_terms = (0..m)
        .map(|i| {
            columns
                .iter()
                .zip(&direction)
                .map(|(c, u)| (u * c[i]).abs())
                .sum::<f64>()
        })
        .fold(0.0, f64::max);
    let margin = 1e-12 * largest_terms + f64::MIN_POSITIVE;

    let mut order: Vec<usize> = (0..m).collect();
    order.sort_by(|&a, &b| projection[a].total_cmp(&projection[b]).then(a.cmp(&b)));
    let mut position = vec![0_usize; m];
    for (pos, &point) in order.iter().enumerate() {
        position[point] = pos;
    }
    let sorted_projection: Vec<f64> = order.iter().map(|&i| projection[i]).collect();
    let sorted_columns: Vec<Vec<f64>> = columns
        .iter()
        .map(|c| order.iter().map(|&i| c[i]).collect())
        .collect();

    let mut result = vec![0_usize; m * k];
    result.par_chunks_mut(k).enumerate().for_each_init(
        || ([0.0_f64; BLOCK], vec![(f64::INFINITY, usize::MAX); k]),
        |(block, best), (query, neighbours)| {
            best.fill((f64::INFINITY, usize::MAX));
            let at = position[query];
            let query_projection = sorted_projection[at];
            // Unvisited sorted positions are `..below` and `above..`.
            let (mut below, mut above) = (at, at + 1);
            while below > 0 || above < m {
                let gap_below = if below > 0 {
                    query_projection - sorted_projection[below - 1]
                } else {
                    f64::INFINITY
                };
                let gap_above = if above < m {
                    sorted_projection[above] - query_projection
                } else {
                    f64::INFINITY
                };
                let take_below = below > 0 && (above == m || gap_below <= gap_above);
                let gap = if take_below { gap_below } else { gap_above };
                // Every unvisited point is at least `gap` away in projection (the other side's
                // gap is as large), so none can enter the result: both sides are done. NaN gaps
                // (overflowing projections) never prune.
                let bound = gap - margin;
                if bound > 0.0 && bound * bound > best[k - 1].0 {
                    break;
                }
                let range = if take_below {
                    let end = below;
                    below = below.saturating_sub(BLOCK);
                    below..end
                } else {
                    let end = (above + BLOCK).min(m);
                    let range = above..end;
                    above = end;
                    range
                };
                let distances = &mut block[..range.len()];
                distances.fill(0.0);
                for (column, &q) in sorted_columns.iter().zip(query_columns(columns, query)) {
                    for (d, &v) in distances.iter_mut().zip(&column[range.clone()]) {
                        let diff = v - q;
                        *d += diff * diff;
                    }
                }
                for (&distance, pos) in distances.iter().zip(range) {
                    if distance <= best[k - 1].0 {
                        offer(best, distance, order[pos]);
                    }
                }
            }
            for (slot, &(_, index)) in neighbours.iter_mut().zip(best.iter()) {
                *slot = index;
            }
        },
    );
    result
}

/// Coordinates of point `point`.
fn query_columns(columns: &[Vec<f64>], point: usize) -> impl Iterator<Item = &f64> {
    columns.iter().map(move |c| &c[point])
}

/// Inserts `(distance, index)` into `best` (the k smallest pairs so far, sorted by distance then
/// index) if it belongs there.
fn offer(best: &mut [(f64, usize)], distance: f64, index: usize) {
    let last = best.len() - 1;
    let key = (distance, index);
    // Comparing (distance, index) also orders infinite distances.
    if !less(key, best[last]) {
        return;
    }
    let mut pos = last;
    while pos > 0 && less(key, best[pos - 1]) {
        best[pos] = best[pos - 1];
        pos -= 1;
    }
    best[pos] = key;
}

/// Unit vector along the first principal direction of the points (power iteration on the
/// covariance matrix; any unit vector is correct for the search, a better one prunes more).
fn principal_direction(columns: &[Vec<f64>], m: usize) -> Vec<f64> {
    let p = columns.len();
    let means: Vec<f64> = columns
        .iter()
        .map(|c| c.iter().sum::<f64>() / m as f64)
        .collect();
    let mut covariance = vec![0.0; p * p];
    for a in 0..p {
        for b in a..p {
            let cov = columns[a]
                .iter()
                .zip(&columns[b])
                .map(|(x, y)| (x - means[a]) * (y - means[b]))
                .sum::<f64>()
                / m as f64;
            covariance[a * p + b] = cov;
            covariance[b * p + a] = cov;
        }
    }
    let mut direction = vec![1.0 / (p as f64).sqrt(); p];
    for _ in 0..100 {
        let next: Vec<f64> = (0..p)
            .map(|a| (0..p).map(|b| covariance[a * p + b] * direction[b]).sum())
            .collect();
        let norm = next.iter().map(|v| v * v).sum::<f64>().sqrt();
        if !(norm.is_finite() && norm > 0.0) {
            break;
        }
        direction = next.into_iter().map(|v| v / norm).collect();
    }
    direction
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
    fn correct_when_projections_cannot_prune() {
        // All points on a sphere around the origin, projection direction irrelevant; plus points
        // with equal projections along any axis.
        let mut rng = ChaCha8Rng::seed_from_u64(9);
        let mut points: Vec<Vec<f64>> = (0..150)
            .map(|_| {
                let v: Vec<f64> = (0..5).map(|_| rng.gen_range(-1.0..1.0)).collect();
                let norm = v.iter().map(|a| a * a).sum::<f64>().sqrt();
                v.into_iter().map(|a| a / norm).collect()
            })
            .collect();
        points.extend((0..20).map(|i| vec![0.5, f64::from(i) * 0.01, 0.0, 0.0, 0.0]));
        points.extend((0..5).map(|_| vec![0.0; 5]));
        assert_eq!(
            nearest_neighbours(&to_columns(&points), points.len(), 6),
            brute_force(&points, 6)
        );
    }

    #[test]
    fn correct_on_wide_ranges_and_clustered_data() {
        let mut rng = ChaCha8Rng::seed_from_u64(10);
        let points: Vec<Vec<f64>> = (0..400)
            .map(|i| {
                let centre = f64::from(i % 4) * 1e6;
                vec![
                    centre + rng.gen_range(0.0..1.0),
                    rng.gen_range(0.0..1e-3),
                    f64::from(i % 3),
                ]
            })
            .collect();
        assert_eq!(
            nearest_neighbours(&to_columns(&points), 400, 5),
            brute_force(&points, 5)
        );
    }

    #[test]
    fn overflowing_projections_still_find_every_neighbour() {
        let points = vec![
            vec![1e308, 1e308],
            vec![1e308, 1e308],
            vec![-1e308, -1e308],
            vec![0.0, 0.0],
            vec![1.0, 0.0],
        ];
        let got = nearest_neighbours(&to_columns(&points), 5, 4);
        assert!(got.iter().all(|&i| i < 5));
        assert_eq!(got, brute_force(&points, 4));
    }

    #[test]
    fn overflowing_distances_still_give_valid_neighbours() {
        let points = vec![vec![1e154], vec![-1e154], vec![0.0]];
        let got = nearest_neighbours(&to_columns(&points), 3, 2);
        assert_eq!(got, vec![2, 1, 2, 0, 0, 1]);
    }
}
