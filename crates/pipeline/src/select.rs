//! How the winner of a comparison is chosen: the metric ([`SelectionMetric`]), the rule
//! ([`SelectionRule`]: the leader, or the simplest candidate not significantly worse than it on
//! paired fold differences) and its outcome ([`Selection`]).

use pdscore_metrics::{RankedScores, log_loss};
use serde::{Deserialize, Serialize};

use crate::error::Result;

/// The metric a selection ranks candidates by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SelectionMetric {
    /// Mean fold PR AUC (average precision), higher is better. The default: it weighs the
    /// rare defaulters the most.
    #[default]
    PrAuc,
    /// Mean fold ROC AUC, higher is better.
    RocAuc,
    /// Mean fold log loss of the calibrated PDs, lower is better: ranking and calibration at
    /// once.
    LogLoss,
}

impl SelectionMetric {
    /// `pr_auc`, `roc_auc` or `log_loss`.
    pub fn name(self) -> &'static str {
        match self {
            Self::PrAuc => "pr_auc",
            Self::RocAuc => "roc_auc",
            Self::LogLoss => "log_loss",
        }
    }

    /// The metric of one fold, oriented so that higher is better (log loss negated).
    pub fn oriented(self, fold: &FoldScores) -> f64 {
        match self {
            Self::PrAuc => fold.pr_auc,
            Self::RocAuc => fold.roc_auc,
            Self::LogLoss => -fold.log_loss,
        }
    }
}

impl std::str::FromStr for SelectionMetric {
    type Err = crate::PipelineError;

    /// Parses `pr_auc`, `roc_auc` or `log_loss`.
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "pr_auc" => Ok(Self::PrAuc),
            "roc_auc" => Ok(Self::RocAuc),
            "log_loss" => Ok(Self::LogLoss),
            other => Err(crate::PipelineError::InvalidParam {
                name: "select",
                value: other.to_owned(),
                reason: "one of pr_auc, roc_auc, log_loss".into(),
            }),
        }
    }
}

/// How the winner is chosen.
///
/// The **leader** has the best mean of `metric` over the folds. With `one_standard_error` (the
/// default), every candidate whose paired fold differences to the leader have a mean within one
/// standard error of zero (`mean(d) <= sd(d) / sqrt(k)`, with `d` the leader's fold figure minus
/// the candidate's, oriented so that positive favours the leader) is **tied** with it, and the
/// tie goes to the simplest tied candidate ([`crate::Candidate::complexity`]), then the better
/// mean. This is the one-standard-error rule of Hastie, Tibshirani and Friedman (*The Elements
/// of Statistical Learning*, 7.10) on paired differences, which cancel the fold-to-fold
/// variation every candidate shares. Without it the leader wins.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SelectionRule {
    /// The ranking metric. Default: PR AUC.
    pub metric: SelectionMetric,
    /// Tie candidates within one standard error of the paired differences and prefer the
    /// simplest. Default: true.
    pub one_standard_error: bool,
}

impl Default for SelectionRule {
    fn default() -> Self {
        SelectionRule {
            metric: SelectionMetric::PrAuc,
            one_standard_error: true,
        }
    }
}

impl SelectionRule {
    /// One phrase for reports.
    pub fn describe(&self) -> String {
        if self.one_standard_error {
            format!(
                "best mean {}, ties within one standard error of the paired fold differences \
                 going to the simplest model",
                self.metric.name()
            )
        } else {
            format!("best mean {}", self.metric.name())
        }
    }
}

/// A candidate's ranking figures on one fold's held-out rows.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct FoldScores {
    /// ROC AUC.
    pub roc_auc: f64,
    /// PR AUC (average precision).
    pub pr_auc: f64,
    /// Log loss.
    pub log_loss: f64,
}

impl FoldScores {
    /// The figures of PDs `pd` against labels `y` (both classes needed).
    ///
    /// # Errors
    /// Metric errors (a single class, probabilities outside `[0, 1]`).
    pub fn new(y: &[bool], pd: &[f64]) -> Result<Self> {
        let ranked = RankedScores::new(y, pd, None)?;
        Ok(FoldScores {
            roc_auc: ranked.roc_auc()?,
            pr_auc: ranked.average_precision()?,
            log_loss: log_loss(y, pd, None)?,
        })
    }
}

