//! Property tests of the calibration and credit metrics: bounds, invariances and fits that
//! are exact by construction.

use pdscore_metrics::{
    MasterScale, MetricsError, RankedScores, calibration_intercept_slope,
    expected_calibration_error, hosmer_lemeshow, jeffreys_p_value, ks_statistic, roc_auc_score,
};
use proptest::prelude::*;

/// Labels with both classes and probabilities on the dyadic grid k/64 (many ties, and `1 − p`
/// exact), with optional weights (some zero).
fn labelled() -> impl Strategy<Value = (Vec<bool>, Vec<f64>, Option<Vec<f64>>)> {
    (2_usize..150).prop_flat_map(|n| {
        (
            prop::collection::vec(any::<bool>(), n),
            prop::collection::vec(0_u32..=64, n),
            prop::option::of(prop::collection::vec(
                prop_oneof![Just(0.0), 0.01_f64..5.0],
                n,
            )),
        )
            .prop_map(|(mut y, grid, mut weights)| {
                y[0] = true;
                y[1] = false;
                if let Some(w) = weights.as_mut() {
                    w[0] = 1.0;
                    w[1] = 1.0;
                }
                let p = grid.iter().map(|&k| f64::from(k) / 64.0).collect();
                (y, p, weights)
            })
    })
}

/// Groups calibrated by construction: group `g` has `size` rows at PD `positives_g / size`
/// with exactly `positives_g` defaults, the PDs increasing from group to group.
fn calibrated_groups() -> impl Strategy<Value = (usize, Vec<bool>, Vec<f64>)> {
    (2_usize..40).prop_flat_map(|size| {
        prop::collection::btree_set(0..=size, 2..=(size + 1).min(12)).prop_map(move |positives| {
            let (mut y, mut p) = (Vec::new(), Vec::new());
            for &k in &positives {
                for row in 0..size {
                    y.push(row < k);
                    p.push(k as f64 / size as f64);
                }
            }
            (positives.len(), y, p)
        })
    })
}

/// Weighted CDF of the scores of one class at `t`: the (weighted) share with score `<= t`.
fn class_cdf(y: &[bool], s: &[f64], w: Option<&[f64]>, class: bool, t: f64) -> f64 {
    let weight = |i: usize| w.map_or(1.0, |w| w[i]);
    let of_class = (0..y.len()).filter(|&i| y[i] == class);
    let total: f64 = of_class.clone().map(weight).sum();
    of_class.filter(|&i| s[i] <= t).map(weight).sum::<f64>() / total
}

