//! Reports of a comparison: a plain-text table, `report.md`, and a self-contained
//! `report.html` (inline CSS and SVG charts, no external assets).

use std::fmt::Write as _;

use pdscore_metrics::{BinStrategy, RankedScores, calibration_curve};

use crate::card::{CvRow, ModelCard, policy_text};
use crate::compare::Comparison;
use crate::error::Result;
use crate::plot::{Reference, Series, UnitChart, unit_chart_svg};

/// The comparison table as aligned plain text (for terminals); the best row is marked `*`.
pub fn table_text(rows: &[CvRow], best: &str) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "  {:<18} {:>15} {:>15} {:>7} {:>6} {:>6} {:>6} {:>8} {:>6} {:>6} {:>7} {:>6} {:>7}",
        "model",
        "ROC AUC",
        "PR AUC",
        "Brier",
        "F1",
        "prec",
        "recall",
        "thr",
        "TP",
        "FP",
        "TN",
        "FN",
        "fit s"
    );
    for r in rows {
        let mark = if r.name == best { '*' } else { ' ' };
        let _ = writeln!(
            s,
            "{mark} {:<18} {:>7.4}±{:<7.4} {:>7.4}±{:<7.4} {:>7.4} {:>6.3} {:>6.3} {:>6.3} {:>8.4} {:>6} {:>6} {:>7} {:>6} {:>7.2}",
            r.name,
            r.roc_auc,
            r.roc_auc_std,
            r.pr_auc,
            r.pr_auc_std,
            r.brier,
            r.f1,
            r.precision,
            r.recall,
            r.threshold,
            r.tp,
            r.fp,
            r.tn,
            r.fn_,
            r.fit_seconds
        );
    }
    s
}

fn table_markdown(rows: &[CvRow], best: &str) -> String {
    let mut s = String::from(
        "| model | ROC AUC | PR AUC | Brier | F1 | precision | recall | threshold | TP | FP | TN | FN | fit s |\n\
         |---|---|---|---|---|---|---|---|---|---|---|---|---|\n",
    );
    for r in rows {
        let name = if r.name == best {
            format!("**{}** (best)", r.name)
        } else {
            r.name.clone()
        };
        let _ = writeln!(
            s,
            "| {name} | {:.4} ± {:.4} | {:.4} ± {:.4} | {:.4} | {:.3} | {:.3} | {:.3} | {:.4} | {} | {} | {} | {} | {:.2} |",
            r.roc_auc,
            r.roc_auc_std,
            r.pr_auc,
            r.pr_auc_std,
            r.brier,
            r.f1,
            r.precision,
            r.recall,
            r.threshold,
            r.tp,
            r.fp,
            r.tn,
            r.fn_,
            r.fit_seconds
        );
    }
    s
}

fn card_markdown(card: &ModelCard) -> String {
    let mut s = String::new();
    let d = &card.training_data;
    let _ = writeln!(s, "| field | value |\n|---|---|");
    let rows = [
        ("pdscore version", card.pdscore_version.clone()),
        ("created at (UTC)", card.created_at.clone()),
        (
            "training data",
            format!(
                "{} rows, {} labelled, {} positive ({:.2} %)",
                d.rows,
                d.labelled_rows,
                d.positives,
                100.0 * d.positives as f64 / d.labelled_rows.max(1) as f64
            ),
        ),
        (
            "input sha256",
            d.sha256.clone().unwrap_or_else(|| "-".into()),
        ),
        (
            "model",
            format!("{} ({})", card.model.candidate, card.model.family),
        ),
        ("model description", card.model.description.clone()),
        ("feature preset", card.model.feature_preset.label().into()),
        (
            "model inputs",
            format!(
                "{} columns in, {} inputs after preprocessing",
                card.schema.columns.len(),
                card.feature_steps.n_outputs
            ),
        ),
        ("resampling", card.resampling.clone()),
        (
            "chosen positive weight",
            card.chosen_positive_weight
                .map_or_else(|| "-".into(), |w| w.to_string()),
        ),
        (
            "threshold",
            format!(
                "{:.6} ({})",
                card.threshold.value,
                policy_text(&card.threshold.policy)
            ),
        ),
        (
            "selection",
            format!(
                "highest mean {} over {}-fold CV (seed {}){}",
                card.cv.selection.metric.name(),
                card.cv.folds,
                card.cv.seed,
                if card.cv.selection.ties_within_std {
                    ", ties within one std broken by the other AUC, then fewer FN"
                } else {
                    ""
                }
            ),
        ),
    ];
    for (k, v) in rows {
        let _ = writeln!(s, "| {k} | {} |", v.replace('|', "\\|"));
    }
    s
}

