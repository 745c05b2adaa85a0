//! Numeric binning: equal-frequency pre-bins over the distinct values, merged to the minimum
//! share, then to a monotone event rate (pool-adjacent-violators).

use crate::woe::params::MonotonicTrend;
use crate::woe::stats::{Totals, woe_iv};

/// One distinct training value and its rows.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Distinct {
    pub value: f64,
    pub count: usize,
    pub events: usize,
}

/// A run of adjacent distinct values `first..=last`: one bin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Group {
    pub first: usize,
    pub last: usize,
    pub count: usize,
    pub events: usize,
}

impl Group {
    fn merge(self, right: Group) -> Group {
        Group {
            first: self.first,
            last: right.last,
            count: self.count + right.count,
            events: self.events + right.events,
        }
    }

    fn rate(self) -> f64 {
        self.events as f64 / self.count as f64
    }
}

/// The distinct values of `(value, event)` pairs, increasing.
pub(crate) fn distinct(mut rows: Vec<(f64, bool)>) -> Vec<Distinct> {
    rows.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut out: Vec<Distinct> = Vec::new();
    for (value, event) in rows {
        match out.last_mut() {
            Some(d) if d.value == value => {
                d.count += 1;
                d.events += usize::from(event);
            }
            _ => out.push(Distinct {
                value,
                count: 1,
                events: usize::from(event),
            }),
        }
    }
    out
}

/// At most `k` equal-frequency bins over the distinct values: a bin closes once the rows so far
/// reach the next multiple of `total / k` (a value is never split, so a frequent value makes a
/// bin of its own and the next bin starts at the following quantile).
pub(crate) fn prebins(values: &[Distinct], k: usize) -> Vec<Group> {
    let total: usize = values.iter().map(|d| d.count).sum();
    let mut groups = Vec::with_capacity(k);
    let (mut cum, mut next) = (0usize, 1usize);
    let mut current: Option<Group> = None;
    for (i, d) in values.iter().enumerate() {
        let g = Group {
            first: i,
            last: i,
            count: d.count,
            events: d.events,
        };
        current = Some(current.map_or(g, |c| c.merge(g)));
        cum += d.count;
        if cum * k >= next * total {
            groups.extend(current.take());
            next = cum * k / total + 1;
        }
    }
    groups.extend(current);
    groups
}

/// Merges bins holding fewer than `min_count` rows: the smallest first (leftmost on ties), into
/// the neighbour with the closer event rate (the smaller neighbour on ties), until every bin
/// reaches `min_count` or one bin is left.
pub(crate) fn merge_small(mut groups: Vec<Group>, min_count: f64) -> Vec<Group> {
    while groups.len() > 1 {
        let Some((i, _)) = groups
            .iter()
            .enumerate()
            .filter(|(_, g)| (g.count as f64) < min_count)
            .min_by_key(|(i, g)| (g.count, *i))
        else {
            break;
        };
        let into_left = match (i.checked_sub(1), groups.get(i + 1)) {
            (None, _) => false,
            (Some(_), None) => true,
            (Some(l), Some(right)) => {
                let (left, me) = (groups[l], groups[i]);
                let dl = (left.rate() - me.rate()).abs();
                let dr = (right.rate() - me.rate()).abs();
                dl < dr || (dl == dr && left.count <= right.count)
            }
        };
        let at = if into_left { i - 1 } else { i };
        let merged = groups[at].merge(groups[at + 1]);
        groups[at] = merged;
        groups.remove(at + 1);
    }
    groups
}

/// Pool-adjacent-violators: merges neighbours until the event rate strictly increases
/// (`ascending`) or strictly decreases along the bins. Rates are compared exactly, by cross
/// multiplication of the counts.
pub(crate) fn monotone(groups: &[Group], ascending: bool) -> Vec<Group> {
    let violates = |a: Group, b: Group| {
        let left = a.events as u128 * b.count as u128;
        let right = b.events as u128 * a.count as u128;
        if ascending {
            left >= right
        } else {
            left <= right
        }
    };
    let mut stack: Vec<Group> = Vec::with_capacity(groups.len());
    for &g in groups {
        stack.push(g);
        while stack.len() >= 2 {
            let (a, b) = (stack[stack.len() - 2], stack[stack.len() - 1]);
            if !violates(a, b) {
                break;
            }
            stack.pop();
            let last = stack.len() - 1;
            stack[last] = a.merge(b);
        }
    }
    stack
}

/// Information value of the bins (with the column's totals).
pub(crate) fn groups_iv(groups: &[Group], totals: Totals) -> f64 {
    groups
        .iter()
        .map(|g| woe_iv(g.count, g.events, totals).1)
        .sum()
}

/// The bins of the regular values of a numeric column and the trend they follow.
pub(crate) fn bin_numeric(
    values: &[Distinct],
    prebins_k: usize,
    min_count: f64,
    trend: MonotonicTrend,
    totals: Totals,
) -> (Vec<Group>, MonotonicTrend) {
    let groups = merge_small(prebins(values, prebins_k), min_count);
    match trend {
        MonotonicTrend::None => (groups, MonotonicTrend::None),
        MonotonicTrend::Ascending => (monotone(&groups, true), MonotonicTrend::Ascending),
        MonotonicTrend::Descending => (monotone(&groups, false), MonotonicTrend::Descending),
        MonotonicTrend::Auto => {
            let up = monotone(&groups, true);
            let down = monotone(&groups, false);
            if groups_iv(&down, totals) > groups_iv(&up, totals) {
                (down, MonotonicTrend::Descending)
            } else {
                (up, MonotonicTrend::Ascending)
            }
        }
    }
}

/// A short number strictly between `a < b`: the midpoint rounded to the fewest significant
/// digits that keep it strictly inside (so that no training value lies on an edge, and the edge
/// reads well in a points table and a SQL query).
pub(crate) fn edge_between(a: f64, b: f64) -> f64 {
    let mid = a + (b - a) / 2.0;
    for digits in 0..17 {
        if let Ok(c) = format!("{mid:.digits$e}").parse::<f64>()
            && a < c
            && c < b
        {
            return c;
        }
    }
    mid
}
