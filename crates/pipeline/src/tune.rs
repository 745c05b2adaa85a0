//! Hyper-parameter tuning nested in each fit of a candidate ([`TuningSpec`]), by successive
//! halving over the inner folds, within the comparison's time budget
//! ([`CvSpec::budget_seconds`](crate::CvSpec::budget_seconds)).
//!
//! Every calibrated fit already splits its training rows into inner folds (to calibrate the
//! model, choose its rounds or epochs, and measure it for the nested selection). A tuned
//! candidate draws a few configurations from its family's search space (its own parameters
//! always first) and races them on those inner folds:
//!
//! 1. every configuration is fitted on the first inner fold's training part and scored on its
//!    held-out part (a GBM or MLP stops early on it, as an untuned one does);
//! 2. the best `1 / eta` by the selection metric (the mean over the folds done so far) go on to
//!    more folds: cumulatively `eta^r` folds at rung `r`, capped at all of them;
//! 3. when one configuration is left, or every fold is done, the best one wins. Its inner fits
//!    are exactly those an untuned candidate would have made, so calibration, the choice of
//!    rounds, the nested selection and the ensemble reuse them: tuning costs only the losing
//!    configurations' fits.
//!
//! With 6 configurations, `eta = 3` and 5 inner folds that is 6 + 2·2 + 1·2 = 12 inner fits
//! instead of 5. When the budget has run out, no configuration is promoted any more: the leader
//! of the last rung finishes its folds and wins ([`TunedParams::cut_by_budget`]), so a
//! comparison past its budget still ends, but which configuration wins then depends on the
//! machine's speed. Within the budget the search is deterministic. A budget that is spent
//! before a fit starts (`--budget-seconds 0`) leaves that fit untuned: the candidate's own
//! parameters.
//!
//! The chosen configuration's inner figures were also what chose it, so they flatter it a
//! little; the outer figures of the comparison stay honest, since the tuning never sees an
//! outer held-out row.
//!
//! ```
//! use pdscore_pipeline::{TuningSpec, default_candidates};
//! let gbm = default_candidates(0).into_iter().find(|c| c.name == "gbm").unwrap();
//! let spec = gbm.tuning.as_ref().expect("the default gbm is tuned");
//! assert!(spec.configs >= 2 && spec.eta >= 2);
//! assert!(TuningSpec::new(1).check().is_ok());
//! ```

use std::time::{Duration, Instant};

use pdscore_models::registry::ModelSpec;
use pdscore_models::trees::MaxFeatures;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::candidate::Candidate;
use crate::error::{PipelineError, Result};

/// How a candidate's hyper-parameters are searched inside each of its fits: successive halving
/// over the inner folds (`docs/tuning.md` tells the whole story).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TuningSpec {
    /// Configurations raced: the candidate's own parameters and `configs - 1` distinct draws
    /// from its family's search space. `>= 1` (1 = no search).
    pub configs: usize,
    /// Each rung keeps the best `1 / eta` of the configurations and gives them `eta` times the
    /// folds. `>= 2`.
    pub eta: usize,
    /// Seed of the draws (the same configurations in every fit).
    pub seed: u64,
}

impl TuningSpec {
    /// `configs` configurations, `eta = 3`, seed 0.
    pub fn new(configs: usize) -> Self {
        TuningSpec {
            configs,
            eta: 3,
            seed: 0,
        }
    }

    /// Sets the reduction factor. Default 3.
    pub fn eta(mut self, eta: usize) -> Self {
        self.eta = eta;
        self
    }

    /// Sets the seed of the draws. Default 0.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Validates the spec.
    ///
    /// # Errors
    /// [`PipelineError::InvalidParam`] for `configs == 0` or `eta < 2`.
    pub fn check(&self) -> Result<()> {
        if self.configs == 0 {
            return Err(PipelineError::InvalidParam {
                name: "tuning.configs",
                value: "0".into(),
                reason: "at least 1 (the candidate's own parameters)".into(),
            });
        }
        if self.eta < 2 {
            return Err(PipelineError::InvalidParam {
                name: "tuning.eta",
                value: self.eta.to_string(),
                reason: "at least 2".into(),
            });
        }
        Ok(())
    }
}

/// What the search of one fit chose.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TunedParams {
    /// The chosen values of the searched parameters (name, value), in search-space order;
    /// empty when the candidate's own parameters won.
    pub chosen: Vec<(String, String)>,
    /// The chosen configuration's mean inner figure of the selection metric (higher is better,
    /// log loss negated), computed on uncalibrated scores.
    pub inner_score: f64,
    /// Configurations raced (1 when the budget was spent before the race began).
    pub configs: usize,
    /// Inner fits made, the winner's included.
    pub inner_fits: usize,
    /// Whether the budget stopped the search before it had finished.
    pub cut_by_budget: bool,
}

