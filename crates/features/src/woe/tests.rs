//! Tests of the WoE binning.

use pdscore_ingest::Table;

use super::merge::{Distinct, Group, edge_between, merge_small, monotone, prebins};
use super::*;
use crate::testutil::{boolean, cat, num, row_table, same_bits, schema_of, table};
use crate::{ColumnOutcome, DropReason, FeatureError, FeatureParams, FittedFeatures};

fn fit(params: WoeParams, t: &Table, y: &[bool]) -> FittedFeatures {
    FeatureParams::for_scorecard()
        .woe(Some(params))
        .fit_with_labels(t, &schema_of(t), y)
        .unwrap()
}

fn woe_fit<'a>(fitted: &'a FittedFeatures, column: &str) -> &'a WoeFit {
    let log = fitted
        .fit_log()
        .columns
        .iter()
        .find(|c| c.name == column)
        .unwrap();
    match &log.outcome {
        ColumnOutcome::Woe(fit) => fit,
        other => panic!("{column}: expected WoE, got {other:?}"),
    }
}

/// A deterministic "random" number in [0, 1) for row `i`.
fn u(i: usize) -> f64 {
    // splitmix64's finaliser
    let mut z = (i as u64).wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    (z >> 11) as f64 / (1u64 << 53) as f64
}

/// `n` rows: `x` uniform-ish on 0..1000, default probability rising with `x` (plus noise), so
/// the raw event rate of fine bins is not monotone but its trend is.
fn rising(n: usize) -> (Vec<f64>, Vec<bool>) {
    let x: Vec<f64> = (0..n).map(|i| (u(i) * 1000.0).round()).collect();
    let y = x
        .iter()
        .enumerate()
        .map(|(i, &v)| u(i + 7919 * n) < 0.05 + 0.25 * v / 1000.0)
        .collect();
    (x, y)
}

#[test]
fn woe_and_iv_match_a_hand_computed_example() {
    // A: 4 rows, 1 event; B: 4 rows, 3 events; C: 2 rows, 0 events -> 4 events, 6 non-events.
    let levels = ["A", "A", "A", "A", "B", "B", "B", "B", "C", "C"];
    let y = [
        true, false, false, false, true, true, true, false, false, false,
    ];
    let values: Vec<Option<&str>> = levels.iter().map(|l| Some(*l)).collect();
    let t = table(vec![cat("c", &values)]);
    let fitted = fit(WoeParams::new().min_bin_share(0.0).min_iv(0.0), &t, &y);
    let w = woe_fit(&fitted, "c");
    // WoE = ln((non-events share) / (events share)); C has no event: 0.5 in its place.
    let a = (0.5_f64 / 0.25).ln(); // (3/6) / (1/4)
    let b = ((1.0 / 6.0) / 0.75_f64).ln(); // (1/6) / (3/4)
    let c = ((2.0 / 6.0) / (0.5 / 4.0_f64)).ln(); // (2/6) / (0.5/4)
    let expected = [
        ("A", a, 0.25 * a),
        ("B", b, (1.0 / 6.0 - 0.75) * b),
        ("C", c, (2.0 / 6.0 - 0.125) * c),
    ];
    assert_eq!(w.bins.len(), 3);
    for (bin, (level, woe, iv)) in w.bins.iter().zip(expected) {
        assert_eq!(bin.rule.to_string(), level);
        assert!(
            (bin.woe - woe).abs() < 1e-12,
            "{level}: {} vs {woe}",
            bin.woe
        );
        assert!((bin.iv - iv).abs() < 1e-12, "{level}");
    }
    // By hand: WoE 0.6931, -1.5041, 0.9808; IV 0.17329 + 0.87738 + 0.20434 = 1.25500.
    assert!((a - std::f64::consts::LN_2).abs() < 1e-15 && (b + 1.504_077).abs() < 1e-6);
    assert!((w.iv - 1.255_005).abs() < 1e-5, "{}", w.iv);
    let out = fitted.transform(&t).unwrap();
    assert_eq!(out.names, ["c__woe"]);
    assert_eq!(out.matrix[[0, 0]], a);
    assert_eq!(out.matrix[[9, 0]], c);
}

