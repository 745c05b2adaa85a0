//! Equal-count groups of rows ordered by predicted probability, shared by the expected
//! calibration error and the Hosmer-Lemeshow test.

use std::cmp::Ordering;

/// Tallies of one group of rows.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Group {
    /// Number of rows.
    pub(crate) count: usize,
    /// Number of positive rows (observed defaults).
    pub(crate) positives: usize,
    /// Sum of the predicted probabilities (expected defaults), added in sorted order.
    pub(crate) sum_probability: f64,
}

/// Sorts the rows by probability and splits them into `n_groups` contiguous groups of (almost)
/// equal count; returns the non-empty ones, lowest probabilities first.
///
/// The sort is stable, so tied probabilities keep their input order, and the split is
/// `numpy.array_split(numpy.arange(n), n_groups)`: the first `n % n_groups` groups hold one row
/// more than the others, and with `n < n_groups` the last `n_groups − n` groups are empty.
/// Rows with the same probability may therefore fall in different groups, unlike the quantile
/// bins of [`calibration_curve`](crate::calibration_curve), which keep them together. `-0.0`
/// and `0.0` are equal here, as in numpy.
///
/// Assumes validated input (same lengths, no `NaN`) and `n_groups ≥ 1`.
pub(crate) fn equal_count_groups(
    y_true: &[bool],
    probabilities: &[f64],
    n_groups: usize,
) -> Vec<Group> {
    let mut order: Vec<usize> = (0..probabilities.len()).collect();
    order.sort_by(|&i, &j| {
        probabilities[i]
            .partial_cmp(&probabilities[j])
            .unwrap_or(Ordering::Equal)
    });
    let (base, extra) = (order.len() / n_groups, order.len() % n_groups);
    let mut groups = Vec::with_capacity(n_groups.min(order.len()));
    let mut rows = order.as_slice();
    for group in 0..n_groups {
        let size = base + usize::from(group < extra);
        if size == 0 {
            break; // every later group is empty too
        }
        let (members, rest) = rows.split_at(size);
        rows = rest;
        groups.push(Group {
            count: size,
            positives: members.iter().filter(|&&row| y_true[row]).count(),
            sum_probability: members
                .iter()
                .fold(0.0, |sum, &row| sum + probabilities[row]),
        });
    }
    groups
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(n: usize, n_groups: usize) -> Vec<usize> {
        let p = vec![0.5; n];
        let y = vec![false; n];
        equal_count_groups(&y, &p, n_groups)
            .iter()
            .map(|g| g.count)
            .collect()
    }

    #[test]
    fn sizes_follow_numpy_array_split() {
        assert_eq!(counts(10, 3), vec![4, 3, 3]);
        assert_eq!(counts(12, 4), vec![3, 3, 3, 3]);
        assert_eq!(counts(7, 10), vec![1; 7]); // three empty groups dropped
        assert_eq!(counts(1, 1), vec![1]);
        assert_eq!(counts(11, 1), vec![11]);
    }

    #[test]
    fn ties_keep_input_order_across_a_group_boundary() {
        // Sorted: 0.1, then the three 0.5s in input order (rows 0, 2, 3), then 0.9.
        let p = [0.5, 0.1, 0.5, 0.5, 0.9];
        let y = [true, false, false, false, true];
        let groups = equal_count_groups(&y, &p, 2); // sizes 3, 2
        assert_eq!(groups[0].positives, 1); // rows 1, 0, 2
        assert_eq!(groups[0].sum_probability, 0.1 + 0.5 + 0.5);
        assert_eq!(groups[1].positives, 1); // rows 3, 4
        let negated_zero = equal_count_groups(&[true, false], &[0.0, -0.0], 2);
        assert_eq!(
            negated_zero[0].positives, 1,
            "-0.0 and 0.0 tie, input order kept"
        );
    }
}
