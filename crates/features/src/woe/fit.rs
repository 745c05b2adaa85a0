//! Fitting the binning of one column on its training values and labels.

use pdscore_ingest::{CategoricalColumn, ColumnData, MISSING_CODE};

use crate::log::ValueRange;
use crate::woe::bins::{BinRule, WoeBin, WoeFit};
use crate::woe::merge::{Distinct, bin_numeric, distinct, edge_between};
use crate::woe::params::{MonotonicTrend, WoeParams};
use crate::woe::stats::{Totals, woe_iv};

/// What fitting one column gave.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum WoeOutcome {
    /// The binning, kept.
    Kept(WoeFit),
    /// The column's information value is below the minimum.
    LowIv(f64),
}

/// Counts of a bin under construction.
#[derive(Debug, Clone, Copy, Default)]
struct Tally {
    count: usize,
    events: usize,
}

impl Tally {
    fn add(&mut self, event: bool) {
        self.count += 1;
        self.events += usize::from(event);
    }
}

/// Fits the binning of column `name` (its training `data`, labels `y`: true for an event).
/// `totals` are the events and non-events of all the training rows (both at least 1).
pub(crate) fn fit_column(
    name: &str,
    data: &ColumnData,
    y: &[bool],
    totals: Totals,
    params: &WoeParams,
) -> WoeOutcome {
    let n_rows = totals.events + totals.non_events;
    let min_count = params.min_bin_share * n_rows as f64;
    let (bins, edges, trend, training_range) = match data {
        ColumnData::Numeric(values) => numeric_bins(
            values,
            y,
            params.specials_of(name),
            min_count,
            totals,
            params,
        ),
        ColumnData::Boolean(values) => {
            let mut tallies = [Tally::default(); 2];
            let mut missing = Tally::default();
            for (v, &event) in values.iter().zip(y) {
                match v {
                    Some(b) => tallies[usize::from(*b)].add(event),
                    None => missing.add(event),
                }
            }
            let levels = [("false", tallies[0]), ("true", tallies[1])];
            let bins = level_bins(&levels, missing, min_count);
            (bins, Vec::new(), MonotonicTrend::None, None)
        }
        ColumnData::Categorical(column) => {
            let (levels, missing) = categorical_tallies(column, y);
            let levels: Vec<(&str, Tally)> = levels.iter().map(|(l, t)| (*l, *t)).collect();
            let bins = level_bins(&levels, missing, min_count);
            (bins, Vec::new(), MonotonicTrend::None, None)
        }
    };
    let bins: Vec<WoeBin> = bins
        .into_iter()
        .map(|(rule, t)| {
            let (woe, iv) = woe_iv(t.count, t.events, totals);
            WoeBin {
                rule,
                count: t.count,
                events: t.events,
                woe,
                iv,
            }
        })
        .collect();
    let iv: f64 = bins.iter().map(|b| b.iv).sum();
    if iv < params.min_iv {
        return WoeOutcome::LowIv(iv);
    }
    let closest_to_zero = |bins: &[WoeBin]| {
        let mut best = 0;
        for (i, b) in bins.iter().enumerate() {
            let (d, d_best) = (b.woe.abs(), bins[best].woe.abs());
            if !matches!(b.rule, BinRule::Missing)
                && (d < d_best || (d == d_best && b.count > bins[best].count))
            {
                best = i;
            }
        }
        best
    };
    let missing_bin = bins
        .iter()
        .position(|b| b.rule == BinRule::Missing)
        .unwrap_or_else(|| closest_to_zero(&bins));
    let unseen_bin = (!matches!(data, ColumnData::Numeric(_))).then(|| {
        bins.iter()
            .position(|b| matches!(&b.rule, BinRule::Levels { other, .. } if !other.is_empty()))
            .unwrap_or_else(|| closest_to_zero(&bins))
    });
    WoeOutcome::Kept(WoeFit {
        bins,
        edges,
        trend,
        iv,
        missing_bin,
        unseen_bin,
        training_range,
        outputs: vec![format!("{name}__woe")],
    })
}

type Bins = Vec<(BinRule, Tally)>;

