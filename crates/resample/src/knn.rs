//! Exact k-nearest-neighbour search among a set of points (used by SMOTE on the minority rows of
//! a training fold).
//!
//! # Method: a kd-tree that returns the brute-force answer
//!
//! The result is exactly the one of a brute-force search: every candidate's squared Euclidean
//! distance is summed over the columns in order, the `k` smallest are kept, and ties go to the
//! lower index. A kd-tree only decides which candidates are never computed:
//! 1. the points are split recursively at the median of the column with the widest range, down to
//!    leaves of at most 32 points; each node keeps the bounding box of its points, and the points
//!    are stored column by column in leaf order;
//! 2. each query walks the tree nearest box first, scans leaves in vectorised blocks, and skips a
//!    box whose squared distance to the query exceeds its current `k`-th distance.
//!
//! The skip is exact in floating point: the box distance is accumulated in the same column order
//! as a point distance, and each term is no larger than the same term for any point in the box
//! (subtraction, squaring and addition are monotone under rounding), so a skipped box cannot
//! contain a point that belongs in the result, not even a tie. Queries run in parallel with
//! rayon; each is computed independently, so the result does not depend on the number of threads.

use rayon::prelude::*;

/// Largest number of points in a leaf.
const LEAF_SIZE: usize = 32;

/// A node of the tree: the points `start..end` of the tree order, and two children unless it is
/// a leaf.
#[derive(Debug, Clone, Copy)]
struct Node {
    start: usize,
    end: usize,
    children: Option<(usize, usize)>,
}

/// A kd-tree over `m` points with `p` coordinates.
struct KdTree {
    nodes: Vec<Node>,
    /// Bounding box of node `n`: `lower[n * p + c]`, `upper[n * p + c]`.
    lower: Vec<f64>,
    upper: Vec<f64>,
    /// Point index at each tree position.
    order: Vec<usize>,
    /// Coordinates in tree order: `columns[c][position]`.
    columns: Vec<Vec<f64>>,
}

impl KdTree {
    fn build(columns: &[Vec<f64>], m: usize) -> Self {
        let mut tree = Self {
            nodes: Vec::new(),
            lower: Vec::new(),
            upper: Vec::new(),
            order: (0..m).collect(),
            columns: Vec::new(),
        };
        tree.split(columns, 0, m);
        tree.columns = columns
            .iter()
            .map(|c| tree.order.iter().map(|&i| c[i]).collect())
            .collect();
        tree
    }

    /// Adds the node of positions `start..end` (and its subtree); returns its id.
    fn split(&mut self, columns: &[Vec<f64>], start: usize, end: usize) -> usize {
        let id = self.nodes.len();
        self.nodes.push(Node {
            start,
            end,
            children: None,
        });
        let mut widest = (0, f64::NEG_INFINITY);
        for (c, column) in columns.iter().enumerate() {
            let (lo, hi) = self.order[start..end]
                .iter()
                .map(|&i| column[i])
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
                    (lo.min(v), hi.max(v))
                });
            self.lower.push(lo);
            self.upper.push(hi);
            if hi - lo > widest.1 {
                widest = (c, hi - lo);
            }
        }
        // Split unless small, or all points coincide (then no split separates them).
        if end - start > LEAF_SIZE && widest.1 > 0.0 {
            let column = &columns[widest.0];
            let middle = (end - start) / 2;
            self.order[start..end].select_nth_unstable_by(middle, |&a, &b| {
                column[a].total_cmp(&column[b]).then(a.cmp(&b))
            });
            let left = self.split(columns, start, start + middle);
            let right = self.split(columns, start + middle, end);
            self.nodes[id].children = Some((left, right));
        }
        id
    }

    /// Squared distance from `query` to the bounding box of `node` (0 inside it).
    fn box_distance(&self, node: usize, query: &[f64]) -> f64 {
        let p = query.len();
        let lower = &self.lower[node * p..(node + 1) * p];
        let upper = &self.upper[node * p..(node + 1) * p];
        let mut distance = 0.0;
        for ((&q, &lo), &hi) in query.iter().zip(lower).zip(upper) {
            let gap = if q < lo {
                lo - q
            } else if q > hi {
                q - hi
            } else {
                0.0
            };
            distance += gap * gap;
        }
        distance
    }

    /// Fills `best` with the k nearest points of `query` (point index `skip`), sorted.
    fn search(
        &self,
        query: &[f64],
        skip: usize,
        best: &mut [(f64, usize)],
        stack: &mut Vec<(usize, f64)>,
        block: &mut [f64; LEAF_SIZE],
    ) {
        let k = best.len();
        best.fill((f64::INFINITY, usize::MAX));
        stack.clear();
        stack.push((0, 0.0));
        while let Some((node, bound)) = stack.pop() {
            if bound > best[k - 1].0 {
                continue;
            }
            let Node {
                start,
                end,
                children,
            } = self.nodes[node];
            if let Some((left, right)) = children {
                let (d_left, d_right) = (
                    self.box_distance(left, query),
                    self.box_distance(right, query),
                );
                // Push the farther child first so that the nearer one is searched first.
                if d_left <= d_right {
                    stack.push((right, d_right));
                    stack.push((left, d_left));
                } else {
                    stack.push((left, d_left));
                    stack.push((right, d_right));
                }
                continue;
            }
            let distances = &mut block[..end - start];
            distances.fill(0.0);
            for (column, &q) in self.columns.iter().zip(query) {
                for (d, &v) in distances.iter_mut().zip(&column[start..end]) {
                    let diff = v - q;
                    *d += diff * diff;
                }
            }
            for (&distance, &index) in distances.iter().zip(&self.order[start..end]) {
                if distance <= best[k - 1].0 && index != skip {
                    offer(best, distance, index);
                }
            }
        }
    }
}