fn importance_markdown(card: &ModelCard, top: usize) -> String {
    let mut s = format!(
        "Method: {:?}. Top {top} of {} inputs.\n\n| input | importance |\n|---|---|\n",
        card.feature_importance.method,
        card.feature_importance.values.len()
    );
    for (name, v) in card.feature_importance.values.iter().take(top) {
        let _ = writeln!(s, "| {name} | {v:.5} |");
    }
    s
}

/// `report.md`: the comparison table, the best model's confusion matrix and the model card.
pub fn markdown(comparison: &Comparison, card: &ModelCard) -> String {
    let best = comparison.best();
    let rows: Vec<CvRow> = comparison.results.iter().map(CvRow::new).collect();
    let c = &best.confusion;
    let mut s = String::new();
    let _ = writeln!(s, "# pdscore model comparison\n");
    let _ = writeln!(
        s,
        "{} labelled rows ({} positive), {}-fold stratified CV (seed {}), threshold policy: {}. \
         Whole comparison: {:.1} s.\n",
        comparison.y.len(),
        comparison.y.iter().filter(|&&v| v).count(),
        comparison.cv.folds,
        comparison.cv.seed,
        policy_text(&comparison.cv.threshold),
        comparison.wall_seconds
    );
    let _ = writeln!(
        s,
        "AUCs are mean ± sample std over folds; F1, precision, recall and the confusion counts are \
         on the pooled out-of-fold predictions at the chosen threshold.\n"
    );
    s.push_str(&table_markdown(&rows, &best.candidate.name));
    for f in &comparison.failed {
        let _ = writeln!(s, "\n- `{}` failed: {}", f.name, f.error);
    }
    let _ = writeln!(
        s,
        "\n## Best: {}\n\nPooled out-of-fold confusion matrix at threshold {:.4}:\n\n\
         | | predicted default | predicted no default |\n|---|---|---|\n\
         | defaulted | {} (TP) | {} (FN) |\n| did not default | {} (FP) | {} (TN) |\n",
        best.candidate.name,
        best.threshold,
        c.true_positives,
        c.false_negatives,
        c.false_positives,
        c.true_negatives
    );
    let _ = writeln!(s, "## Model card\n\n{}", card_markdown(card));
    let _ = writeln!(
        s,
        "## Feature importance\n\n{}",
        importance_markdown(card, 15)
    );
    s
}