proptest! {
    #![proptest_config(ProptestConfig {
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn ece_is_zero_on_calibrated_groups((groups, y, p) in calibrated_groups()) {
        let ece = expected_calibration_error(&y, &p, groups).expect("ece");
        prop_assert!(ece.abs() <= 1e-15, "ece {ece}");
        // ... and, when no PD is 0 or 1 (those are clipped, so no longer calibrated), the
        // intercept and slope are exactly (0, 1): the score equations Σ (y − p) = 0 and
        // Σ (y − p) logit p = 0 hold group by group, and every group mixes both classes.
        if p.iter().all(|&v| v > 0.0 && v < 1.0) {
            let fit = calibration_intercept_slope(&y, &p).expect("a finite fit");
            prop_assert!(fit.intercept.abs() < 1e-9, "{fit:?}");
            prop_assert!(fit.slope_intercept.abs() < 1e-9, "{fit:?}");
            prop_assert!((fit.slope - 1.0).abs() < 1e-9, "{fit:?}");
        }
    }

    #[test]
    fn fit_exists_exactly_when_the_classes_overlap((y, p, _) in labelled()) {
        let extreme = |class: bool, pick: fn(f64, f64) -> f64, start: f64| {
            p.iter().zip(&y).filter(|&(_, &c)| c == class).fold(start, |m, (&v, _)| pick(m, v))
        };
        let overlap = extreme(false, f64::max, 0.0) > extreme(true, f64::min, 1.0)
            && extreme(true, f64::max, 0.0) > extreme(false, f64::min, 1.0);
        match calibration_intercept_slope(&y, &p) {
            Ok(fit) => {
                prop_assert!(overlap);
                // The score equations of both fits hold at the estimates.
                let logit = |v: f64| {
                    let v = v.clamp(1e-15, 1.0 - 1e-15);
                    (v / (1.0 - v)).ln()
                };
                let (mut free, mut free_z, mut offset) = (0.0, 0.0, 0.0);
                for (&label, &v) in y.iter().zip(&p) {
                    let z = logit(v);
                    let residual = |eta: f64| f64::from(u8::from(label)) - 1.0 / (1.0 + (-eta).exp());
                    free += residual(fit.slope_intercept + fit.slope * z);
                    free_z += residual(fit.slope_intercept + fit.slope * z) * z;
                    offset += residual(fit.intercept + z);
                }
                let n = y.len() as f64;
                prop_assert!(free.abs() < 1e-9 * n && offset.abs() < 1e-9 * n, "{fit:?}");
                prop_assert!(free_z.abs() < 1e-7 * n, "{fit:?}: {free_z}");
            }
            Err(MetricsError::NoFiniteFit { .. }) => prop_assert!(!overlap),
            Err(other) => prop_assert!(false, "{other}"),
        }
    }

    #[test]
    fn ece_and_hosmer_lemeshow_are_bounded((y, p, _) in labelled(), bins in 1_usize..20) {
        let ece = expected_calibration_error(&y, &p, bins).expect("ece");
        prop_assert!((0.0..=1.0).contains(&ece), "ece {ece}");
        if let Ok(hl) = hosmer_lemeshow(&y, &p, bins) {
            prop_assert!(hl.statistic >= 0.0);
            prop_assert!((0.0..=1.0).contains(&hl.p_value), "{hl:?}");
            prop_assert_eq!(hl.groups, bins.min(y.len()));
            prop_assert_eq!(hl.df, hl.groups - 2);
        } else {
            prop_assert!(bins < 3 || y.len() < 3);
        }
    }

    #[test]
    fn gini_and_ks_are_consistent((y, s, w) in labelled()) {
        let w = w.as_deref();
        let ranked = RankedScores::new(&y, &s, w).expect("valid");
        let auc = roc_auc_score(&y, &s, w).expect("auc");
        prop_assert_eq!(ranked.gini().expect("gini"), 2.0 * auc - 1.0);
        let ks = ranked.ks_statistic().expect("ks");
        prop_assert!((0.0..=1.0).contains(&ks), "ks {ks}");
        prop_assert_eq!(ks_statistic(&y, &s, w).expect("ks"), ks);
        // The two-sample statistic by brute force, at every distinct score.
        let brute = s
            .iter()
            .map(|&t| (class_cdf(&y, &s, w, true, t) - class_cdf(&y, &s, w, false, t)).abs())
            .fold(0.0, f64::max);
        prop_assert!((ks - brute).abs() <= 1e-12, "{ks} vs {brute}");
        // Reversing the scores mirrors the curve, not the largest gap.
        let reversed: Vec<f64> = s.iter().map(|v| 1.0 - v).collect();
        let ks_reversed = ks_statistic(&y, &reversed, w).expect("ks");
        prop_assert!((ks_reversed - ks).abs() <= 1e-12, "{ks_reversed} vs {ks}");
    }

    #[test]
    fn jeffreys_p_value_is_monotone(
        count in 1_u64..5000,
        share in 0.0_f64..=1.0,
        pds in prop::collection::vec(0.0_f64..=1.0, 2..8),
    ) {
        let defaults = (share * count as f64).round() as u64;
        let mut pds = pds;
        pds.sort_by(f64::total_cmp);
        let values: Vec<f64> = pds
            .iter()
            .map(|&pd| jeffreys_p_value(defaults, count, pd).expect("valid"))
            .collect();
        prop_assert!(values.iter().all(|v| (0.0..=1.0).contains(v)));
        prop_assert!(values.windows(2).all(|w| w[0] <= w[1]), "{pds:?} -> {values:?}");
        // More defaults at the same PD: the PD looks worse, the p-value falls.
        if defaults < count {
            let pd = pds[0];
            let more = jeffreys_p_value(defaults + 1, count, pd).expect("valid");
            prop_assert!(more <= values[0], "{more} > {}", values[0]);
        }
    }

    #[test]
    fn grades_agree_with_their_bounds(
        edges in prop::collection::btree_set(1_u32..1000, 1..10),
        pds in prop::collection::vec(0.0_f64..=1.0, 1..30),
    ) {
        let edges: Vec<f64> = edges.iter().map(|&e| f64::from(e) / 1000.0).collect();
        let scale = MasterScale::new(edges.clone()).expect("valid edges");
        prop_assert_eq!(scale.n_grades(), edges.len() + 1);
        for &pd in pds.iter().chain(&edges) {
            let grade = scale.grade_of(pd);
            let (lower, upper) = scale.bounds(grade);
            prop_assert!((1..=scale.n_grades()).contains(&grade));
            let last = grade == scale.n_grades();
            prop_assert!(lower <= pd && (pd < upper || (last && pd <= upper)), "{pd} in grade {grade}");
            prop_assert_eq!(scale.grade_of(lower), grade);
        }
        let y: Vec<bool> = pds.iter().map(|&p| p > 0.5).collect();
        let rows = scale.table(&y, &pds).expect("table");
        prop_assert_eq!(rows.iter().map(|r| r.count).sum::<u64>(), pds.len() as u64);
        let defaults = y.iter().filter(|&&d| d).count() as u64;
        prop_assert_eq!(rows.iter().map(|r| r.defaults).sum::<u64>(), defaults);
    }
}