/// The `k` nearest other points of every point, by squared Euclidean distance, nearest first,
/// ties broken by the lower point index. A point is never its own neighbour, but an exact
/// duplicate of it is (at distance 0).
///
/// `columns[c][i]` is coordinate `c` of point `i`; every column has `m` values, and `m > k`.
/// Returns `m * k` indices: the neighbours of point `i` are `result[i * k..(i + 1) * k]`.
pub(crate) fn nearest_neighbours(columns: &[Vec<f64>], m: usize, k: usize) -> Vec<usize> {
    debug_assert!(m > k && k > 0);
    debug_assert!(columns.iter().all(|c| c.len() == m));
    let tree = KdTree::build(columns, m);
    // Queries in tree order (nearby queries visit the same leaves), results per point.
    let mut by_position = vec![0_usize; m * k];
    by_position.par_chunks_mut(k).enumerate().for_each_init(
        || {
            (
                vec![0.0; columns.len()],
                vec![(f64::INFINITY, usize::MAX); k],
                Vec::new(),
                [0.0; LEAF_SIZE],
            )
        },
        |(query, best, stack, block), (position, neighbours)| {
            for (q, column) in query.iter_mut().zip(&tree.columns) {
                *q = column[position];
            }
            tree.search(query, tree.order[position], best, stack, block);
            for (slot, &(_, index)) in neighbours.iter_mut().zip(best.iter()) {
                *slot = index;
            }
        },
    );
    let mut result = vec![0_usize; m * k];
    for (position, &point) in tree.order.iter().enumerate() {
        result[point * k..(point + 1) * k]
            .copy_from_slice(&by_position[position * k..(position + 1) * k]);
    }
    result
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

/// Orders `(distance, index)` pairs: by distance, then by index.
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
    fn correct_on_a_sphere_and_on_a_line() {
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
    fn matches_brute_force_on_discrete_data_full_of_ties_and_duplicates() {
        let mut rng = ChaCha8Rng::seed_from_u64(12);
        for (m, p, k) in [(300, 4, 5), (97, 2, 10), (1000, 3, 3), (40, 7, 1)] {
            let points: Vec<Vec<f64>> = (0..m)
                .map(|_| (0..p).map(|_| f64::from(rng.gen_range(0..3_u8))).collect())
                .collect();
            assert_eq!(
                nearest_neighbours(&to_columns(&points), m, k),
                brute_force(&points, k),
                "m={m} p={p} k={k}"
            );
        }
    }

    #[test]
    fn huge_coordinates_still_find_every_neighbour() {
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
