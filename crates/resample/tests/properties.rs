//! Property tests: the fold and sampler guarantees hold for arbitrary label vectors, fold counts,
//! ratios and seeds, and bad combinations give errors, never panics.

use ndarray::Array2;
use pdscore_resample::{
    RandomOverSamplerParams, RandomUnderSamplerParams, ResampleError, Sampler, SamplingStrategy,
    SmoteParams, StratifiedKFold, stratified_split,
};
use proptest::prelude::*;

fn labels() -> impl Strategy<Value = Vec<bool>> {
    prop::collection::vec(prop::bool::weighted(0.2), 2..250)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn kfold_partitions_rows_and_balances_classes(
        y in labels(), k in 2_usize..8, shuffle: bool, seed: u64,
    ) {
        let folds = StratifiedKFold::new(k).shuffle(shuffle).seed(seed).split(&y);
        let positives = y.iter().filter(|&&v| v).count();
        if positives < k || y.len() - positives < k {
            prop_assert!(folds.is_err());
            return Ok(());
        }
        let folds = folds.unwrap();
        prop_assert_eq!(folds.len(), k);
        let mut times_in_test = vec![0; y.len()];
        for fold in &folds {
            for &row in &fold.test {
                times_in_test[row] += 1;
            }
            prop_assert_eq!(fold.train.len() + fold.test.len(), y.len());
            prop_assert!(fold.train.iter().all(|r| fold.test.binary_search(r).is_err()));
        }
        prop_assert!(times_in_test.iter().all(|&t| t == 1));
        for class in [false, true] {
            let counts: Vec<usize> = folds
                .iter()
                .map(|f| f.test.iter().filter(|&&r| y[r] == class).count())
                .collect();
            prop_assert!(counts.iter().max().unwrap() - counts.iter().min().unwrap() <= 1);
        }
        prop_assert_eq!(folds, StratifiedKFold::new(k).shuffle(shuffle).seed(seed).split(&y).unwrap());
    }

    #[test]
    fn split_keeps_both_classes_on_both_sides(y in labels(), ratio in 0.05_f64..0.95, seed: u64) {
        let positives = y.iter().filter(|&&v| v).count();
        match stratified_split(&y, ratio, seed) {
            Ok((train, test)) => {
                prop_assert_eq!(train.len() + test.len(), y.len());
                for part in [&train, &test] {
                    prop_assert!(part.iter().any(|&r| y[r]) && part.iter().any(|&r| !y[r]));
                }
                let test_pos = test.iter().filter(|&&r| y[r]).count();
                let want = ((positives as f64 * ratio).round() as usize).clamp(1, positives - 1);
                prop_assert_eq!(test_pos, want);
            }
            Err(e) => prop_assert!(positives < 2 || y.len() - positives < 2, "{e}"),
        }
    }

    #[test]
    fn samplers_hit_the_documented_counts_or_return_an_error(
        y in labels(), ratio in 0.01_f64..=1.0, seed: u64, which in 0_usize..3,
    ) {
        let x = Array2::from_shape_fn((y.len(), 3), |(i, j)| ((i * 7 + j * 3) % 11) as f64 + i as f64 * 0.01);
        let strategy = SamplingStrategy::Ratio(ratio);
        let sampler: Box<dyn Sampler> = match which {
            0 => Box::new(RandomOverSamplerParams::new().sampling_strategy(strategy).seed(seed).check().unwrap()),
            1 => Box::new(RandomUnderSamplerParams::new().sampling_strategy(strategy).seed(seed).check().unwrap()),
            _ => Box::new(SmoteParams::new().k_neighbors(3).sampling_strategy(strategy).seed(seed).check().unwrap()),
        };
        let positives = y.iter().filter(|&&v| v).count();
        let (minority, majority) = (positives.min(y.len() - positives), positives.max(y.len() - positives));
        match sampler.fit_resample(x.view(), &y) {
            Ok(out) => {
                let minority_class = positives <= y.len() - positives;
                let got_minority = out.y.iter().filter(|&&v| v == minority_class).count();
                let got_majority = out.len() - got_minority;
                if which == 1 {
                    prop_assert_eq!(got_minority, minority);
                    prop_assert_eq!(got_majority, (minority as f64 / ratio).trunc() as usize);
                } else {
                    prop_assert_eq!(got_majority, majority);
                    let added = (ratio * majority as f64 - minority as f64).trunc() as usize;
                    prop_assert_eq!(got_minority, minority + added);
                }
            }
            Err(ResampleError::SingleClass { .. }) => prop_assert!(minority == 0),
            Err(ResampleError::UnreachableRatio { .. }) => {}
            Err(ResampleError::TooFewRows { count, needed, .. }) => {
                prop_assert!(which == 2 && count < needed);
            }
            Err(e) => prop_assert!(false, "unexpected error {e}"),
        }
    }
}
