//! The split search of one leaf: the best threshold of a numeric feature from its histogram,
//! the best category set of a categorical one, and, when the model has monotone constraints,
//! the gains and outputs of children clamped to the leaf's output interval.

use super::grower::{BinStats, GrowConfig};
use crate::monotone::Bounds;
use crate::trees::binning::MISSING_BIN;

/// The best split found for a leaf.
#[derive(Debug, Clone, Copy)]
pub(super) struct Split {
    pub(super) feature: usize,
    /// Value bins `1..=threshold_bin` go left (numeric splits).
    pub(super) threshold_bin: u8,
    pub(super) missing_left: bool,
    /// Bins going left, for a categorical split (missing and other bins go right).
    pub(super) categories: Option<[u64; 4]>,
    pub(super) gain: f64,
    pub(super) left: BinStats,
    pub(super) right: BinStats,
    /// Monotone direction the children's intervals must follow (`0`: both inherit the leaf's).
    pub(super) direction: i8,
    /// Children's outputs (before shrinkage) clamped to the leaf's interval; only computed when
    /// the model has monotone constraints.
    pub(super) left_output: f64,
    pub(super) right_output: f64,
}

/// What a leaf's split search must respect when the model has monotone constraints.
#[derive(Debug, Clone, Copy)]
pub(super) struct Constraint {
    /// The leaf's output interval.
    pub(super) bounds: Bounds,
    /// The direction of the feature searched (`0`: unconstrained feature).
    pub(super) direction: i8,
}

/// Gain term and output of a set of rows whose output must stay in `bounds`: the Newton output
/// `-G / D` clamped, and `G² / D` when it was inside the interval, else the loss reduction at the
/// clamped output, `-(2 G o + D o²)` (LightGBM's gain given an output).
pub(super) fn bounded_gain(s: &BinStats, denom: f64, bounds: Bounds) -> (f64, f64) {
    let raw = if denom > 0.0 { -s.grad / denom } else { 0.0 };
    let out = bounds.clamp(raw);
    if out == raw && denom > 0.0 {
        (s.grad * s.grad / denom, out)
    } else {
        (-(2.0 * s.grad * out + denom * out * out), out)
    }
}

/// Gain of a candidate split in a model with monotone constraints, with its direction and its
/// children's outputs clamped to the leaf's interval; `None` when the outputs go against the
/// direction. A numeric split is constrained even when only missing rows went right in
/// training: values above the threshold go right at prediction.
fn scored(
    cfg: &GrowConfig,
    left: &BinStats,
    right: &BinStats,
    lambda_extra: f64,
    parent_gain: f64,
    c: Constraint,
) -> Option<(f64, i8, f64, f64)> {
    let lambda = cfg.reg_lambda + lambda_extra;
    let (gl, ol) = bounded_gain(left, left.hess + lambda, c.bounds);
    let (gr, or) = bounded_gain(right, right.hess + lambda, c.bounds);
    if !Bounds::ordered(c.direction, ol, or) {
        return None;
    }
    Some((gl + gr - parent_gain, c.direction, ol, or))
}

/// The best split of one feature: scans thresholds over the value bins, trying missing rows
/// (bin 0) on each side; `None` when no split satisfies the constraints with a positive gain
/// above `min_split_gain`.
pub(super) fn best_split_of_feature(
    cfg: &GrowConfig,
    feature: usize,
    hist: &[BinStats],
    total: &BinStats,
    parent_gain: f64,
    constraint: Option<Constraint>,
) -> Option<Split> {
    let missing = hist[MISSING_BIN as usize];
    let values_total = total.minus(&missing);
    let mut best: Option<Split> = None;
    let mut left_values = BinStats::default();
    let mut consider = |left: BinStats, right: BinStats, t: usize, missing_left: bool| {
        if !(cfg.admissible(&left) && cfg.admissible(&right)) {
            return;
        }
        let (gain, direction, left_output, right_output) = match constraint {
            None => (
                cfg.leaf_gain(&left) + cfg.leaf_gain(&right) - parent_gain,
                0,
                0.0,
                0.0,
            ),
            Some(c) => match scored(cfg, &left, &right, 0.0, parent_gain, c) {
                Some(scored) => scored,
                None => return,
            },
        };
        if gain > cfg.min_split_gain && best.is_none_or(|b| gain > b.gain) {
            best = Some(Split {
                feature,
                threshold_bin: t as u8,
                missing_left,
                categories: None,
                gain,
                left,
                right,
                direction,
                left_output,
                right_output,
            });
        }
    };
    for (t, bin) in hist.iter().enumerate().skip(1) {
        left_values.add(bin);
        if left_values.count == 0 {
            continue;
        }
        let right_values = values_total.minus(&left_values);
        if missing.count == 0 {
            if right_values.count == 0 {
                break;
            }
            // No missing rows here: at predict time missing values follow the larger side.
            let missing_left = left_values.count >= right_values.count;
            consider(left_values, right_values, t, missing_left);
        } else {
            let mut with_missing = left_values;
            with_missing.add(&missing);
            consider(with_missing, right_values, t, true);
            let mut right_with_missing = right_values;
            right_with_missing.add(&missing);
            consider(left_values, right_with_missing, t, false);
            if right_values.count == 0 {
                break;
            }
        }
    }
    best
}