/// Range bins, then special-value bins, then the missing bin of a numeric column.
fn numeric_bins(
    values: &[f64],
    y: &[bool],
    specials: &[f64],
    min_count: f64,
    totals: Totals,
    params: &WoeParams,
) -> (Bins, Vec<f64>, MonotonicTrend, Option<ValueRange>) {
    let mut special_tallies = vec![Tally::default(); specials.len()];
    let mut missing = Tally::default();
    let mut regular = Vec::with_capacity(values.len());
    for (&x, &event) in values.iter().zip(y) {
        if !x.is_finite() {
            missing.add(event);
        } else if let Some(k) = specials.iter().position(|&s| s == x) {
            special_tallies[k].add(event);
        } else {
            regular.push((x, event));
        }
    }
    let values: Vec<Distinct> = distinct(regular);
    let training_range = values
        .first()
        .zip(values.last())
        .map(|(lo, hi)| ValueRange {
            min: lo.value,
            max: hi.value,
        });
    let (groups, trend) = bin_numeric(&values, params.prebins, min_count, params.trend, totals);
    let edges: Vec<f64> = groups
        .windows(2)
        .map(|w| edge_between(values[w[0].last].value, values[w[1].first].value))
        .collect();
    let mut bins: Bins = if groups.is_empty() {
        // No regular value in training: one empty range bin (WoE 0) for those seen later.
        vec![(
            BinRule::Range {
                lower: None,
                upper: None,
            },
            Tally::default(),
        )]
    } else {
        groups
            .iter()
            .enumerate()
            .map(|(i, g)| {
                let rule = BinRule::Range {
                    lower: i.checked_sub(1).map(|j| edges[j]),
                    upper: edges.get(i).copied(),
                };
                (
                    rule,
                    Tally {
                        count: g.count,
                        events: g.events,
                    },
                )
            })
            .collect()
    };
    let mut seen = Vec::new();
    for (&value, &tally) in specials.iter().zip(&special_tallies) {
        if tally.count > 0 && !seen.contains(&value) {
            seen.push(value);
            bins.push((BinRule::Special { value }, tally));
        }
    }
    if missing.count > 0 {
        bins.push((BinRule::Missing, missing));
    }
    (bins, edges, trend, training_range)
}

/// Tallies of each level seen in the training rows (in dictionary order) and of the missing
/// cells.
fn categorical_tallies<'a>(
    column: &'a CategoricalColumn,
    y: &[bool],
) -> (Vec<(&'a str, Tally)>, Tally) {
    let mut per_code = vec![Tally::default(); column.dictionary.len()];
    let mut missing = Tally::default();
    for (&code, &event) in column.codes.iter().zip(y) {
        if code == MISSING_CODE {
            missing.add(event);
        } else {
            per_code[code as usize].add(event);
        }
    }
    let levels = column
        .dictionary
        .iter()
        .zip(per_code)
        .filter(|(_, t)| t.count > 0)
        .collect();
    (levels, missing)
}

/// One bin per level with at least `min_count` rows (by count, descending, then name); the
/// rarer levels pooled into an "other" bin, itself merged into the level bin with the closest
/// event rate when it is still under `min_count`; then the missing bin.
fn level_bins(levels: &[(&str, Tally)], missing: Tally, min_count: f64) -> Bins {
    let mut sorted: Vec<(&str, Tally)> = levels
        .iter()
        .copied()
        .filter(|(_, t)| t.count > 0)
        .collect();
    sorted.sort_by(|a, b| b.1.count.cmp(&a.1.count).then_with(|| a.0.cmp(b.0)));
    let (kept, rare): (Vec<_>, Vec<_>) = sorted
        .into_iter()
        .partition(|(_, t)| t.count as f64 >= min_count);
    let mut bins: Bins = kept
        .iter()
        .map(|(level, t)| {
            let rule = BinRule::Levels {
                levels: vec![(*level).to_owned()],
                other: Vec::new(),
            };
            (rule, *t)
        })
        .collect();
    if !rare.is_empty() {
        let names: Vec<String> = rare.iter().map(|(l, _)| (*l).to_owned()).collect();
        let pooled = rare.iter().fold(Tally::default(), |acc, (_, t)| Tally {
            count: acc.count + t.count,
            events: acc.events + t.events,
        });
        let rate = |t: Tally| t.events as f64 / t.count as f64;
        let target = if (pooled.count as f64) < min_count {
            bins.iter()
                .enumerate()
                .min_by(|a, b| {
                    let da = (rate(a.1.1) - rate(pooled)).abs();
                    let db = (rate(b.1.1) - rate(pooled)).abs();
                    da.total_cmp(&db)
                })
                .map(|(i, _)| i)
        } else {
            None
        };
        match target {
            Some(i) => {
                let (rule, t) = &mut bins[i];
                t.count += pooled.count;
                t.events += pooled.events;
                if let BinRule::Levels { other, .. } = rule {
                    *other = names;
                }
            }
            None => bins.push((
                BinRule::Levels {
                    levels: Vec::new(),
                    other: names,
                },
                pooled,
            )),
        }
    }
    if missing.count > 0 {
        bins.push((BinRule::Missing, missing));
    }
    bins
}
