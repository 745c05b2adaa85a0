//! The conformance suite every sampler passes (in the spirit of imbalanced-learn's estimator
//! checks): exact class counts, provenance of every output row, SMOTE's geometry, determinism,
//! and errors for bad input.

use std::ops::Range;

use ndarray::{Array2, ArrayView2, Axis, s};
use pdscore_resample::{
    RandomOverSamplerParams, RandomUnderSamplerParams, ResampleError, Resampled, Sampler,
    SamplerSpec, SamplingStrategy, SmoteParams,
};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

const K: usize = 5;

/// Continuous columns 0..3, then one-hot groups 3..6 (always one hot) and 6..8 (may be all zero,
/// like a dropped reference level).
fn groups() -> Vec<Range<usize>> {
    vec![3..6, 6..8]
}

/// `n` rows, about `share` positives, 8 columns as described in [`groups`].
fn data(n: usize, share: f64, seed: u64) -> (Array2<f64>, Vec<bool>) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let y: Vec<bool> = (0..n)
        .map(|i| i < 2 || (i > 3 && rng.gen_bool(share)))
        .collect();
    let mut x = Array2::zeros((n, 8));
    for (i, mut row) in x.axis_iter_mut(Axis(0)).enumerate() {
        let shift = if y[i] { 1.5 } else { 0.0 };
        for c in 0..3 {
            row[c] = rng.gen_range(-1.0..1.0) + shift * c as f64;
        }
        row[3 + rng.gen_range(0..3)] = 1.0;
        match rng.gen_range(0..3) {
            0 => row[6] = 1.0,
            1 => row[7] = 1.0,
            _ => {}
        }
    }
    (x, y)
}

struct Case {
    name: &'static str,
    build: fn(SamplingStrategy, u64) -> SamplerSpec,
    oversampler: bool,
    categorical: bool,
}

fn cases() -> Vec<Case> {
    vec![
        Case {
            name: "random_over",
            build: |s, seed| {
                SamplerSpec::RandomOverSampler(
                    RandomOverSamplerParams::new()
                        .sampling_strategy(s)
                        .seed(seed),
                )
            },
            oversampler: true,
            categorical: false,
        },
        Case {
            name: "random_under",
            build: |s, seed| {
                SamplerSpec::RandomUnderSampler(
                    RandomUnderSamplerParams::new()
                        .sampling_strategy(s)
                        .seed(seed),
                )
            },
            oversampler: false,
            categorical: false,
        },
        Case {
            name: "smote",
            build: |s, seed| {
                SamplerSpec::Smote(
                    SmoteParams::new()
                        .k_neighbors(K)
                        .sampling_strategy(s)
                        .seed(seed),
                )
            },
            oversampler: true,
            categorical: false,
        },
        Case {
            name: "smote_nc",
            build: |s, seed| {
                SamplerSpec::Smote(
                    SmoteParams::new()
                        .k_neighbors(K)
                        .sampling_strategy(s)
                        .seed(seed)
                        .categorical_groups(groups()),
                )
            },
            oversampler: true,
            categorical: true,
        },
    ]
}

fn strategies() -> [SamplingStrategy; 4] {
    [
        SamplingStrategy::Auto,
        SamplingStrategy::Ratio(1.0),
        SamplingStrategy::Ratio(0.5),
        SamplingStrategy::Ratio(0.3333),
    ]
}

fn bytes(out: &Resampled) -> Vec<u64> {
    let mut b: Vec<u64> = out.x.iter().map(|v| v.to_bits()).collect();
    b.extend(out.sample_indices.iter().map(|&i| i as u64));
    b.extend(out.y.iter().map(|&v| u64::from(v)));
    b
}

/// Expected (minority, majority) counts after resampling, from the documented formulas.
fn expected_counts(
    minority: usize,
    majority: usize,
    ratio: f64,
    oversampler: bool,
) -> (usize, usize) {
    if oversampler {
        let added = (ratio * majority as f64 - minority as f64).trunc() as usize;
        (minority + added, majority)
    } else {
        (minority, (minority as f64 / ratio).trunc() as usize)
    }
}

