//! What the comparison compares: [`Candidate`]s (features + weighting + sampler + model), how
//! they are cross-validated ([`CvSpec`]) and how the winner is chosen ([`SelectionRule`]).

use pdscore_features::FeatureParams;
use pdscore_metrics::{MasterScale, ThresholdObjective};
use pdscore_models::gbm::EarlyStopping;
use pdscore_models::registry::ModelSpec;
use pdscore_models::{
    AdaBoostParams, DecisionTreeParams, GbmParams, LogisticRegressionParams, MlpParams,
    RandomForestParams,
};
use pdscore_resample::{ClassWeight, RandomOverSamplerParams, SamplerSpec, SmoteParams};
use serde::{Deserialize, Serialize};

use crate::calibration::CalibrationSpec;
use crate::ensemble::EnsembleSpec;
use crate::error::{PipelineError, Result};
use crate::monotone::MonotoneSpec;
use crate::select::SelectionRule;
use crate::tune::TuningSpec;

/// Which preprocessing a candidate fits on its training rows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FeaturePreset {
    /// [`FeatureParams::for_linear`]: median imputation + indicators, one-hot, scaling.
    Linear,
    /// [`FeatureParams::for_trees`]: `NaN` kept, ordinal categories, no scaling.
    Trees,
    /// [`FeatureParams::for_scorecard`]: every column binned and replaced by the weight of
    /// evidence of its bin, low-information columns dropped (learns from the labels).
    Scorecard,
    /// Any other parameters.
    Custom(FeatureParams),
}

impl FeaturePreset {
    /// The feature parameters of this preset.
    pub fn params(&self) -> FeatureParams {
        match self {
            Self::Linear => FeatureParams::for_linear(),
            Self::Trees => FeatureParams::for_trees(),
            Self::Scorecard => FeatureParams::for_scorecard(),
            Self::Custom(p) => p.clone(),
        }
    }

    /// Short name for tables: `linear`, `trees`, `scorecard` or `custom`.
    pub fn label(&self) -> &'static str {
        match self {
            Self::Linear => "linear",
            Self::Trees => "trees",
            Self::Scorecard => "scorecard",
            Self::Custom(_) => "custom",
        }
    }
}

/// Class weighting of a candidate: fixed, or searched on each training fold.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Weighting {
    /// One class weighting for every fit.
    Fixed(ClassWeight),
    /// Search the positive-class weight (negative weight 1) over `positive_weights` with an
    /// inner stratified `inner_folds`-fold CV on each training fold, scored by mean ROC AUC;
    /// the winner is refitted on the whole training fold. The features are fitted once per
    /// training fold and shared by the inner folds (a deliberate shortcut: the scaling
    /// statistics of the inner validation rows leak into the inner fits, which cannot favour
    /// one weight over another).
    Grid {
        /// Candidate positive-class weights, each finite and > 0.
        positive_weights: Vec<f64>,
        /// Folds of the inner CV, >= 2.
        inner_folds: usize,
    },
}

impl Weighting {
    /// The default grid: positive weights 1, 5, 20, 70 (70 ≈ the Klarna class ratio, i.e.
    /// "balanced"), 3 inner folds: 12 inner fits per training fold. (The seed searched 35
    /// weight pairs; four points on a log scale keep `cargo xtask evaluate` under a minute.)
    pub fn default_grid() -> Self {
        Weighting::Grid {
            positive_weights: vec![1.0, 5.0, 20.0, 70.0],
            inner_folds: 3,
        }
    }

    fn check(&self) -> Result<()> {
        match self {
            Self::Fixed(w) => w.check().map_err(Into::into),
            Self::Grid {
                positive_weights,
                inner_folds,
            } => {
                if positive_weights.is_empty()
                    || positive_weights
                        .iter()
                        .any(|w| !(w.is_finite() && *w > 0.0))
                {
                    return Err(PipelineError::InvalidParam {
                        name: "positive_weights",
                        value: format!("{positive_weights:?}"),
                        reason: "at least one weight, each finite and > 0".into(),
                    });
                }
                if *inner_folds < 2 {
                    return Err(PipelineError::InvalidParam {
                        name: "inner_folds",
                        value: inner_folds.to_string(),
                        reason: "at least 2".into(),
                    });
                }
                Ok(())
            }
        }
    }

