//! The calibration parts of the reports: reliability diagrams of every candidate, the rating
//! grades of the best, and the honest (nested) figures of the selection.

use std::fmt::Write as _;

use pdscore_metrics::{BinStrategy, CalibrationCurve, GradeRow, calibration_curve};

use crate::compare::Comparison;
use crate::error::Result;
use crate::plot::{Reference, Series, UnitChart, unit_chart_svg};

/// Bins of the reliability diagrams: deciles of the PDs.
const RELIABILITY_BINS: usize = 10;

/// The reliability curve of PDs `pd` (10 equal-count bins).
fn reliability(y: &[bool], pd: &[f64]) -> Result<CalibrationCurve> {
    Ok(calibration_curve(
        y,
        pd,
        RELIABILITY_BINS,
        BinStrategy::Quantile,
    )?)
}

/// A PD as a percentage with enough digits for rare events.
fn percent(p: f64) -> String {
    if p < 0.01 {
        format!("{:.2}", 100.0 * p)
    } else {
        format!("{:.1}", 100.0 * p)
    }
}

/// One Markdown table, a row per candidate: in each decile of its pooled out-of-fold PDs, the
/// mean PD and the observed default rate, in %.
pub(super) fn reliability_markdown(comparison: &Comparison) -> Result<String> {
    let mut s = String::from(
        "Reliability: per decile of each model's pooled out-of-fold PDs, mean PD → observed \
         default rate, in %.\n\n| model |",
    );
    for bin in 1..=RELIABILITY_BINS {
        let _ = write!(s, " {bin} |");
    }
    s.push_str("\n|---|");
    s.push_str(&"---|".repeat(RELIABILITY_BINS));
    s.push('\n');
    for r in &comparison.results {
        let curve = reliability(&comparison.y, &r.oof)?;
        let _ = write!(s, "| {} |", r.candidate.name);
        for (pred, obs) in curve.prob_pred.iter().zip(&curve.prob_true) {
            let _ = write!(s, " {} → {} |", percent(*pred), percent(*obs));
        }
        for _ in curve.prob_pred.len()..RELIABILITY_BINS {
            s.push_str(" |");
        }
        s.push('\n');
    }
    Ok(s)
}

/// One small reliability diagram (SVG) per candidate, each zoomed on its populated corner.
pub(super) fn reliability_svgs(comparison: &Comparison) -> Result<Vec<String>> {
    comparison
        .results
        .iter()
        .map(|r| {
            let curve = reliability(&comparison.y, &r.oof)?;
            // With 1 % defaulters every point sits near the origin: zoom on it.
            let top = curve
                .prob_pred
                .iter()
                .chain(&curve.prob_true)
                .fold(0.0_f64, |a, &b| a.max(b));
            let title = format!("{} ({})", r.candidate.name, r.calibration_methods());
            unit_chart_svg(
                &UnitChart {
                    title: &title,
                    x_label: "mean PD",
                    y_label: "observed default rate",
                    reference: Reference::Diagonal,
                    markers: true,
                    extent: (top * 1.1).clamp(0.01, 1.0),
                },
                &[Series {
                    label: format!("ECE {:.4}", r.calibration.ece),
                    points: curve
                        .prob_pred
                        .iter()
                        .copied()
                        .zip(curve.prob_true.iter().copied())
                        .collect(),
                }],
                320,
                280,
            )
        })
        .collect()
}

/// The rating grades of the best model as a Markdown table.
pub(super) fn grades_markdown(comparison: &Comparison, rows: &[GradeRow]) -> String {
    let mut s = format!(
        "Pooled out-of-fold PDs of {} on the master scale. The Jeffreys p-value tests whether a \
         grade's observed default rate is above its mean PD (small values: the PD is too \
         low).\n\n| grade | PD range | rows | defaults | mean PD | observed rate | Jeffreys p |\n\
         |---|---|---|---|---|---|---|\n",
        comparison.best().candidate.name
    );
    let opt = |v: Option<f64>, f: &dyn Fn(f64) -> String| v.map_or_else(|| "-".into(), f);
    for g in rows {
        let _ = writeln!(
            s,
            "| {} | {} – {} % | {} | {} | {} | {} | {} |",
            g.grade,
            percent(g.lower),
            percent(g.upper),
            g.count,
            g.defaults,
            opt(g.mean_pd, &|v| format!("{} %", percent(v))),
            opt(g.observed_rate, &|v| format!("{} %", percent(v))),
            opt(g.jeffreys_p_value, &|v| format!("{v:.3}")),
        );
    }
    s
}

/// The gains (lift) table of the best model's pooled out-of-fold PDs, by decile from the
/// riskiest, in Markdown.
pub(super) fn gains_markdown(comparison: &Comparison) -> Result<String> {
    let best = comparison.best();
    let table = pdscore_metrics::gains_table(&comparison.y, &best.oof, 10)?;
    let mut s = format!(
        "Pooled out-of-fold PDs of {} in deciles from the riskiest: each decile's default rate, \
         its lift over the overall rate, and the share of all defaults caught by then (Gini \
         {:.3}, KS {:.3}).\n\n| decile | PD range | rows | defaults | default rate | lift | \
         rows so far | defaults caught |\n|---|---|---|---|---|---|---|---|\n",
        best.candidate.name, best.gini, best.ks
    );
    for r in &table {
        let _ = writeln!(
            s,
            "| {} | {} – {} % | {} | {} | {} % | {:.2} | {:.0} % | {:.1} % |",
            r.group,
            percent(r.min_pd),
            percent(r.max_pd),
            r.count,
            r.defaults,
            percent(r.default_rate),
            r.lift,
            100.0 * r.cumulative_rows,
            100.0 * r.cumulative_defaults
        );
    }
    Ok(s)
}

/// What the selection procedure scores when redone inside each outer fold, in Markdown.
pub(super) fn nested_markdown(comparison: &Comparison) -> String {
    let n = &comparison.nested;
    let best = comparison.best();
    format!(
        "The table above gives every candidate's cross-validated figures; the winner's are \
         optimistic, since it was picked for them. Redoing the selection inside each outer \
         training fold (on the inner folds) and scoring the model it picks on that fold's \
         held-out rows estimates what the whole procedure gives on new data:\n\n\
         | | ROC AUC | PR AUC | log loss | ECE | mean PD / observed | FN | FP | F1 |\n\
         |---|---|---|---|---|---|---|---|---|\n\
         | **nested (honest)** | {:.4} ± {:.4} | {:.4} ± {:.4} | {:.4} | {:.4} | {:.3} | {} | {} | {:.3} |\n\
         | {} (optimistic) | {:.4} ± {:.4} | {:.4} ± {:.4} | {:.4} | {:.4} | {:.3} | {} | {} | {:.3} |\n\n\
         Chosen in each outer fold: {}. Decisions at cross-fitted thresholds (each fold's \
         threshold chosen on the other folds).\n",
        n.roc_auc,
        n.roc_auc_std,
        n.pr_auc,
        n.pr_auc_std,
        n.calibration.log_loss,
        n.calibration.ece,
        n.calibration.mean_pd_ratio,
        n.confusion.false_negatives,
        n.confusion.false_positives,
        n.f1,
        best.candidate.name,
        best.roc_auc,
        best.roc_auc_std,
        best.pr_auc,
        best.pr_auc_std,
        best.calibration.log_loss,
        best.calibration.ece,
        best.calibration.mean_pd_ratio,
        best.confusion.false_negatives,
        best.confusion.false_positives,
        best.f1,
        n.chosen.join(", ")
    )
}
