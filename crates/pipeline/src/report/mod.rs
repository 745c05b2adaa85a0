//! Reports of a comparison: a plain-text table, `report.md`, and a self-contained
//! `report.html` (inline CSS and SVG charts, no external assets).

mod calibration;
pub(crate) mod html;
mod tables;

use std::fmt::Write as _;

use pdscore_metrics::RankedScores;

use crate::card::{CvRow, ModelCard, policy_text};
use crate::compare::Comparison;
use crate::error::Result;
use crate::plot::{Reference, Series, UnitChart, unit_chart_svg};

use self::calibration::{
    gains_markdown, grades_markdown, nested_markdown, reliability_markdown, reliability_svgs,
};
use self::html::{CSS, markdown_table_to_html};
use self::tables::{calibration_markdown, card_markdown, importance_markdown, table_markdown};

pub use self::html::escape;
pub use crate::card::table_text;

/// `report.md`: the comparison and calibration tables, the honest figures of the selection,
/// the best model's confusion matrix and rating grades, every model's reliability, and the
/// model card.
///
/// # Errors
/// Metric errors on degenerate predictions.
pub fn markdown(comparison: &Comparison, card: &ModelCard) -> Result<String> {
    let best = comparison.best();
    let rows: Vec<CvRow> = comparison.results.iter().map(CvRow::new).collect();
    let c = &best.confusion;
    let mut s = String::new();
    let _ = writeln!(s, "# pdscore model comparison\n");
    let _ = writeln!(s, "{}\n", intro(comparison));
    let _ = writeln!(
        s,
        "AUCs are mean ± sample std over folds, on calibrated PDs of held-out rows. F1, \
         precision, recall and the confusion counts are pooled over the folds, each fold decided \
         at the threshold the policy chose on the other folds; the threshold column is the one \
         chosen on all folds, which the saved model uses.\n"
    );
    s.push_str(&table_markdown(&rows, &best.candidate.name));
    for f in &comparison.failed {
        let _ = writeln!(s, "\n- `{}` failed: {}", f.name, f.error);
    }
    s.push_str(&ensemble_markdown(comparison));
    s.push_str(&tuning_markdown(comparison));
    let _ = writeln!(
        s,
        "\n## Calibration\n\nEach model's PDs are calibrated inside each training fold on \
         scores cross-fitted over {} inner folds (method: {}); the figures are those of the \
         pooled out-of-fold PDs.\n\n{}\n{}",
        comparison.cv.calibration.inner_folds,
        comparison.cv.calibration.method,
        calibration_markdown(&rows, &best.candidate.name),
        reliability_markdown(comparison)?
    );
    let _ = writeln!(
        s,
        "## Best: {} ({})\n\n{}",
        best.candidate.name,
        comparison.cv.selection.describe(),
        nested_markdown(comparison)
    );
    let _ = writeln!(
        s,
        "Pooled out-of-fold confusion matrix at cross-fitted thresholds:\n\n\
         | | predicted default | predicted no default |\n|---|---|---|\n\
         | defaulted | {} (TP) | {} (FN) |\n| did not default | {} (FP) | {} (TN) |\n",
        c.true_positives, c.false_negatives, c.false_positives, c.true_negatives
    );
    let _ = writeln!(
        s,
        "## Rating grades\n\n{}",
        grades_markdown(comparison, &comparison.grades()?)
    );
    let _ = writeln!(s, "## Gains (lift)\n\n{}", gains_markdown(comparison)?);
    let _ = writeln!(s, "## Model card\n\n{}", card_markdown(card));
    let _ = writeln!(
        s,
        "## Feature importance\n\n{}",
        importance_markdown(card, 15)
    );
    Ok(s)
}

/// The members and weights of each ensemble on each fold (empty without an ensemble).
fn ensemble_markdown(comparison: &Comparison) -> String {
    let mut s = String::new();
    for r in comparison
        .results
        .iter()
        .filter(|r| !r.ensemble_folds.is_empty())
    {
        let _ = writeln!(
            s,
            "\n### {}: members and weights per fold\n\n{ENSEMBLE_NOTE}\n\n{}",
            r.candidate.name,
            ensemble_table(r)
        );
    }
    s
}