    /// One-line description for reports.
    pub fn describe(&self) -> String {
        match self {
            Self::Fixed(ClassWeight::Balanced) => "class_weight=balanced".into(),
            Self::Fixed(ClassWeight::Custom { negative, positive }) => {
                format!("class_weight={{0: {negative}, 1: {positive}}}")
            }
            Self::Grid {
                positive_weights,
                inner_folds,
            } => format!(
                "class_weight grid over positive weight {positive_weights:?} ({inner_folds}-fold inner CV, ROC AUC)"
            ),
        }
    }
}

/// One entry of the comparison: a name, the preprocessing, optional class weighting, optional
/// sampler (applied to the training rows only, after the preprocessing) and the model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Candidate {
    /// Unique name, e.g. `logreg_balanced`.
    pub name: String,
    /// Preprocessing preset.
    pub features: FeaturePreset,
    /// Class weighting, if any.
    pub weighting: Option<Weighting>,
    /// Sampler, if any.
    pub sampler: Option<SamplerSpec>,
    /// The model. For an ensemble: its meta-learner's family (a logistic regression on the
    /// members' logits); the members are the other candidates, see [`Candidate::ensemble`].
    pub model: ModelSpec,
    /// `Some` for a stacked ensemble of the other candidates (see [`crate::EnsembleSpec`]):
    /// then `features`, `weighting` and `sampler` are unused, each member brings its own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ensemble: Option<EnsembleSpec>,
    /// Monotone constraints on input columns, resolved against each fitted preprocessing (see
    /// [`MonotoneSpec`]). Default: none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub monotone: Option<MonotoneSpec>,
    /// A hyper-parameter search inside each of the candidate's fits (see [`TuningSpec`]).
    /// Default: none (the model's parameters as given).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tuning: Option<TuningSpec>,
}

impl Candidate {
    /// A candidate with no weighting and no sampler.
    pub fn new(name: impl Into<String>, features: FeaturePreset, model: ModelSpec) -> Self {
        Candidate {
            name: name.into(),
            features,
            weighting: None,
            sampler: None,
            model,
            ensemble: None,
            monotone: None,
            tuning: None,
        }
    }

    /// The stacked ensemble candidate called `ensemble`: the best `spec.members` other
    /// candidates of distinct model families, blended by a non-negative logistic regression
    /// on their logits (see [`crate::EnsembleSpec`]).
    pub fn stacked(spec: EnsembleSpec) -> Self {
        Candidate {
            ensemble: Some(spec),
            ..Candidate::new(
                "ensemble",
                FeaturePreset::Linear,
                ModelSpec::LogisticRegression(LogisticRegressionParams::new()),
            )
        }
    }

    /// The model family: `ensemble` for a stacked ensemble, else the model's family tag
    /// (e.g. `logistic_regression`).
    pub fn family(&self) -> &'static str {
        if self.ensemble.is_some() {
            "ensemble"
        } else {
            self.model.family()
        }
    }

    /// Sets the class weighting. Default: none.
    pub fn weighting(mut self, weighting: Weighting) -> Self {
        self.weighting = Some(weighting);
        self
    }

    /// Sets the sampler. Default: none.
    pub fn sampler(mut self, sampler: SamplerSpec) -> Self {
        self.sampler = Some(sampler);
        self
    }

    /// Sets monotone constraints on input columns (see [`MonotoneSpec`]). Default: none.
    pub fn monotone(mut self, spec: MonotoneSpec) -> Self {
        self.monotone = Some(spec);
        self
    }

    /// Sets the hyper-parameter search (see [`TuningSpec`]). Default: none.
    pub fn tuning(mut self, spec: TuningSpec) -> Self {
        self.tuning = Some(spec);
        self
    }

    /// Validates the candidate.
    ///
    /// # Errors
    /// [`PipelineError::InvalidParam`] for an empty name or a bad weighting; the preprocessing
    /// and sampler parameter errors.
    pub fn check(&self) -> Result<()> {
        if self.name.trim().is_empty() {
            return Err(PipelineError::InvalidParam {
                name: "name",
                value: format!("{:?}", self.name),
                reason: "a candidate needs a non-empty name".into(),
            });
        }
        self.features.params().check()?;
        if let Some(e) = &self.ensemble {
            e.check()?;
        }
        if let Some(w) = &self.weighting {
            w.check()?;
        }
        if let Some(s) = &self.sampler {
            s.build()?;
        }
        if let Some(spec) = &self.tuning {
            spec.check()?;
            if let Some(reason) = crate::tune::unsupported(self) {
                return Err(PipelineError::InvalidParam {
                    name: "tuning",
                    value: self.name.clone(),
                    reason,
                });
            }
        }
        if self.monotone.is_some()
            && let Some(reason) = MonotoneSpec::supports(self)
        {
            return Err(PipelineError::InvalidParam {
                name: "monotone",
                value: self.name.clone(),
                reason,
            });
        }
        Ok(())
    }

    /// How complex the candidate is, for breaking ties (smaller is simpler): first the model
    /// family (logistic regression, decision tree, AdaBoost, gradient boosting, random forest,
    /// MLP, in that order: from a few coefficients to an opaque network; a stacked ensemble of
    /// them last), then what is added to the fit (nothing, fixed class weights, a sampler, a
    /// searched weight).
    pub fn complexity(&self) -> (u8, u8) {
        if self.ensemble.is_some() {
            return (7, 0);
        }
        let family = match self.model.family() {
            "logistic_regression" => 0,
            "decision_tree" => 1,
            "adaboost" => 2,
            "gbm" => 3,
            "random_forest" => 4,
            "mlp" => 5,
            _ => 6,
        };
        let weighting = match &self.weighting {
            None => 0,
            Some(Weighting::Fixed(_)) => 1,
            Some(Weighting::Grid { .. }) => 3,
        };
        let sampler = if self.sampler.is_some() { 2 } else { 0 };
        (family, weighting + sampler)
    }

    /// One-line description of the weighting and resampling, `none` when there is neither.
    pub fn resampling(&self) -> String {
        if self.ensemble.is_some() {
            return "per member".into();
        }
        let mut parts = Vec::new();
        if let Some(w) = &self.weighting {
            parts.push(w.describe());
        }
        if let Some(s) = &self.sampler {
            parts.push(describe_sampler(s));
        }
        if parts.is_empty() {
            "none".into()
        } else {
            parts.join(" + ")
        }
    }
}