#[test]
fn numeric_bins_hold_the_minimum_share_and_a_monotone_event_rate() {
    let (x, y) = rising(4000);
    let t = table(vec![num("x", &x)]);
    for share in [0.05, 0.1, 0.2] {
        let fitted = fit(WoeParams::new().min_bin_share(share), &t, &y);
        let w = woe_fit(&fitted, "x");
        assert_eq!(w.trend, MonotonicTrend::Ascending);
        let ranges = &w.bins[..w.n_ranges()];
        assert!(ranges.len() >= 2, "share {share}: {} bins", ranges.len());
        for b in ranges {
            assert!(b.count as f64 >= share * 4000.0, "share {share}: {b:?}");
        }
        for pair in ranges.windows(2) {
            assert!(pair[0].event_rate() < pair[1].event_rate(), "{pair:?}");
            assert!(pair[0].woe > pair[1].woe, "rising rate, falling WoE");
        }
        assert_eq!(w.bins.iter().map(|b| b.count).sum::<usize>(), 4000);
    }
    // Reversed labels: the trend found is descending.
    let flipped: Vec<f64> = x.iter().map(|v| -v).collect();
    let t = table(vec![num("x", &flipped)]);
    let w = woe_fit(&fit(WoeParams::new(), &t, &y), "x").clone();
    assert_eq!(w.trend, MonotonicTrend::Descending);
    for pair in w.bins.windows(2) {
        assert!(pair[0].event_rate() > pair[1].event_rate());
    }
}

#[test]
fn trend_none_keeps_a_non_monotone_shape() {
    // U shape: defaults at both ends.
    let x: Vec<f64> = (0..3000).map(|i| (i % 100) as f64).collect();
    let y: Vec<bool> = (0..3000)
        .map(|i| {
            let v = i % 100;
            !(15..=85).contains(&v) && i % 3 == 0 || i % 29 == 0
        })
        .collect();
    let t = table(vec![num("x", &x)]);
    let free = fit(WoeParams::new().trend(MonotonicTrend::None), &t, &y);
    let w = woe_fit(&free, "x");
    let rates: Vec<f64> = w.bins.iter().map(WoeBin::event_rate).collect();
    let up = rates.windows(2).all(|p| p[0] < p[1]);
    let down = rates.windows(2).all(|p| p[0] > p[1]);
    assert!(!up && !down, "{rates:?}");
    let monotone_iv = woe_fit(&fit(WoeParams::new(), &t, &y), "x").iv;
    assert!(
        w.iv > monotone_iv,
        "the free binning keeps more information"
    );
}

#[test]
fn missing_values_get_their_own_bin() {
    let (mut x, y) = rising(2000);
    for i in (0..2000).step_by(9) {
        x[i] = f64::NAN;
    }
    let t = table(vec![num("x", &x)]);
    let fitted = fit(WoeParams::new(), &t, &y);
    let w = woe_fit(&fitted, "x");
    let missing = &w.bins[w.missing_bin];
    assert_eq!(missing.rule, BinRule::Missing);
    assert_eq!(missing.count, x.iter().filter(|v| v.is_nan()).count());
    assert_eq!(w.bins.last().map(|b| &b.rule), Some(&BinRule::Missing));
    let probe = table(vec![num("x", &[f64::NAN, f64::INFINITY, 500.0])]);
    let out = fitted.transform(&probe).unwrap();
    assert_eq!(out.matrix[[0, 0]], missing.woe);
    assert_eq!(out.matrix[[1, 0]], missing.woe, "infinity is missing");
    assert_eq!(out.log.columns[0].imputed, 2);
    assert_eq!(out.log.columns[0].non_finite, 1);

    // No missing cell in training: a missing cell later gets the bin with the WoE closest to 0.
    let (x, y) = rising(2000);
    let t = table(vec![num("x", &x)]);
    let fitted = fit(WoeParams::new(), &t, &y);
    let w = woe_fit(&fitted, "x");
    assert!(w.bins.iter().all(|b| b.rule != BinRule::Missing));
    let closest = w
        .bins
        .iter()
        .map(|b| b.woe.abs())
        .fold(f64::INFINITY, f64::min);
    assert_eq!(w.bins[w.missing_bin].woe.abs(), closest);
}

