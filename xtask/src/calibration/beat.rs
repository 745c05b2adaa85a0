//! The "beat the peers" verdict of the calibration comparison: does pdscore's pick reach the
//! best peer on every quality figure, and at what share of the peer's time?
//!
//! For each figure (ROC AUC and PR AUC, higher is better; pooled log loss, lower is better) the
//! best peer is the peer model (calibrated or not, the stacking peer included) with the best mean
//! of that figure, so a different peer can win each figure. pdscore is judged twice:
//!
//! - its **selected** candidate: the model it ships, whose cross-validated figures are biased
//!   upwards by the selection itself;
//! - [`NESTED_MODEL`]: every outer fold scored by the candidate the selection chose on that
//!   fold's training rows alone (the nested evaluation), the honest figure of "compare the
//!   candidates and keep the winner".
//!
//! The time verdict compares pdscore's whole `evaluate` (every candidate, inner folds,
//! calibration, nested selection, refit) with the fit seconds of the peers doing the same job:
//! every uncalibrated peer of `peer_baseline.py` plus the stacking peer.

use std::fmt::Write as _;

use pdscore::pipeline::Evaluated;

use super::{ModelFigures, PdscoreRun, RefereeReport};

/// Name of the nested-selection pseudo-model in pdscore's OOF file.
pub const NESTED_MODEL: &str = "nested_selection";

/// The OOF rows (`row,fold,model,y,score`, no header) of the nested selection: each row's PD
/// from the candidate chosen on its outer fold's training rows.
pub fn nested_oof_rows(evaluated: &Evaluated) -> String {
    let c = &evaluated.comparison;
    let mut s = String::new();
    for (i, &fold) in c.fold_of_row.iter().enumerate() {
        let chosen = &c.nested.chosen[fold];
        let Some(result) = c.result(chosen) else {
            continue;
        };
        let _ = writeln!(
            s,
            "{},{fold},{NESTED_MODEL},{},{}",
            evaluated.data.labelled_rows[i],
            u8::from(evaluated.data.y[i]),
            result.oof[i]
        );
    }
    s
}

/// A quality figure the verdict judges.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Figure {
    /// Mean fold ROC AUC (higher is better).
    RocAuc,
    /// Mean fold PR AUC (higher is better).
    PrAuc,
    /// Pooled log loss (lower is better); paired over the per-fold log losses.
    LogLoss,
}

impl Figure {
    /// Every figure, in report order.
    pub const ALL: [Figure; 3] = [Figure::RocAuc, Figure::PrAuc, Figure::LogLoss];

    /// Name for the report.
    pub fn name(self) -> &'static str {
        match self {
            Figure::RocAuc => "ROC AUC",
            Figure::PrAuc => "PR AUC",
            Figure::LogLoss => "log loss",
        }
    }

    fn higher_is_better(self) -> bool {
        !matches!(self, Figure::LogLoss)
    }

    /// The headline value of `m`.
    fn value(self, m: &ModelFigures) -> f64 {
        match self {
            Figure::RocAuc => m.roc[0],
            Figure::PrAuc => m.pr[0],
            Figure::LogLoss => m.log_loss,
        }
    }

    fn per_fold(self, m: &ModelFigures) -> &[f64] {
        match self {
            Figure::RocAuc => &m.fold_roc,
            Figure::PrAuc => &m.fold_pr,
            Figure::LogLoss => &m.fold_log_loss,
        }
    }
}

/// pdscore's model against the best peer on one figure.
#[derive(Debug, Clone, PartialEq)]
pub struct FigureVerdict {
    /// The figure.
    pub figure: Figure,
    /// pdscore's model (the selected candidate or [`NESTED_MODEL`]).
    pub pdscore: String,
    /// Its value.
    pub pdscore_value: f64,
    /// The peer with the best value of this figure.
    pub peer: String,
    /// Its value.
    pub peer_value: f64,
    /// Mean of the per-fold differences pdscore − peer.
    pub diff_mean: f64,
    /// Standard error of that mean (sample std / sqrt(folds)).
    pub diff_se: f64,
    /// Whether pdscore is at least as good as the peer on the figure's value.
    pub met: bool,
}