#[test]
fn class_counts_match_the_strategy_exactly() {
    for flip in [false, true] {
        let (x, mut y) = data(400, 0.08, 1);
        if flip {
            // The positive class becomes the majority: the samplers must follow the counts.
            for label in &mut y {
                *label = !*label;
            }
        }
        let positives = y.iter().filter(|&&v| v).count();
        let (minority_class, minority, majority) = if positives <= y.len() - positives {
            (true, positives, y.len() - positives)
        } else {
            (false, y.len() - positives, positives)
        };
        for case in cases() {
            for strategy in strategies() {
                let sampler = (case.build)(strategy, 3).build().unwrap();
                let out = sampler.fit_resample(x.view(), &y).unwrap();
                let got_minority = out.y.iter().filter(|&&v| v == minority_class).count();
                let want = expected_counts(minority, majority, strategy.ratio(), case.oversampler);
                assert_eq!(
                    (got_minority, out.len() - got_minority),
                    want,
                    "{} {strategy:?} flip={flip}",
                    case.name
                );
                assert_eq!(out.x.nrows(), out.len());
                assert_eq!(out.sample_indices.len(), out.len());
            }
        }
    }
}

#[test]
fn every_output_row_points_at_a_real_row_and_copies_equal_their_source() {
    let (x, y) = data(300, 0.1, 2);
    for case in cases() {
        let out = (case.build)(SamplingStrategy::Ratio(0.5), 8)
            .build()
            .unwrap()
            .fit_resample(x.view(), &y)
            .unwrap();
        for (row, &source) in out.sample_indices.iter().enumerate() {
            assert!(source < x.nrows(), "{}", case.name);
            assert_eq!(out.y[row], y[source], "{}: label of row {row}", case.name);
            if !out.is_synthetic(row) {
                assert_eq!(out.x.row(row), x.row(source), "{}: row {row}", case.name);
            }
        }
        if case.name.starts_with("random") {
            assert_eq!(out.n_synthetic, 0);
        }
    }
}

#[test]
fn oversamplers_keep_every_input_row_first_and_undersampler_keeps_every_minority_row() {
    let (x, y) = data(300, 0.1, 3);
    let n = x.nrows();
    for case in cases() {
        let out = (case.build)(SamplingStrategy::Auto, 1)
            .build()
            .unwrap()
            .fit_resample(x.view(), &y)
            .unwrap();
        if case.oversampler {
            assert_eq!(out.x.slice(s![..n, ..]), x, "{}", case.name);
            assert_eq!(out.sample_indices[..n], (0..n).collect::<Vec<_>>()[..]);
            assert!(
                out.y[n..].iter().all(|&v| v),
                "{}: only minority rows are added",
                case.name
            );
        } else {
            let minority_rows: Vec<usize> = (0..n).filter(|&i| y[i]).collect();
            let kept_minority: Vec<usize> = out
                .sample_indices
                .iter()
                .copied()
                .filter(|&i| y[i])
                .collect();
            assert_eq!(kept_minority, minority_rows);
            let mut dedup = out.sample_indices.clone();
            dedup.dedup();
            assert_eq!(
                dedup, out.sample_indices,
                "rows are kept once, in input order"
            );
            assert!(out.sample_indices.is_sorted());
        }
    }
}