const ENSEMBLE_NOTE: &str = "Chosen and fitted inside each training fold on its inner folds \
     (the held-out fold plays no part); the weights multiply the logits of the members' \
     calibrated PDs.";

/// One ensemble's members and weights per fold as a Markdown table.
fn ensemble_table(r: &crate::CandidateResult) -> String {
    let mut s = String::from("| fold | members | weights |\n|---|---|---|\n");
    for (k, f) in r.ensemble_folds.iter().enumerate() {
        let _ = writeln!(s, "| {k} | {} | {} |", f.name(), f.weights_text());
    }
    s
}

/// What each tuned candidate's search chose on each fold (empty without tuned candidates).
fn tuning_markdown(comparison: &Comparison) -> String {
    let mut s = String::new();
    for r in comparison
        .results
        .iter()
        .filter(|r| !r.tuned_folds.is_empty())
    {
        let _ = writeln!(
            s,
            "\n### {}: tuned parameters per fold\n\n{TUNING_NOTE}\n\n{}",
            r.candidate.name,
            tuning_table(r, comparison.cv.selection.metric.name())
        );
    }
    s
}

const TUNING_NOTE: &str = "Raced by successive halving on the inner folds of each training \
     fold (the held-out fold plays no part); the inner figure is the winner's mean on \
     uncalibrated scores (log loss negated).";

/// One tuned candidate's chosen parameters per fold as a Markdown table.
fn tuning_table(r: &crate::CandidateResult, metric: &str) -> String {
    let mut s = format!(
        "| fold | chosen | inner {metric} | configurations | inner fits | budget |\n\
         |---|---|---|---|---|---|\n"
    );
    for (k, t) in r.tuned_folds.iter().enumerate() {
        let _ = writeln!(
            s,
            "| {k} | {} | {:.4} | {} | {} | {} |",
            t.describe(),
            t.inner_score,
            t.configs,
            t.inner_fits,
            if t.cut_by_budget { "cut short" } else { "ok" }
        );
    }
    s
}

/// The sentence that opens both reports.
fn intro(comparison: &Comparison) -> String {
    let y = &comparison.y;
    let positives = y.iter().filter(|&&v| v).count();
    format!(
        "{} labelled rows ({} positive, {:.2} %), {}-fold stratified CV (seed {}), threshold \
         policy: {}. Whole comparison: {:.1} s. Best: **{}**.",
        y.len(),
        positives,
        100.0 * positives as f64 / y.len().max(1) as f64,
        comparison.cv.folds,
        comparison.cv.seed,
        policy_text(&comparison.cv.threshold),
        comparison.wall_seconds,
        comparison.best().candidate.name
    )
}