/// LightGBM's smoothing of the category ordering statistic `G / (H + CAT_SMOOTH)`; categories
/// with fewer rows are not candidates for the left set.
const CAT_SMOOTH: f64 = 10.0;
/// Extra L2 regularisation in the gain of many-vs-many categorical splits (LightGBM `cat_l2`).
const CAT_L2: f64 = 10.0;
/// Most categories on the left of a many-vs-many split (LightGBM `max_cat_threshold`).
const MAX_CAT_THRESHOLD: usize = 32;
/// Rows a prefix must add before it is evaluated again (LightGBM `min_data_per_group`).
const MIN_DATA_PER_GROUP: u32 = 100;
/// Up to this many categories, splits are one-vs-rest (LightGBM `max_cat_to_onehot`).
const MAX_CAT_TO_ONEHOT: usize = 4;

/// The best categorical split of one feature: one category against the rest when there are few,
/// else the best prefix (from either end, up to [`MAX_CAT_THRESHOLD`] categories) of the
/// categories sorted by `G / (H + CAT_SMOOTH)`. Missing rows always go right.
pub(super) fn best_categorical_split(
    cfg: &GrowConfig,
    feature: usize,
    hist: &[BinStats],
    total: &BinStats,
    parent_gain: f64,
    constraint: Option<Constraint>,
) -> Option<Split> {
    let used: Vec<usize> = (1..hist.len()).filter(|&b| hist[b].count > 0).collect();
    let mut best: Option<Split> = None;
    let mut consider = |left: BinStats, set: [u64; 4], lambda_extra: f64| {
        let right = total.minus(&left);
        if !(cfg.admissible(&left) && cfg.admissible(&right)) {
            return;
        }
        // Category codes have no order: the children inherit the leaf's interval.
        let (gain, left_output, right_output) = match constraint {
            None => {
                let gain_of =
                    |s: &BinStats| s.grad * s.grad / (s.hess + cfg.reg_lambda + lambda_extra);
                (gain_of(&left) + gain_of(&right) - parent_gain, 0.0, 0.0)
            }
            Some(c) => match scored(
                cfg,
                &left,
                &right,
                lambda_extra,
                parent_gain,
                Constraint { direction: 0, ..c },
            ) {
                Some((gain, _, l, r)) => (gain, l, r),
                None => return,
            },
        };
        if gain > cfg.min_split_gain && best.is_none_or(|b| gain > b.gain) {
            best = Some(Split {
                feature,
                threshold_bin: 0,
                missing_left: false,
                categories: Some(set),
                gain,
                left,
                right,
                direction: 0,
                left_output,
                right_output,
            });
        }
    };
    let set_of = |bins: &[usize]| {
        let mut set = [0u64; 4];
        for &b in bins {
            set[b / 64] |= 1 << (b % 64);
        }
        set
    };
    if used.len() <= MAX_CAT_TO_ONEHOT {
        for &b in &used {
            consider(hist[b], set_of(&[b]), 0.0);
        }
        return best;
    }
    let mut candidates: Vec<usize> = used
        .into_iter()
        .filter(|&b| f64::from(hist[b].count) >= CAT_SMOOTH)
        .collect();
    let ratio = |b: usize| hist[b].grad / (hist[b].hess + CAT_SMOOTH);
    candidates.sort_by(|&a, &b| ratio(a).total_cmp(&ratio(b)).then(a.cmp(&b)));
    let max_left = MAX_CAT_THRESHOLD.min(candidates.len().div_ceil(2));
    for reverse in [false, true] {
        let mut left = BinStats::default();
        let mut since_last = 0u32;
        let mut taken = Vec::with_capacity(max_left);
        for k in 0..max_left {
            let b = if reverse {
                candidates[candidates.len() - 1 - k]
            } else {
                candidates[k]
            };
            left.add(&hist[b]);
            taken.push(b);
            since_last += hist[b].count;
            if !cfg.admissible(&left) {
                continue;
            }
            if !cfg.admissible(&total.minus(&left)) {
                break;
            }
            if since_last < MIN_DATA_PER_GROUP {
                continue;
            }
            since_last = 0;
            consider(left, set_of(&taken), CAT_L2);
        }
    }
    best
}