#[test]
fn special_values_get_their_own_bins() {
    let (mut x, y) = rising(3000);
    for i in (0..3000).step_by(7) {
        x[i] = -1.0;
    }
    for i in (3..3000).step_by(50) {
        x[i] = 9999.0;
    }
    let t = table(vec![num("x", &x)]);
    let params = WoeParams::new().special_values("x", vec![-1.0, 9999.0, 12345.0]);
    let fitted = fit(params, &t, &y);
    let w = woe_fit(&fitted, "x");
    let specials: Vec<(f64, usize)> = w
        .bins
        .iter()
        .filter_map(|b| match b.rule {
            BinRule::Special { value } => Some((value, b.count)),
            _ => None,
        })
        .collect();
    let count = |v: f64| x.iter().filter(|&&a| a == v).count();
    // 12345 never occurs: no bin for it.
    assert_eq!(specials, [(-1.0, count(-1.0)), (9999.0, count(9999.0))]);
    // The range bins never saw a special value: 9999 does not stretch the last range.
    let range = w.training_range.unwrap();
    assert!(range.min >= 0.0 && range.max <= 1000.0, "{range:?}");
    assert_eq!(w.numeric_bin(-1.0), w.n_ranges());
    assert_eq!(w.numeric_bin(9999.0), w.n_ranges() + 1);
    let probe = table(vec![num("x", &[-1.0, 9999.0, -2.0])]);
    let out = fitted.transform(&probe).unwrap();
    assert_eq!(out.matrix[[0, 0]], w.bins[w.n_ranges()].woe);
    assert_eq!(out.matrix[[1, 0]], w.bins[w.n_ranges() + 1].woe);
    assert_eq!(
        out.matrix[[2, 0]],
        w.bins[0].woe,
        "-2 is an ordinary low value"
    );
    assert!(
        WoeParams::new()
            .special_values("x", vec![f64::NAN])
            .check()
            .is_err()
    );
}

#[test]
fn rare_and_unseen_levels_go_to_the_other_bin() {
    let mut values = Vec::new();
    let mut y = Vec::new();
    for i in 0..1000 {
        let level = match i % 100 {
            0..=44 => "a",
            45..=89 => "b",
            90..=92 => "r1",
            93..=95 => "r2",
            _ => "r3",
        };
        values.push(Some(level));
        y.push(match level {
            "a" => i % 10 == 0,
            "b" => i % 4 == 0,
            _ => i % 2 == 0,
        });
    }
    values[50] = None;
    let t = table(vec![cat("shop", &values)]);
    let fitted = fit(WoeParams::new(), &t, &y);
    let w = woe_fit(&fitted, "shop");
    let rules: Vec<String> = w.bins.iter().map(|b| b.rule.to_string()).collect();
    assert_eq!(rules, ["a", "b", "other (r3, r1, r2)", "missing"]);
    assert_eq!(w.unseen_bin, Some(2));
    let probe = table(vec![cat(
        "shop",
        &[Some("r2"), Some("never seen"), None, Some("b")],
    )]);
    let out = fitted.transform(&probe).unwrap();
    assert_eq!(out.matrix[[0, 0]], w.bins[2].woe);
    assert_eq!(
        out.matrix[[1, 0]],
        w.bins[2].woe,
        "unseen level -> other bin"
    );
    assert_eq!(out.matrix[[2, 0]], w.bins[3].woe);
    assert_eq!(out.matrix[[3, 0]], w.bins[1].woe);
    assert_eq!(out.log.columns[0].unknown, 1);
    assert_eq!(out.log.columns[0].unknown_levels[0].level, "never seen");
    // Strict mode: an unseen level is an error naming it.
    let strict = FeatureParams::for_scorecard()
        .strict_unknown(true)
        .fit_with_labels(&t, &schema_of(&t), &y)
        .unwrap();
    assert!(matches!(
        strict.transform(&probe),
        Err(FeatureError::UnknownCategory { row: 1, .. })
    ));
}

#[test]
fn without_rare_levels_unseen_levels_get_the_least_evident_bin() {
    let values: Vec<Option<&str>> = (0..900)
        .map(|i| Some(["low", "mid", "high"][i % 3]))
        .collect();
    let y: Vec<bool> = (0..900)
        .map(|i| match i % 3 {
            0 => i % 30 == 0,
            1 => i % 5 == 1,
            _ => i % 2 == 0,
        })
        .collect();
    let t = table(vec![cat("risk", &values)]);
    let fitted = fit(WoeParams::new(), &t, &y);
    let w = woe_fit(&fitted, "risk");
    let unseen = w.unseen_bin.unwrap();
    let closest = w
        .bins
        .iter()
        .map(|b| b.woe.abs())
        .fold(f64::INFINITY, f64::min);
    assert_eq!(w.bins[unseen].woe.abs(), closest);
    assert_eq!(w.bins[unseen].rule.to_string(), "mid");
    assert_eq!(w.level_bin(Some("new")), unseen);
}