fn describe_sampler(spec: &SamplerSpec) -> String {
    match spec {
        SamplerSpec::RandomOverSampler(_) => "random oversampling to 1:1".into(),
        SamplerSpec::RandomUnderSampler(_) => "random undersampling to 1:1".into(),
        SamplerSpec::Smote(_) => "SMOTE to 1:1".into(),
    }
}

/// Most boosting rounds a default `gbm` candidate may grow; early stopping usually ends it
/// far sooner.
pub const GBM_MAX_ROUNDS: usize = 2000;

/// Rounds without improvement of the validation log loss before a default `gbm` stops.
pub const GBM_PATIENCE: usize = 50;

/// Configurations the default `gbm` races in each fit (see [`TuningSpec`]).
pub const GBM_TUNED_CONFIGS: usize = 6;

/// Configurations the default `random_forest` races in each fit.
pub const FOREST_TUNED_CONFIGS: usize = 3;

/// Configurations the default `mlp` races in each fit.
pub const MLP_TUNED_CONFIGS: usize = 3;

/// The default time budget of a comparison, in seconds ([`CvSpec::budget_seconds`]).
pub const DEFAULT_BUDGET_SECONDS: f64 = 600.0;

/// The default candidate list: the seed notebook's models (`logreg`, `logreg_balanced`,
/// `logreg_grid`, `decision_tree`, `random_forest`, `adaboost`, `gbm`, `mlp`, `mlp_balanced`,
/// `mlp_oversampled`) plus `logreg_smote`, `gbm_balanced`, `scorecard` (WoE binning +
/// the plain logistic regression: a credit scorecard, see [`crate::Scorecard`]; it fits in about
/// the time of `logreg`) and, last, `ensemble` (a stack of the best 3 others of distinct
/// families, built from their out-of-fold PDs at almost no cost, see [`crate::EnsembleSpec`]).
/// Every random choice inside uses `seed`.
///
/// Choices: linear models and MLPs get the [`FeaturePreset::Linear`] preprocessing, tree models
/// the [`FeaturePreset::Trees`] one (native missing values). The decision tree is limited to
/// depth 6 (an unlimited tree gives 0/1 probabilities, useless for ranking); the random forest
/// has 100 trees (scikit-learn's default) with balanced-subsample class weights, AdaBoost 200
/// stumps as the peer's `adaboost_200`. `gbm` is LightGBM's recipe (learning rate 0.05, 31
/// leaves) with `min_child_samples = 40` and its number of rounds, up to
/// [`GBM_MAX_ROUNDS`], chosen by early stopping on the inner folds of each training set (see
/// [`crate::CalibrationSpec::inner_folds`]): a fixed count overfits when defaulters are few and
/// pushes the PDs towards 0. The MLPs use batches of 512 rows with learning rate 3e-3 and stop
/// after 5 epochs without improvement of the inner validation loss (scikit-learn: 200, 1e-3,
/// 10), which halves their fit time for a small loss of PR AUC. `gbm`, `random_forest` and
/// `mlp` are tuned inside each fit ([`GBM_TUNED_CONFIGS`], [`FOREST_TUNED_CONFIGS`],
/// [`MLP_TUNED_CONFIGS`] configurations raced on the inner folds, see [`TuningSpec`]); the
/// parameters above are each one's first configuration. BENCHMARKS.md has the figures behind
/// these choices.
pub fn default_candidates(seed: u64) -> Vec<Candidate> {
    let logreg = || ModelSpec::LogisticRegression(LogisticRegressionParams::new());
    let mlp = || {
        ModelSpec::Mlp(
            MlpParams::new()
                .batch_size(Some(512))
                .learning_rate(3e-3)
                .patience(5)
                .seed(seed),
        )
    };
    let gbm = || {
        ModelSpec::Gbm(
            GbmParams::lightgbm_300()
                .n_estimators(GBM_MAX_ROUNDS)
                .early_stopping(Some(EarlyStopping::new(GBM_PATIENCE)))
                .min_child_samples(40)
                .seed(seed),
        )
    };
    let balanced = || Weighting::Fixed(ClassWeight::Balanced);
    vec![
        Candidate::new("logreg", FeaturePreset::Linear, logreg()),
        Candidate::new("logreg_balanced", FeaturePreset::Linear, logreg()).weighting(balanced()),
        Candidate::new("logreg_grid", FeaturePreset::Linear, logreg())
            .weighting(Weighting::default_grid()),
        Candidate::new("logreg_smote", FeaturePreset::Linear, logreg())
            .sampler(SamplerSpec::Smote(SmoteParams::new().seed(seed))),
        Candidate::new("scorecard", FeaturePreset::Scorecard, logreg()),
        Candidate::new(
            "decision_tree",
            FeaturePreset::Trees,
            ModelSpec::DecisionTree(DecisionTreeParams::new().max_depth(Some(6)).seed(seed)),
        ),
        Candidate::new(
            "random_forest",
            FeaturePreset::Trees,
            ModelSpec::RandomForest(
                RandomForestParams::new()
                    .n_estimators(100)
                    .class_weight(pdscore_models::ClassWeight::BalancedSubsample)
                    .seed(seed),
            ),
        )
        .tuning(TuningSpec::new(FOREST_TUNED_CONFIGS).seed(seed)),
        Candidate::new(
            "adaboost",
            FeaturePreset::Trees,
            ModelSpec::AdaBoost(AdaBoostParams::new().n_estimators(200).seed(seed)),
        ),
        Candidate::new("gbm", FeaturePreset::Trees, gbm())
            .tuning(TuningSpec::new(GBM_TUNED_CONFIGS).seed(seed)),
        Candidate::new("gbm_balanced", FeaturePreset::Trees, gbm()).weighting(balanced()),
        Candidate::new("mlp", FeaturePreset::Linear, mlp())
            .tuning(TuningSpec::new(MLP_TUNED_CONFIGS).seed(seed)),
        Candidate::new("mlp_balanced", FeaturePreset::Linear, mlp()).weighting(balanced()),
        Candidate::new("mlp_oversampled", FeaturePreset::Linear, mlp()).sampler(
            SamplerSpec::RandomOverSampler(RandomOverSamplerParams::new().seed(seed)),
        ),
        Candidate::stacked(EnsembleSpec::default()),
    ]
}