impl TunedParams {
    /// `num_leaves=15 learning_rate=0.05`, or `own parameters` when those won.
    pub fn describe(&self) -> String {
        if self.chosen.is_empty() {
            "own parameters".into()
        } else {
            self.chosen
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join(" ")
        }
    }
}

impl TunedParams {
    /// [`TunedParams::describe`] with how it was found: `num_leaves=15 (best of 9
    /// configurations, 17 inner fits)`, and `, cut short by the time budget` when it was.
    pub fn summary(&self) -> String {
        format!(
            "{} (best of {} configuration{}, {} inner fits{})",
            self.describe(),
            self.configs,
            if self.configs == 1 { "" } else { "s" },
            self.inner_fits,
            if self.cut_by_budget {
                ", cut short by the time budget"
            } else {
                ""
            }
        )
    }
}

/// When the comparison's time budget runs out; `None` never.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Deadline(Option<Instant>);

impl Deadline {
    /// `seconds` from now (`f64::INFINITY` or a too-large value never runs out).
    pub fn after(seconds: f64) -> Self {
        Deadline(
            Duration::try_from_secs_f64(seconds.max(0.0))
                .ok()
                .and_then(|d| Instant::now().checked_add(d)),
        )
    }

    fn passed(self) -> bool {
        self.0.is_some_and(|t| Instant::now() >= t)
    }
}

/// One searched parameter: its name and the values drawn from, as text.
struct SearchAxis {
    name: &'static str,
    values: &'static [&'static str],
}

const GBM_SPACE: &[SearchAxis] = &[
    SearchAxis {
        name: "num_leaves",
        values: &["7", "15", "31", "63"],
    },
    SearchAxis {
        name: "learning_rate",
        values: &["0.05", "0.1"],
    },
    SearchAxis {
        name: "min_child_samples",
        values: &["10", "20", "40", "80"],
    },
    SearchAxis {
        name: "reg_lambda",
        values: &["0", "1", "5", "20"],
    },
    SearchAxis {
        name: "colsample_bytree",
        values: &["0.5", "0.75", "1"],
    },
    SearchAxis {
        name: "subsample",
        values: &["0.6", "0.8", "1"],
    },
];

const FOREST_SPACE: &[SearchAxis] = &[
    SearchAxis {
        name: "max_features",
        values: &["sqrt", "0.33", "0.5"],
    },
    SearchAxis {
        name: "min_samples_leaf",
        values: &["1", "3", "10"],
    },
];

const MLP_SPACE: &[SearchAxis] = &[
    SearchAxis {
        name: "hidden_units",
        values: &["16", "32", "64"],
    },
    SearchAxis {
        name: "learning_rate",
        values: &["0.001", "0.003", "0.01"],
    },
];

/// The search space of a model family, `None` for a family that is not tuned.
fn search_space(model: &ModelSpec) -> Option<&'static [SearchAxis]> {
    match model {
        ModelSpec::Gbm(_) => Some(GBM_SPACE),
        ModelSpec::RandomForest(_) => Some(FOREST_SPACE),
        ModelSpec::Mlp(_) => Some(MLP_SPACE),
        _ => None,
    }
}

/// Why `candidate` cannot be tuned, `None` when it can.
pub(crate) fn unsupported(candidate: &Candidate) -> Option<String> {
    if candidate.ensemble.is_some() {
        return Some("an ensemble is not tuned; its members are".into());
    }
    search_space(&candidate.model).is_none().then(|| {
        format!(
            "no search space for the {} family (gbm, random_forest and mlp have one)",
            candidate.model.family()
        )
    })
}