/// Mean and standard error of `a - b`, fold by fold.
fn paired(a: &[f64], b: &[f64]) -> (f64, f64) {
    let d: Vec<f64> = a.iter().zip(b).map(|(x, y)| x - y).collect();
    let n = d.len() as f64;
    if d.is_empty() {
        return (f64::NAN, f64::NAN);
    }
    let mean = d.iter().sum::<f64>() / n;
    if d.len() < 2 {
        return (mean, f64::NAN);
    }
    let var = d.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0);
    (mean, (var / n).sqrt())
}

/// The verdict of pdscore's model `model` on every figure; empty when `model` or every peer is
/// missing from the report.
pub fn figure_verdicts(r: &RefereeReport, model: &str) -> Vec<FigureVerdict> {
    let Some(ours) = r
        .models
        .iter()
        .find(|m| m.side == "pdscore" && m.model == model)
    else {
        return Vec::new();
    };
    let peers: Vec<&ModelFigures> = r.models.iter().filter(|m| m.side == "peer").collect();
    Figure::ALL
        .iter()
        .filter_map(|&figure| {
            let best = peers.iter().copied().max_by(|a, b| {
                let (va, vb) = (figure.value(a), figure.value(b));
                if figure.higher_is_better() {
                    va.total_cmp(&vb)
                } else {
                    vb.total_cmp(&va)
                }
            })?;
            let (diff_mean, diff_se) = paired(figure.per_fold(ours), figure.per_fold(best));
            let (a, b) = (figure.value(ours), figure.value(best));
            Some(FigureVerdict {
                figure,
                pdscore: ours.model.clone(),
                pdscore_value: a,
                peer: best.model.clone(),
                peer_value: b,
                diff_mean,
                diff_se,
                met: if figure.higher_is_better() {
                    a >= b
                } else {
                    a <= b
                },
            })
        })
        .collect()
}

/// The peers' share of the time verdict: fit seconds of every uncalibrated peer (the stacking
/// peer included), and how many there were.
pub fn peer_same_work_seconds(r: &RefereeReport) -> (f64, usize) {
    let same: Vec<f64> = r
        .models
        .iter()
        .filter(|m| m.side == "peer" && m.calibration.is_none())
        .filter_map(|m| m.fit_s)
        .collect();
    (same.iter().sum(), same.len())
}

/// The verdict lines of the report: one per judged pdscore model and figure, then the time.
pub fn beat_lines(run: &PdscoreRun, r: &RefereeReport) -> String {
    let mut s = String::new();
    for model in [run.selected.as_str(), NESTED_MODEL] {
        for v in figure_verdicts(r, model) {
            let _ = writeln!(
                s,
                "beat the peers, {}: pdscore {} {:.4} vs best peer {} {:.4}; paired fold \
                 difference (pdscore - peer) {:+.4} ± {:.4} -> {}",
                v.figure.name(),
                v.pdscore,
                v.pdscore_value,
                v.peer,
                v.peer_value,
                v.diff_mean,
                v.diff_se,
                if v.met { "at least as good" } else { "behind" }
            );
        }
    }
    let (peer_s, n) = peer_same_work_seconds(r);
    if n > 0 && peer_s > 0.0 {
        let _ = writeln!(
            s,
            "beat the peers, time: pdscore evaluate {:.1} s (every candidate, inner folds, \
             calibration, nested selection, refit) vs {:.1} s of fits of the {n} uncalibrated \
             peers (stacking included) = {:.2}x",
            run.evaluate_wall_s,
            peer_s,
            run.evaluate_wall_s / peer_s
        );
    }
    s
}
