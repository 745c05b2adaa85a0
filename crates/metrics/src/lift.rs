//! The gains (lift) table: rows ranked by PD from the riskiest, cut into equal-count groups
//! (deciles by default), with each group's default rate, its lift over the overall rate and the
//! cumulative share of all defaults captured so far. The credit analyst's view of ranking: "the
//! riskiest 10 % of applicants hold 45 % of the defaults".

use std::cmp::Ordering;

use serde::{Deserialize, Serialize};

use crate::input::check_probabilities;
use crate::{MetricsError, Result};

/// One group of a [gains table](gains_table).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct GainsRow {
    /// 1 for the riskiest group.
    pub group: usize,
    /// Rows in the group.
    pub count: usize,
    /// Defaults in the group.
    pub defaults: usize,
    /// Lowest and highest PD in the group.
    pub min_pd: f64,
    /// Highest PD in the group.
    pub max_pd: f64,
    /// Mean PD of the group.
    pub mean_pd: f64,
    /// Observed default rate of the group.
    pub default_rate: f64,
    /// `default_rate` / the overall default rate.
    pub lift: f64,
    /// Share of the rows in this group and the riskier ones.
    pub cumulative_rows: f64,
    /// Share of all defaults in this group and the riskier ones (the gains curve).
    pub cumulative_defaults: f64,
}

/// The gains table of PDs `pd` against outcomes `y_true`, in `n_groups` equal-count groups
/// from the highest PD down (a stable sort: tied PDs keep their order; the first
/// `n % n_groups` groups hold one row more, as `numpy.array_split`).
///
/// ```
/// use pdscore_metrics::gains_table;
///
/// let y = [true, false, true, false, false, false, false, false, false, false];
/// let pd = [0.9, 0.8, 0.7, 0.4, 0.3, 0.2, 0.2, 0.1, 0.1, 0.05];
/// let table = gains_table(&y, &pd, 5)?;
/// assert_eq!(table[0].defaults, 1); // 0.9 and 0.8
/// assert_eq!(table[1].cumulative_defaults, 1.0); // both defaults in the riskiest 40 %
/// assert!((table[0].lift - 2.5).abs() < 1e-12); // 50 % against 20 % overall
/// # Ok::<(), pdscore_metrics::MetricsError>(())
/// ```
///
/// # Errors
/// [`MetricsError::Empty`], [`MetricsError::LengthMismatch`],
/// [`MetricsError::ProbabilityOutOfRange`], [`MetricsError::InvalidParameter`] for
/// `n_groups == 0`, and [`MetricsError::MissingClass`] when there is no default.
pub fn gains_table(y_true: &[bool], pd: &[f64], n_groups: usize) -> Result<Vec<GainsRow>> {
    check_probabilities(y_true, pd, None)?;
    if n_groups == 0 {
        return Err(MetricsError::InvalidParameter {
            name: "n_groups",
            value: "0".into(),
            reason: "at least one group",
        });
    }
    let total_defaults = y_true.iter().filter(|&&v| v).count();
    if total_defaults == 0 {
        return Err(MetricsError::MissingClass {
            metric: "gains table",
            missing_positive: true,
        });
    }
    let n = pd.len();
    let overall_rate = total_defaults as f64 / n as f64;
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&i, &j| pd[j].partial_cmp(&pd[i]).unwrap_or(Ordering::Equal));
    let (base, extra) = (n / n_groups, n % n_groups);
    let mut rows = Vec::with_capacity(n_groups.min(n));
    let (mut start, mut seen_rows, mut seen_defaults) = (0, 0, 0);
    for g in 0..n_groups {
        let size = base + usize::from(g < extra);
        if size == 0 {
            continue;
        }
        let members = &order[start..start + size];
        start += size;
        let defaults = members.iter().filter(|&&i| y_true[i]).count();
        let sum_pd: f64 = members.iter().map(|&i| pd[i]).sum();
        seen_rows += size;
        seen_defaults += defaults;
        let default_rate = defaults as f64 / size as f64;
        rows.push(GainsRow {
            group: g + 1,
            count: size,
            defaults,
            min_pd: pd[members[size - 1]],
            max_pd: pd[members[0]],
            mean_pd: sum_pd / size as f64,
            default_rate,
            lift: default_rate / overall_rate,
            cumulative_rows: seen_rows as f64 / n as f64,
            cumulative_defaults: seen_defaults as f64 / total_defaults as f64,
        });
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_cover_every_row_and_end_at_all_defaults() {
        let y: Vec<bool> = (0..103).map(|i| i % 7 == 0).collect();
        let pd: Vec<f64> = (0..103).map(|i| f64::from(i) / 103.0).collect();
        let table = gains_table(&y, &pd, 10).unwrap();
        assert_eq!(table.len(), 10);
        assert_eq!(table.iter().map(|r| r.count).sum::<usize>(), 103);
        assert_eq!(table[0].count, 11); // 103 = 3 × 11 + 7 × 10
        let last = table.last().unwrap();
        assert!((last.cumulative_defaults - 1.0).abs() < 1e-15);
        assert!((last.cumulative_rows - 1.0).abs() < 1e-15);
        for w in table.windows(2) {
            assert!(w[0].min_pd >= w[1].max_pd, "riskiest first");
        }
        // the weighted mean of the lifts is 1
        let mean_lift: f64 = table.iter().map(|r| r.lift * r.count as f64).sum::<f64>() / 103.0;
        assert!((mean_lift - 1.0).abs() < 1e-12);
    }

    #[test]
    fn bad_input_is_an_error() {
        assert!(matches!(
            gains_table(&[true, false], &[0.5, 0.1], 0),
            Err(MetricsError::InvalidParameter { .. })
        ));
        assert!(matches!(
            gains_table(&[false, false], &[0.5, 0.1], 2),
            Err(MetricsError::MissingClass { .. })
        ));
        assert!(gains_table(&[true, false], &[1.5, 0.1], 2).is_err());
    }
}