/// How the comparison cross-validates: stratified `folds`-fold with shuffling by `seed`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CvSpec {
    /// Number of folds. Default 5.
    pub folds: usize,
    /// Seed of the fold assignment. Default 0.
    pub seed: u64,
    /// How the decision threshold is chosen on the pooled out-of-fold predictions. Default:
    /// minimum expected cost with FN:FP = 10:1.
    pub threshold: ThresholdObjective,
    /// How the winner is chosen. Default: [`SelectionRule::default`].
    pub selection: SelectionRule,
    /// How every candidate's PDs are calibrated. Default: [`CalibrationSpec::default`].
    pub calibration: CalibrationSpec,
    /// The rating grades the best model's PDs are reported in. Default: 7 grades,
    /// [`MasterScale::default`].
    pub master_scale: MasterScale,
    /// Seconds after the start of the comparison past which tuned candidates stop racing
    /// configurations (each fit then keeps the leader of its current rung, see [`TuningSpec`]).
    /// Nothing else is cut short. Default [`DEFAULT_BUDGET_SECONDS`]; `0` turns tuning off
    /// (each tuned candidate keeps its own parameters).
    #[serde(default = "default_budget_seconds")]
    pub budget_seconds: f64,
}

fn default_budget_seconds() -> f64 {
    DEFAULT_BUDGET_SECONDS
}