/// `model` with the searched parameter `name` set to `value` (a value of its search axis).
fn set_parameter(model: &ModelSpec, name: &str, value: &str) -> ModelSpec {
    let float = || value.parse::<f64>().expect("search-space values parse");
    let int = || value.parse::<usize>().expect("search-space values parse");
    match (model.clone(), name) {
        (ModelSpec::Gbm(p), "num_leaves") => ModelSpec::Gbm(p.num_leaves(int())),
        (ModelSpec::Gbm(p), "learning_rate") => ModelSpec::Gbm(p.learning_rate(float())),
        (ModelSpec::Gbm(p), "min_child_samples") => ModelSpec::Gbm(p.min_child_samples(int())),
        (ModelSpec::Gbm(p), "reg_lambda") => ModelSpec::Gbm(p.reg_lambda(float())),
        (ModelSpec::Gbm(p), "colsample_bytree") => ModelSpec::Gbm(p.colsample_bytree(float())),
        (ModelSpec::Gbm(p), "subsample") => {
            let share = float();
            let freq = usize::from(share < 1.0);
            ModelSpec::Gbm(p.subsample(share).subsample_freq(freq))
        }
        (ModelSpec::RandomForest(p), "max_features") => {
            ModelSpec::RandomForest(p.max_features(match value {
                "sqrt" => MaxFeatures::Sqrt,
                _ => MaxFeatures::Fraction(float()),
            }))
        }
        (ModelSpec::RandomForest(p), "min_samples_leaf") => {
            ModelSpec::RandomForest(p.min_samples_leaf(int()))
        }
        (ModelSpec::Mlp(p), "hidden_units") => ModelSpec::Mlp(p.hidden_layers(vec![int()])),
        (ModelSpec::Mlp(p), "learning_rate") => ModelSpec::Mlp(p.learning_rate(float())),
        (model, _) => model,
    }
}

/// One configuration raced by the search.
pub(crate) struct Configuration {
    /// The candidate with this configuration's parameters (and no tuning of its own).
    pub candidate: Candidate,
    /// The searched parameters' values; empty for the candidate's own.
    pub params: Vec<(String, String)>,
}

/// The configurations of a tuned candidate: its own parameters first, then `spec.configs - 1`
/// distinct draws from its family's search space (fewer when the space is smaller).
pub(crate) fn configurations(candidate: &Candidate, spec: &TuningSpec) -> Vec<Configuration> {
    let own = Candidate {
        tuning: None,
        ..candidate.clone()
    };
    let mut configs = vec![Configuration {
        candidate: own.clone(),
        params: Vec::new(),
    }];
    let Some(space) = search_space(&candidate.model) else {
        return configs;
    };
    let mut rng = ChaCha8Rng::seed_from_u64(spec.seed);
    let mut drawn: Vec<Vec<usize>> = Vec::new();
    // The space has hundreds of points; a bounded number of draws keeps a tiny space finite.
    for _ in 0..spec.configs.saturating_mul(20) {
        if configs.len() >= spec.configs {
            break;
        }
        let point: Vec<usize> = space
            .iter()
            .map(|axis| rng.gen_range(0..axis.values.len()))
            .collect();
        if drawn.contains(&point) {
            continue;
        }
        let mut model = own.model.clone();
        let mut params = Vec::new();
        for (axis, &v) in space.iter().zip(&point) {
            model = set_parameter(&model, axis.name, axis.values[v]);
            params.push((axis.name.to_owned(), axis.values[v].to_owned()));
        }
        if model == own.model {
            continue;
        }
        drawn.push(point);
        configs.push(Configuration {
            candidate: Candidate {
                model,
                ..own.clone()
            },
            params,
        });
    }
    configs
}

/// The outcome of [`successive_halving`]: the winner's index and its fit of every fold.
pub(crate) struct Raced<T> {
    pub winner: usize,
    pub fits: Vec<T>,
    pub report: TunedParams,
}