#[test]
fn a_small_other_bin_joins_the_level_with_the_closest_event_rate() {
    let mut values = Vec::new();
    let mut y = Vec::new();
    for i in 0..1000 {
        let level = if i < 10 {
            "rare"
        } else if i % 2 == 0 {
            "a"
        } else {
            "b"
        };
        values.push(Some(level));
        y.push(match level {
            "rare" => i % 2 == 0,
            "a" => i % 20 == 0,
            _ => i % 3 == 0,
        });
    }
    let t = table(vec![cat("c", &values)]);
    let w = woe_fit(&fit(WoeParams::new(), &t, &y), "c").clone();
    // rare (rate 0.5) is closer to b (about 1/3) than to a (0.1).
    let rules: Vec<String> = w.bins.iter().map(|b| b.rule.to_string()).collect();
    assert_eq!(rules, ["a", "b, other (rare)"]);
    assert_eq!(w.unseen_bin, Some(1));
    assert_eq!(w.bins[1].count, 505);
}

#[test]
fn booleans_are_two_levels() {
    let values: Vec<Option<bool>> = (0..600)
        .map(|i| if i % 50 == 0 { None } else { Some(i % 3 == 0) })
        .collect();
    let y: Vec<bool> = (0..600)
        .map(|i| if i % 3 == 0 { i % 2 == 0 } else { i % 9 == 1 })
        .collect();
    let t = table(vec![boolean("flag", &values)]);
    let fitted = fit(WoeParams::new(), &t, &y);
    let w = woe_fit(&fitted, "flag");
    let rules: Vec<String> = w.bins.iter().map(|b| b.rule.to_string()).collect();
    assert_eq!(rules, ["false", "true", "missing"]);
    let probe = table(vec![boolean("flag", &[Some(false), Some(true), None])]);
    let out = fitted.transform(&probe).unwrap();
    assert_eq!(out.matrix.column(0).to_vec(), w.woes());
}

#[test]
fn low_information_columns_are_dropped_and_logged() {
    let (x, y) = rising(3000);
    let noise: Vec<f64> = (0..3000).map(|i| u(i + 100_000)).collect();
    let t = table(vec![num("x", &x), num("noise", &noise)]);
    let fitted = fit(WoeParams::new(), &t, &y);
    assert_eq!(fitted.output_names(), ["x__woe"]);
    assert_eq!(fitted.required_columns(), ["x"]);
    let dropped: Vec<_> = fitted.fit_log().dropped().collect();
    assert_eq!(dropped.len(), 1);
    let (name, reason, _) = dropped[0];
    assert_eq!(name, "noise");
    let DropReason::LowInformationValue { iv, min_iv } = reason else {
        panic!("{reason:?}")
    };
    assert!(iv < 0.02 && min_iv == 0.02);
    let text = fitted.fit_log().to_string();
    assert!(
        text.contains("noise") && text.contains("information value"),
        "{text}"
    );
    assert!(
        text.contains("WoE,") && text.contains("event rate ascending"),
        "{text}"
    );
    // min_iv 0 keeps it.
    let kept = fit(WoeParams::new().min_iv(0.0), &t, &y);
    assert_eq!(kept.output_names(), ["x__woe", "noise__woe"]);
}

#[test]
fn a_row_alone_gets_the_woe_it_gets_in_the_batch() {
    let (mut x, y) = rising(1500);
    x[3] = f64::NAN;
    let levels: Vec<Option<&str>> = (0..1500)
        .map(|i| {
            if i % 97 == 0 {
                None
            } else {
                Some(["p", "q", "r", "s"][i % 4])
            }
        })
        .collect();
    let t = table(vec![num("x", &x), cat("l", &levels)]);
    let fitted = fit(WoeParams::new().min_iv(0.0), &t, &y);
    let whole = fitted.transform(&t).unwrap();
    let bins = fitted.woe_bin_indices(&t).unwrap();
    assert_eq!(bins.len(), 2);
    for row in 0..t.n_rows() {
        let alone = fitted.transform(&row_table(&t, row)).unwrap();
        for j in 0..2 {
            assert!(
                same_bits(alone.matrix[[0, j]], whole.matrix[[row, j]]),
                "row {row}"
            );
        }
        let alone_bins = fitted.woe_bin_indices(&row_table(&t, row)).unwrap();
        assert_eq!(alone_bins[0].1[0], bins[0].1[row]);
        assert_eq!(alone_bins[1].1[0], bins[1].1[row]);
    }
}