/// The paired fold differences between the leader and one candidate.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PairedDifference {
    /// Mean of the leader's figure minus the candidate's, oriented so that positive favours the
    /// leader (0 for the leader itself).
    pub mean: f64,
    /// Standard error of that mean: sample std (ddof = 1) / sqrt(folds).
    pub standard_error: f64,
}

/// The outcome of a selection over candidates (indices into the list selected from).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Selection {
    /// The candidate with the best mean.
    pub leader: usize,
    /// The candidate chosen by the rule.
    pub chosen: usize,
    /// The candidates tied with the leader (the leader included), in list order.
    pub tied: Vec<usize>,
    /// Each candidate's paired difference to the leader, in list order.
    pub differences: Vec<PairedDifference>,
}

/// Selects among candidates from their per-fold figures (`folds[c][f]`, every candidate on the
/// same folds) by `rule`; `complexity[c]` orders the tied candidates, simplest first.
pub(crate) fn select(
    folds: &[Vec<FoldScores>],
    rule: SelectionRule,
    complexity: &[(u8, u8)],
) -> Selection {
    let oriented: Vec<Vec<f64>> = folds
        .iter()
        .map(|f| f.iter().map(|s| rule.metric.oriented(s)).collect())
        .collect();
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len().max(1) as f64;
    let means: Vec<f64> = oriented.iter().map(|v| mean(v)).collect();
    let mut leader = 0;
    for (i, m) in means.iter().enumerate() {
        if *m > means[leader] {
            leader = i;
        }
    }
    let differences: Vec<PairedDifference> = oriented
        .iter()
        .map(|v| {
            let d: Vec<f64> = oriented[leader].iter().zip(v).map(|(a, b)| a - b).collect();
            let (m, sd) = crate::stats::mean_std(&d);
            PairedDifference {
                mean: m,
                standard_error: sd / (d.len().max(1) as f64).sqrt(),
            }
        })
        .collect();
    let tied: Vec<usize> = if rule.one_standard_error {
        (0..folds.len())
            .filter(|&c| c == leader || differences[c].mean <= differences[c].standard_error)
            .collect()
    } else {
        vec![leader]
    };
    let mut chosen = tied[0];
    for &c in &tied[1..] {
        let simpler = complexity[c] < complexity[chosen];
        let same = complexity[c] == complexity[chosen];
        if simpler || (same && means[c] > means[chosen]) {
            chosen = c;
        }
    }
    Selection {
        leader,
        chosen,
        tied,
        differences,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folds(pr: &[f64]) -> Vec<FoldScores> {
        pr.iter()
            .map(|&p| FoldScores {
                roc_auc: 0.5 + p / 2.0,
                pr_auc: p,
                log_loss: 1.0 - p,
            })
            .collect()
    }

    #[test]
    fn the_simplest_candidate_within_one_standard_error_wins() {
        let candidates = vec![
            // simplest, clearly worse on every fold
            folds(&[0.30, 0.31, 0.29, 0.30, 0.30]),
            // leader
            folds(&[0.50, 0.52, 0.48, 0.51, 0.49]),
            // noisy around the leader: mean difference within one standard error
            folds(&[0.53, 0.47, 0.50, 0.47, 0.51]),
            // complex, tied too
            folds(&[0.50, 0.52, 0.48, 0.51, 0.48]),
        ];
        let complexity = [(0, 0), (3, 0), (1, 0), (5, 0)];
        let s = select(&candidates, SelectionRule::default(), &complexity);
        assert_eq!(s.leader, 1);
        assert_eq!(s.tied, vec![1, 2, 3]);
        assert_eq!(s.chosen, 2);
        assert_eq!(s.differences[1].mean, 0.0);
        let strict = SelectionRule {
            one_standard_error: false,
            ..SelectionRule::default()
        };
        assert_eq!(select(&candidates, strict, &complexity).chosen, 1);
    }

    #[test]
    fn log_loss_selects_the_lowest() {
        let candidates = vec![folds(&[0.3, 0.3]), folds(&[0.2, 0.2])];
        let rule = SelectionRule {
            metric: SelectionMetric::LogLoss,
            one_standard_error: false,
        };
        // log loss = 1 - pr here: 0.7 vs 0.8, the first is better
        assert_eq!(select(&candidates, rule, &[(0, 0), (0, 0)]).chosen, 0);
        for m in ["pr_auc", "roc_auc", "log_loss"] {
            assert_eq!(m.parse::<SelectionMetric>().unwrap().name(), m);
        }
        assert!("f1".parse::<SelectionMetric>().is_err());
    }
}