/// `report.html`: everything in [`markdown`] plus ROC and PR curves of every candidate and the
/// calibration curve of the best, as inline SVG; no external assets.
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
    let calibration = calibration_curve(y, &best.oof, 10, BinStrategy::Quantile)?;
    // Zoom on the populated corner: with 1 % defaulters every point sits near the origin.
    let top = calibration
        .prob_pred
        .iter()
        .chain(&calibration.prob_true)
        .fold(0.0_f64, |a, &b| a.max(b));
    let extent = (top * 1.1).clamp(0.01, 1.0);
    let calibration_svg = unit_chart_svg(
        &UnitChart {
            title: "Calibration of the best model (10 quantile bins)",
            x_label: "mean predicted PD",
            y_label: "observed default rate",
            reference: Reference::Diagonal,
            markers: true,
            extent,
        },
        &[Series {
            label: best.candidate.name.clone(),
            points: calibration
                .prob_pred
                .iter()
                .copied()
                .zip(calibration.prob_true.iter().copied())
                .collect(),
        }],
        480,
        400,
    )?;
    let md = markdown(comparison, card);
    let c = &best.confusion;
    let mut s = String::new();
    let _ = write!(
        s,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>pdscore report</title><style>{CSS}</style></head><body>\n"
    );
    let _ = writeln!(s, "<h1>pdscore model comparison</h1>");
    let _ = writeln!(
        s,
        "<p>{} labelled rows ({} positive, {:.2} %), {}-fold stratified CV (seed {}), threshold \
         policy: {}. Whole comparison: {:.1} s. Best: <b>{}</b>.</p>",
        y.len(),
        y.iter().filter(|&&v| v).count(),
        100.0 * positive_rate,
        comparison.cv.folds,
        comparison.cv.seed,
        escape(&policy_text(&comparison.cv.threshold)),
        comparison.wall_seconds,
        escape(&best.candidate.name)
    );
    let rows: Vec<CvRow> = comparison.results.iter().map(CvRow::new).collect();
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
    let _ = writeln!(
        s,
        "<div class=\"charts\"><figure>{roc_svg}</figure><figure>{pr_svg}</figure></div>"
    );
    let _ = writeln!(
        s,
        "<h2>Best: {}</h2><div class=\"charts\"><figure>{calibration_svg}</figure><figure>\
         <table class=\"confusion\"><caption>Pooled out-of-fold confusion matrix at threshold \
         {:.4}</caption><tr><th></th><th>predicted default</th><th>predicted no default</th></tr>\
         <tr><th>defaulted</th><td class=\"good\">{} TP</td><td class=\"bad\">{} FN</td></tr>\
         <tr><th>did not default</th><td class=\"bad\">{} FP</td><td class=\"good\">{} TN</td></tr>\
         </table></figure></div>",
        escape(&best.candidate.name),
        best.threshold,
        c.true_positives,
        c.false_negatives,
        c.false_positives,
        c.true_negatives
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

const CSS: &str = "body{font-family:system-ui,sans-serif;margin:2em;max-width:1400px;color:#222}\
table{border-collapse:collapse;margin:1em 0;font-size:13px}th,td{border:1px solid #ccc;\
padding:3px 8px;text-align:right}th{background:#f3f3f3}td:first-child{text-align:left}\
.charts{display:flex;flex-wrap:wrap;gap:1em}figure{margin:0}.confusion td{font-size:16px;\
padding:12px}.good{background:#e6f4e6}.bad{background:#fbe9e9}.failed{color:#a00}";

/// HTML-escapes `&`, `<`, `>` and `"`.
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Converts the simple pipe tables this module writes (and any text lines before them) to
/// HTML; `**bold**` becomes `<b>`.
fn markdown_table_to_html(md: &str) -> String {
    let mut s = String::new();
    let mut in_table = false;
    let mut header = true;
    for line in md.lines() {
        let line = line.trim();
        if line.starts_with('|') {
            if line.starts_with("|---") {
                continue;
            }
            if !in_table {
                s.push_str("<table>");
                in_table = true;
                header = true;
            }
            let cells: Vec<&str> = line.trim_matches('|').split(" | ").collect();
            let tag = if header { "th" } else { "td" };
            s.push_str("<tr>");
            for cell in cells {
                let cell = escape(cell.trim()).replace("\\|", "|");
                let cell = bold(&cell);
                let _ = write!(s, "<{tag}>{cell}</{tag}>");
            }
            s.push_str("</tr>");
            header = false;
        } else {
            if in_table {
                s.push_str("</table>\n");
                in_table = false;
            }
            if !line.is_empty() {
                let _ = write!(s, "<p>{}</p>", bold(&escape(line)));
            }
        }
    }
    if in_table {
        s.push_str("</table>\n");
    }
    s
}

fn bold(text: &str) -> String {
    let mut out = String::new();
    let mut open = false;
    for (i, part) in text.split("**").enumerate() {
        if i > 0 {
            out.push_str(if open { "</b>" } else { "<b>" });
            open = !open;
        }
        out.push_str(part);
    }
    if open {
        out.push_str("</b>");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_tables_become_html_tables() {
        let html = markdown_table_to_html("intro\n| a | b |\n|---|---|\n| **x** | 1 < 2 |\n");
        assert_eq!(
            html,
            "<p>intro</p><table><tr><th>a</th><th>b</th></tr><tr><td><b>x</b></td><td>1 &lt; 2</td></tr></table>\n"
        );
    }
}