/// Races `configs` over `folds` folds (see the [module docs](self)). `fit(config, fold)` fits
/// one configuration on one fold; `score` gives a fit's figure (higher is better). Fits of one
/// rung run in parallel. Ties go to the earlier configuration (the candidate's own first).
///
/// # Errors
/// The first error of a fit.
pub(crate) fn successive_halving<T, F, S>(
    configs: &[Configuration],
    folds: usize,
    eta: usize,
    deadline: Deadline,
    fit: F,
    score: S,
) -> Result<Raced<T>>
where
    T: Send,
    F: Fn(&Candidate, usize) -> Result<T> + Sync,
    S: Fn(&T) -> f64,
{
    let mut fits: Vec<Vec<Option<T>>> = configs
        .iter()
        .map(|_| (0..folds).map(|_| None).collect())
        .collect();
    // A budget spent before the race starts leaves the candidate's own parameters alone.
    let mut cut_by_budget = configs.len() > 1 && deadline.passed();
    let mut alive: Vec<usize> = if cut_by_budget {
        vec![0]
    } else {
        (0..configs.len()).collect()
    };
    let raced = alive.len();
    let mut done_folds = 0;
    let mut inner_fits = 0;
    let mut rung_folds = 1;
    loop {
        let target = rung_folds.min(folds);
        let jobs: Vec<(usize, usize)> = alive
            .iter()
            .flat_map(|&c| (done_folds..target).map(move |f| (c, f)))
            .collect();
        let results: Vec<Result<T>> = jobs
            .par_iter()
            .map(|&(c, f)| fit(&configs[c].candidate, f))
            .collect();
        inner_fits += jobs.len();
        for (&(c, f), result) in jobs.iter().zip(results) {
            fits[c][f] = Some(result?);
        }
        done_folds = target;
        let mean = |c: usize| {
            fits[c][..done_folds]
                .iter()
                .map(|t| score(t.as_ref().expect("fitted")))
                .sum::<f64>()
                / done_folds as f64
        };
        // best first; NaN last; stable, so ties keep the earlier configuration
        let mut ranked: Vec<(usize, f64)> = alive.iter().map(|&c| (c, mean(c))).collect();
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        ranked.sort_by_key(|r| r.1.is_nan());
        if done_folds == folds || ranked.len() == 1 {
            alive = vec![ranked[0].0];
            break;
        }
        if deadline.passed() {
            cut_by_budget = true;
            alive = vec![ranked[0].0];
            break;
        }
        let keep = alive.len().div_ceil(eta).max(1);
        alive = ranked[..keep].iter().map(|r| r.0).collect();
        rung_folds = rung_folds.saturating_mul(eta);
    }
    let winner = alive[0];
    // The winner finishes its folds (only when one was left before the last rung).
    let missing: Vec<usize> = (0..folds).filter(|&f| fits[winner][f].is_none()).collect();
    let rest: Vec<Result<T>> = missing
        .par_iter()
        .map(|&f| fit(&configs[winner].candidate, f))
        .collect();
    inner_fits += missing.len();
    for (&f, result) in missing.iter().zip(rest) {
        fits[winner][f] = Some(result?);
    }
    let fits: Vec<T> = std::mem::take(&mut fits[winner])
        .into_iter()
        .map(|t| t.expect("every fold of the winner is fitted"))
        .collect();
    let inner_score = fits.iter().map(&score).sum::<f64>() / folds as f64;
    Ok(Raced {
        winner,
        fits,
        report: TunedParams {
            chosen: configs[winner].params.clone(),
            inner_score,
            configs: raced,
            inner_fits,
            cut_by_budget,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::candidate::default_candidates;

    fn gbm() -> Candidate {
        default_candidates(0)
            .into_iter()
            .find(|c| c.name == "gbm")
            .unwrap()
    }

    fn configs_with_scores(n: usize) -> Vec<Configuration> {
        configurations(&gbm(), &TuningSpec::new(n))
    }

    #[test]
    fn configurations_start_with_the_own_parameters_and_are_distinct() {
        let configs = configs_with_scores(9);
        assert_eq!(configs.len(), 9);
        assert!(configs[0].params.is_empty());
        assert_eq!(configs[0].candidate.model, gbm().model);
        assert!(configs.iter().all(|c| c.candidate.tuning.is_none()));
        for (i, a) in configs.iter().enumerate() {
            for b in &configs[..i] {
                assert_ne!(a.candidate.model, b.candidate.model);
            }
        }
        // the same seed draws the same configurations
        let again = configs_with_scores(9);
        assert!(
            configs
                .iter()
                .zip(&again)
                .all(|(a, b)| a.params == b.params)
        );
        // a drawn subsample below 1 turns bagging on
        let bagged = configs
            .iter()
            .find(|c| c.params.iter().any(|(k, v)| k == "subsample" && v != "1"))
            .expect("some draw subsamples");
        let ModelSpec::Gbm(p) = &bagged.candidate.model else {
            panic!("a gbm")
        };
        assert!(p.clone().check().is_ok());
        assert!(
            serde_json::to_string(p)
                .unwrap()
                .contains("\"subsample_freq\":1")
        );
    }

    #[test]
    fn halving_finds_the_best_configuration_with_fewer_fits_than_a_grid() {
        let configs = configs_with_scores(9);
        // configuration c scores c on every fold except noise-free: the last one is best
        let fit = |c: &Candidate, f: usize| -> Result<(usize, usize)> {
            let index = configs
                .iter()
                .position(|k| k.candidate.model == c.model)
                .unwrap();
            Ok((index, f))
        };
        let raced = successive_halving(
            &configs,
            5,
            3,
            Deadline::after(f64::INFINITY),
            fit,
            |&(c, _)| c as f64,
        )
        .unwrap();
        assert_eq!(raced.winner, 8);
        assert_eq!(
            raced.fits,
            (0..5).map(|f| (8, f)).collect::<Vec<_>>(),
            "the winner's fit of every fold, in fold order"
        );
        // 9 on fold 0, 3 on folds 1-2, 1 on folds 3-4
        assert_eq!(raced.report.inner_fits, 9 + 3 * 2 + 2);
        assert_eq!(raced.report.configs, 9);
        assert!(!raced.report.cut_by_budget);
        assert_eq!(raced.report.chosen, configs[8].params);
        assert!((raced.report.inner_score - 8.0).abs() < 1e-12);
    }

    #[test]
    fn a_configuration_that_is_good_only_on_the_first_fold_is_caught_later() {
        let configs = configs_with_scores(4);
        let index = |c: &Candidate| {
            configs
                .iter()
                .position(|k| k.candidate.model == c.model)
                .unwrap()
        };
        // config 1 leads on fold 0 but is poor elsewhere; config 0 is steady
        let score = |&(c, f): &(usize, usize)| match (c, f) {
            (1, 0) => 1.0,
            (1, _) => 0.0,
            (0, _) => 0.6,
            _ => 0.1,
        };
        let raced = successive_halving(
            &configs,
            5,
            2,
            Deadline::after(f64::INFINITY),
            |c: &Candidate, f| Ok((index(c), f)),
            score,
        )
        .unwrap();
        assert_eq!(raced.winner, 0);
        assert!(raced.report.chosen.is_empty());
        assert_eq!(raced.report.describe(), "own parameters");
    }

    #[test]
    fn a_spent_budget_races_nothing_and_keeps_the_own_parameters() {
        let configs = configs_with_scores(9);
        let index = |c: &Candidate| {
            configs
                .iter()
                .position(|k| k.candidate.model == c.model)
                .unwrap()
        };
        let raced = successive_halving(
            &configs,
            5,
            3,
            Deadline::after(0.0),
            |c: &Candidate, f| Ok((index(c), f)),
            |&(c, _)| c as f64,
        )
        .unwrap();
        assert!(raced.report.cut_by_budget);
        assert_eq!(
            raced.winner, 0,
            "the own parameters, though config 8 scores best"
        );
        assert_eq!(raced.report.inner_fits, 5);
        assert_eq!(raced.report.configs, 1);
        assert_eq!(
            raced.report.summary(),
            "own parameters (best of 1 configuration, 5 inner fits, cut short by the time budget)"
        );
        assert_eq!(raced.fits, (0..5).map(|f| (0, f)).collect::<Vec<_>>());
    }

    #[test]
    fn a_budget_that_runs_out_mid_race_keeps_the_leader_of_the_rung() {
        let configs = configs_with_scores(9);
        let index = |c: &Candidate| {
            configs
                .iter()
                .position(|k| k.candidate.model == c.model)
                .unwrap()
        };
        let deadline = Deadline::after(0.05);
        let raced = successive_halving(
            &configs,
            5,
            3,
            deadline,
            |c: &Candidate, f| {
                // the first rung outlasts the budget
                std::thread::sleep(Duration::from_millis(60));
                Ok((index(c), f))
            },
            |&(c, _)| c as f64,
        )
        .unwrap();
        assert!(raced.report.cut_by_budget);
        assert_eq!(raced.winner, 8, "the first rung's leader");
        assert_eq!(raced.report.inner_fits, 9 + 4);
        assert_eq!(raced.fits.len(), 5);
    }

    #[test]
    fn a_failing_fit_is_an_error_and_a_single_configuration_is_one_pass() {
        let configs = configs_with_scores(3);
        let failed = successive_halving(
            &configs,
            3,
            3,
            Deadline::after(f64::INFINITY),
            |_: &Candidate, f| {
                if f == 0 {
                    Err(PipelineError::InvalidParam {
                        name: "x",
                        value: String::new(),
                        reason: "test".into(),
                    })
                } else {
                    Ok(0.0)
                }
            },
            |s: &f64| *s,
        );
        assert!(failed.is_err());
        let one = &configs[..1];
        let raced = successive_halving(
            one,
            5,
            3,
            Deadline::after(f64::INFINITY),
            |_: &Candidate, f| Ok(f as f64),
            |s: &f64| *s,
        )
        .unwrap();
        assert_eq!(raced.report.inner_fits, 5);
        assert_eq!(raced.fits, vec![0.0, 1.0, 2.0, 3.0, 4.0]);
    }

    #[test]
    fn spec_checks_and_unsupported_families() {
        assert!(TuningSpec::new(0).check().is_err());
        assert!(TuningSpec::new(3).eta(1).check().is_err());
        let logreg = default_candidates(0)
            .into_iter()
            .find(|c| c.name == "logreg")
            .unwrap();
        assert!(
            unsupported(&logreg)
                .unwrap()
                .contains("logistic_regression")
        );
        assert!(unsupported(&gbm()).is_none());
    }
}