/// `report.html`: everything in [`markdown`] plus ROC and PR curves of every candidate and a
/// reliability diagram of each, as inline SVG; no external assets.
///
/// # Errors
/// Metric errors on degenerate predictions, plot errors.
pub fn html(comparison: &Comparison, card: &ModelCard) -> Result<String> {
    let best = comparison.best();
    let y = &comparison.y;
    let mut roc = Vec::new();
    let mut pr = Vec::new();
    for r in &comparison.results {
        let ranked = RankedScores::new(y, &r.oof, None)?;
        let curve = ranked.roc_curve(true)?;
        roc.push(Series {
            label: format!("{} ({:.3})", r.candidate.name, r.roc_auc),
            points: curve
                .fpr
                .iter()
                .copied()
                .zip(curve.tpr.iter().copied())
                .collect(),
        });
        let curve = ranked.precision_recall_curve(false)?;
        pr.push(Series {
            label: format!("{} ({:.3})", r.candidate.name, r.pr_auc),
            points: curve
                .recall
                .iter()
                .copied()
                .zip(curve.precision.iter().copied())
                .collect(),
        });
    }
    let positive_rate = y.iter().filter(|&&v| v).count() as f64 / y.len().max(1) as f64;
    let roc_svg = unit_chart_svg(
        &UnitChart {
            title: "ROC curves (pooled out-of-fold)",
            x_label: "false positive rate",
            y_label: "true positive rate",
            reference: Reference::Diagonal,
            markers: false,
            extent: 1.0,
        },
        &roc,
        640,
        480,
    )?;
    let pr_svg = unit_chart_svg(
        &UnitChart {
            title: "Precision-recall curves (pooled out-of-fold)",
            x_label: "recall",
            y_label: "precision",
            reference: Reference::Horizontal(positive_rate),
            markers: false,
            extent: 1.0,
        },
        &pr,
        640,
        480,
    )?;
    let md = markdown(comparison, card)?;
    let rows: Vec<CvRow> = comparison.results.iter().map(CvRow::new).collect();
    let c = &best.confusion;
    let mut s = String::new();
    let _ = write!(
        s,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>pdscore report</title><style>{CSS}</style></head><body>\n"
    );
    let _ = writeln!(s, "<h1>pdscore model comparison</h1>");
    s.push_str(&markdown_table_to_html(&intro(comparison)));
    s.push_str(&markdown_table_to_html(&table_markdown(
        &rows,
        &best.candidate.name,
    )));
    for f in &comparison.failed {
        let _ = writeln!(
            s,
            "<p class=\"failed\">{} failed: {}</p>",
            escape(&f.name),
            escape(&f.error)
        );
    }
    for r in comparison
        .results
        .iter()
        .filter(|r| !r.ensemble_folds.is_empty())
    {
        let _ = writeln!(
            s,
            "<h3>{}: members and weights per fold</h3><p>{ENSEMBLE_NOTE}</p>{}",
            escape(&r.candidate.name),
            markdown_table_to_html(&ensemble_table(r))
        );
    }
    for r in comparison
        .results
        .iter()
        .filter(|r| !r.tuned_folds.is_empty())
    {
        let _ = writeln!(
            s,
            "<h3>{}: tuned parameters per fold</h3><p>{TUNING_NOTE}</p>{}",
            escape(&r.candidate.name),
            markdown_table_to_html(&tuning_table(r, comparison.cv.selection.metric.name()))
        );
    }
    let _ = writeln!(
        s,
        "<div class=\"charts\"><figure>{roc_svg}</figure><figure>{pr_svg}</figure></div>"
    );
    let _ = writeln!(
        s,
        "<h2>Calibration</h2>{}<div class=\"charts\">",
        markdown_table_to_html(&calibration_markdown(&rows, &best.candidate.name))
    );
    for svg in reliability_svgs(comparison)? {
        let _ = write!(s, "<figure>{svg}</figure>");
    }
    let _ = writeln!(s, "</div>");
    let _ = writeln!(
        s,
        "<h2>Best: {}</h2>{}",
        escape(&best.candidate.name),
        markdown_table_to_html(&nested_markdown(comparison))
    );
    let _ = writeln!(
        s,
        "<table class=\"confusion\"><caption>Pooled out-of-fold confusion matrix at \
         cross-fitted thresholds</caption><tr><th></th><th>predicted default</th><th>predicted \
         no default</th></tr><tr><th>defaulted</th><td class=\"good\">{} TP</td><td \
         class=\"bad\">{} FN</td></tr><tr><th>did not default</th><td class=\"bad\">{} \
         FP</td><td class=\"good\">{} TN</td></tr></table>",
        c.true_positives, c.false_negatives, c.false_positives, c.true_negatives
    );
    let _ = writeln!(
        s,
        "<h2>Rating grades</h2>{}",
        markdown_table_to_html(&grades_markdown(comparison, &comparison.grades()?))
    );
    let _ = writeln!(
        s,
        "<h2>Gains (lift)</h2>{}",
        markdown_table_to_html(&gains_markdown(comparison)?)
    );
    let _ = writeln!(
        s,
        "<h2>Model card</h2>{}",
        markdown_table_to_html(&card_markdown(card))
    );
    let _ = writeln!(
        s,
        "<h2>Feature importance</h2>{}",
        markdown_table_to_html(&importance_markdown(card, 15))
    );
    let _ = writeln!(
        s,
        "<details><summary>report.md</summary><pre>{}</pre></details></body></html>",
        escape(&md)
    );
    Ok(s)
}