/// The `k` nearest minority rows (input row indices) of minority row `row`, by brute force, with
/// SMOTE-NC's scaling of the categorical columns when `categorical` is set.
fn neighbours_of(x: ArrayView2<'_, f64>, y: &[bool], row: usize, categorical: bool) -> Vec<usize> {
    let minority: Vec<usize> = (0..y.len()).filter(|&i| y[i]).collect();
    let mut scale = vec![1.0; x.ncols()];
    if categorical {
        let mut stds: Vec<f64> = (0..3)
            .map(|c| {
                let v: Vec<f64> = minority.iter().map(|&i| x[[i, c]]).collect();
                let mean = v.iter().sum::<f64>() / v.len() as f64;
                (v.iter().map(|a| (a - mean).powi(2)).sum::<f64>() / v.len() as f64).sqrt()
            })
            .collect();
        stds.sort_by(f64::total_cmp);
        scale[3..].fill(stds[1] / std::f64::consts::SQRT_2);
    }
    let mut d: Vec<(f64, usize)> = minority
        .iter()
        .filter(|&&j| j != row)
        .map(|&j| {
            let dist = (0..x.ncols())
                .map(|c| (x[[j, c]] * scale[c] - x[[row, c]] * scale[c]).powi(2))
                .sum();
            (dist, j)
        })
        .collect();
    d.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    d[..K].iter().map(|&(_, j)| j).collect()
}

/// Whether `z` lies on the segment from `a` to `b` in `columns`.
fn on_segment(z: &[f64], a: &[f64], b: &[f64], columns: &[usize]) -> bool {
    let Some(&widest) = columns
        .iter()
        .max_by(|&&i, &&j| (b[i] - a[i]).abs().total_cmp(&(b[j] - a[j]).abs()))
    else {
        return false;
    };
    let span = b[widest] - a[widest];
    let t = if span == 0.0 {
        0.0
    } else {
        (z[widest] - a[widest]) / span
    };
    (0.0..=1.0).contains(&t)
        && columns.iter().all(|&c| {
            (z[c] - (a[c] + t * (b[c] - a[c]))).abs() <= 1e-12 * (1.0 + a[c].abs() + b[c].abs())
        })
}

#[test]
fn synthetic_rows_lie_between_a_minority_row_and_one_of_its_k_nearest_neighbours() {
    let (x, y) = data(400, 0.1, 4);
    for case in cases().into_iter().filter(|c| c.name.starts_with("smote")) {
        let out = (case.build)(SamplingStrategy::Auto, 5)
            .build()
            .unwrap()
            .fit_resample(x.view(), &y)
            .unwrap();
        assert!(out.n_synthetic > 200);
        let continuous: Vec<usize> = if case.categorical {
            vec![0, 1, 2]
        } else {
            (0..8).collect()
        };
        for row in out.len() - out.n_synthetic..out.len() {
            let seed = out.sample_indices[row];
            assert!(y[seed], "the seed row is a minority row");
            let z = out.x.row(row).to_vec();
            let a = x.row(seed).to_vec();
            let neighbours = neighbours_of(x.view(), &y, seed, case.categorical);
            let between = neighbours
                .iter()
                .filter(|&&b| on_segment(&z, &a, &x.row(b).to_vec(), &continuous))
                .count();
            assert!(
                between >= 1,
                "{}: row {row} is not between {seed} and a neighbour",
                case.name
            );
            if case.categorical {
                for group in groups() {
                    let pattern = &z[group.clone()];
                    let count_of = |p: &[f64]| {
                        neighbours
                            .iter()
                            .filter(|&&b| x.slice(s![b, group.clone()]).to_vec() == p)
                            .count()
                    };
                    let best = neighbours
                        .iter()
                        .map(|&b| count_of(&x.slice(s![b, group.clone()]).to_vec()))
                        .max()
                        .unwrap();
                    assert_eq!(
                        count_of(pattern),
                        best,
                        "the group holds the modal neighbour pattern"
                    );
                }
            }
        }
    }
}

#[test]
fn plain_smote_interpolates_one_hot_columns_and_smote_nc_keeps_them_one_hot() {
    let (x, y) = data(400, 0.1, 6);
    let plain = SmoteParams::new()
        .seed(2)
        .check()
        .unwrap()
        .fit_resample(x.view(), &y)
        .unwrap();
    let nc = SmoteParams::new()
        .seed(2)
        .categorical_groups(groups())
        .check()
        .unwrap()
        .fit_resample(x.view(), &y)
        .unwrap();
    let fractional = |out: &Resampled| {
        out.x
            .slice(s![x.nrows().., 3..])
            .iter()
            .filter(|&&v| v != 0.0 && v != 1.0)
            .count()
    };
    assert!(
        fractional(&plain) > 0,
        "plain SMOTE treats every column as continuous"
    );
    assert_eq!(fractional(&nc), 0);
    for row in nc.x.slice(s![x.nrows().., 3..6]).rows() {
        assert_eq!(row.sum(), 1.0);
    }
}