impl Default for CvSpec {
    fn default() -> Self {
        CvSpec {
            folds: 5,
            seed: 0,
            threshold: ThresholdObjective::default(),
            selection: SelectionRule::default(),
            calibration: CalibrationSpec::default(),
            master_scale: MasterScale::default(),
            budget_seconds: DEFAULT_BUDGET_SECONDS,
        }
    }
}

impl CvSpec {
    /// Sets the number of folds. Default 5.
    pub fn folds(mut self, folds: usize) -> Self {
        self.folds = folds;
        self
    }

    /// Sets the fold seed. Default 0.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Sets the threshold policy. Default: cost FN:FP = 10:1.
    pub fn threshold(mut self, objective: ThresholdObjective) -> Self {
        self.threshold = objective;
        self
    }

    /// Sets the selection rule. Default: [`SelectionRule::default`].
    pub fn selection(mut self, rule: SelectionRule) -> Self {
        self.selection = rule;
        self
    }

    /// Sets the calibration. Default: [`CalibrationSpec::default`].
    pub fn calibration(mut self, calibration: CalibrationSpec) -> Self {
        self.calibration = calibration;
        self
    }

    /// Sets the rating grades. Default: [`MasterScale::default`].
    pub fn master_scale(mut self, scale: MasterScale) -> Self {
        self.master_scale = scale;
        self
    }

    /// Sets the time budget in seconds (see [`CvSpec::budget_seconds`]). Default
    /// [`DEFAULT_BUDGET_SECONDS`].
    pub fn budget_seconds(mut self, seconds: f64) -> Self {
        self.budget_seconds = seconds;
        self
    }

    /// Validates the spec.
    ///
    /// # Errors
    /// [`PipelineError::InvalidParam`] when `folds < 2` or the budget is negative or NaN; the threshold objective's and the
    /// calibration spec's errors.
    pub fn check(&self) -> Result<()> {
        if self.folds < 2 {
            return Err(PipelineError::InvalidParam {
                name: "folds",
                value: self.folds.to_string(),
                reason: "cross-validation needs at least 2 folds".into(),
            });
        }
        if self.budget_seconds.is_nan() || self.budget_seconds < 0.0 {
            return Err(PipelineError::InvalidParam {
                name: "budget_seconds",
                value: self.budget_seconds.to_string(),
                reason: "a number of seconds >= 0".into(),
            });
        }
        self.threshold.check()?;
        self.calibration.check()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_candidates_are_valid_and_uniquely_named() {
        let candidates = default_candidates(0);
        let mut names: Vec<&str> = candidates.iter().map(|c| c.name.as_str()).collect();
        for c in &candidates {
            c.check().unwrap();
        }
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), candidates.len());
    }

    #[test]
    fn the_scorecard_candidate_is_woe_plus_plain_logistic_regression() {
        let candidates = default_candidates(0);
        let scorecard = candidates.iter().find(|c| c.name == "scorecard").unwrap();
        assert_eq!(scorecard.features, FeaturePreset::Scorecard);
        assert!(scorecard.features.params().uses_labels());
        assert_eq!(scorecard.features.label(), "scorecard");
        assert_eq!(scorecard.model.family(), "logistic_regression");
        assert!(scorecard.weighting.is_none() && scorecard.sampler.is_none());
        let logreg = candidates.iter().find(|c| c.name == "logreg").unwrap();
        assert_eq!(scorecard.model, logreg.model, "the same C as logreg");
    }

    #[test]
    fn bad_specs_are_errors() {
        assert!(CvSpec::default().folds(1).check().is_err());
        let bad = Candidate::new(
            "x",
            FeaturePreset::Linear,
            ModelSpec::LogisticRegression(LogisticRegressionParams::new()),
        )
        .weighting(Weighting::Grid {
            positive_weights: vec![],
            inner_folds: 3,
        });
        assert!(bad.check().is_err());
        let unnamed = Candidate::new(
            " ",
            FeaturePreset::Trees,
            ModelSpec::LogisticRegression(LogisticRegressionParams::new()),
        );
        assert!(unnamed.check().is_err());
    }
}