#[test]
fn fitted_woe_round_trips_and_corrupt_state_is_an_error() {
    let (x, y) = rising(1000);
    let t = table(vec![num("x", &x)]);
    let fitted = fit(WoeParams::new(), &t, &y);
    let json = serde_json::to_string(&fitted).unwrap();
    let back: FittedFeatures = serde_json::from_str(&json).unwrap();
    assert_eq!(back, fitted);
    assert_eq!(back.transform(&t).unwrap(), fitted.transform(&t).unwrap());
    let corrupt = json.replacen("\"missing_bin\":", "\"missing_bin\":99", 1);
    let err = serde_json::from_str::<FittedFeatures>(&corrupt).unwrap_err();
    assert!(err.to_string().contains("bin index"), "{err}");
}

#[test]
fn fitting_needs_labels_of_both_classes() {
    let t = table(vec![num("x", &[1.0, 2.0, 3.0])]);
    let s = schema_of(&t);
    let params = FeatureParams::for_scorecard();
    assert_eq!(params.fit(&t, &s), Err(FeatureError::LabelsRequired));
    assert_eq!(
        params.fit_with_labels(&t, &s, &[true]),
        Err(FeatureError::LabelCount { labels: 1, rows: 3 })
    );
    assert_eq!(
        params.fit_with_labels(&t, &s, &[false; 3]),
        Err(FeatureError::SingleClass { events: 0, rows: 3 })
    );
    // Other presets accept and ignore the labels.
    let linear = FeatureParams::for_linear();
    assert_eq!(
        linear.fit_with_labels(&t, &s, &[true, false, true]),
        linear.fit(&t, &s)
    );
    let with_pca = params.pca(Some(crate::PcaComponents::Count(1)));
    assert!(matches!(
        with_pca.check(),
        Err(FeatureError::IncompatibleParameters { .. })
    ));
    for bad in [
        WoeParams::new().prebins(1),
        WoeParams::new().min_bin_share(-0.1),
        WoeParams::new().min_iv(f64::NAN),
    ] {
        assert!(bad.check().is_err());
    }
}

fn d(value: f64, count: usize, events: usize) -> Distinct {
    Distinct {
        value,
        count,
        events,
    }
}

#[test]
fn prebins_are_equal_frequency_and_never_split_a_value() {
    let values: Vec<Distinct> = (0..100).map(|i| d(f64::from(i), 1, 0)).collect();
    let groups = prebins(&values, 20);
    assert_eq!(groups.len(), 20);
    assert!(groups.iter().all(|g| g.count == 5));
    // A value holding 60% of the rows is one bin; the next bin starts at the next quantile.
    let mut heavy = vec![d(0.0, 60, 0)];
    heavy.extend((1..=40).map(|i| d(f64::from(i), 1, 0)));
    let groups = prebins(&heavy, 10);
    assert_eq!(groups[0].count, 60);
    assert!(groups[1..].iter().all(|g| g.count == 10), "{groups:?}");
}

#[test]
fn small_bins_merge_into_the_neighbour_with_the_closer_rate() {
    let g = |first, count, events| Group {
        first,
        last: first,
        count,
        events,
    };
    // The middle bin (rate 0.5) is closer to the right one (0.4) than the left (0.1).
    let merged = merge_small(vec![g(0, 100, 10), g(1, 10, 5), g(2, 100, 40)], 50.0);
    assert_eq!(merged.len(), 2);
    assert_eq!(
        (merged[1].first, merged[1].last, merged[1].count),
        (1, 2, 110)
    );
    let pav = monotone(&[g(0, 10, 1), g(1, 10, 3), g(2, 10, 2), g(3, 10, 5)], true);
    let rates: Vec<usize> = pav.iter().map(|g| g.events).collect();
    assert_eq!(rates, [1, 5, 5]);
}

#[test]
fn edges_are_short_numbers_strictly_between_the_values() {
    assert_eq!(edge_between(23.0, 24.0), 23.5);
    assert_eq!(edge_between(1000.0, 2000.0), 1500.0);
    assert_eq!(edge_between(0.1234, 0.1301), 0.13);
    assert_eq!(edge_between(-5.0, 5.0), 0.0);
    let (a, b) = (1.0, 1.0 + f64::EPSILON);
    let e = edge_between(a, b);
    assert!(a <= e && e <= b);
}