#[test]
fn same_seed_gives_same_bytes_and_different_seeds_differ() {
    let (x, y) = data(300, 0.1, 7);
    for case in cases() {
        let run = |seed| {
            (case.build)(SamplingStrategy::Auto, seed)
                .build()
                .unwrap()
                .fit_resample(x.view(), &y)
                .unwrap()
        };
        assert_eq!(bytes(&run(11)), bytes(&run(11)), "{}", case.name);
        assert_ne!(bytes(&run(11)), bytes(&run(12)), "{}", case.name);
    }
}

#[test]
fn output_does_not_depend_on_thread_count_or_memory_layout() {
    let (x, y) = data(300, 0.1, 8);
    let fortran = x.t().as_standard_layout().t().to_owned();
    assert!(!fortran.is_standard_layout());
    for case in cases() {
        let sampler = (case.build)(SamplingStrategy::Auto, 4).build().unwrap();
        let reference = sampler.fit_resample(x.view(), &y).unwrap();
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap();
        let single = pool.install(|| sampler.fit_resample(x.view(), &y).unwrap());
        assert_eq!(bytes(&reference), bytes(&single), "{}", case.name);
        let column_major = sampler.fit_resample(fortran.view(), &y).unwrap();
        assert_eq!(bytes(&reference), bytes(&column_major), "{}", case.name);
    }
}

#[test]
fn bad_input_is_an_error_not_a_panic() {
    let (x, y) = data(100, 0.2, 9);
    for case in cases() {
        let sampler = (case.build)(SamplingStrategy::Auto, 0).build().unwrap();
        for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            let mut dirty = x.clone();
            dirty[[17, 2]] = bad;
            assert!(
                matches!(
                    sampler.fit_resample(dirty.view(), &y),
                    Err(ResampleError::NonFinite {
                        row: 17,
                        column: 2,
                        ..
                    })
                ),
                "{}",
                case.name
            );
        }
        assert_eq!(
            sampler.fit_resample(x.view(), &y[1..]),
            Err(ResampleError::LengthMismatch {
                x_rows: 100,
                y_len: 99
            })
        );
        assert!(matches!(
            sampler.fit_resample(x.view(), &[false; 100]),
            Err(ResampleError::SingleClass {
                positives: 0,
                rows: 100
            })
        ));
        assert_eq!(
            sampler.fit_resample(Array2::zeros((0, 8)).view(), &[]),
            Err(ResampleError::Empty)
        );
        for bad_ratio in [0.0, -1.0, 1.01, f64::NAN] {
            assert!(matches!(
                (case.build)(SamplingStrategy::Ratio(bad_ratio), 0).build(),
                Err(ResampleError::InvalidParam {
                    name: "sampling_strategy",
                    ..
                })
            ));
        }
    }
}

#[test]
fn spec_round_trips_through_json_and_rebuilds_the_same_sampler() {
    let (x, y) = data(200, 0.1, 10);
    for case in cases() {
        let spec = (case.build)(SamplingStrategy::Ratio(0.5), 21);
        let sampler = spec.build().unwrap();
        assert_eq!(sampler.spec(), spec);
        let json = serde_json::to_string(&spec).unwrap();
        let rebuilt: SamplerSpec = serde_json::from_str(&json).unwrap();
        assert_eq!(rebuilt, spec, "{}: {json}", case.name);
        assert_eq!(
            bytes(&rebuilt.build().unwrap().fit_resample(x.view(), &y).unwrap()),
            bytes(&sampler.fit_resample(x.view(), &y).unwrap())
        );
    }
}
