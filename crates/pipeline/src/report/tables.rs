//! The comparison tables (plain text and Markdown), the model card and the importance table.

use std::fmt::Write as _;

use crate::card::{CvRow, ModelCard, policy_text};

/// The ranking and decision table in Markdown.
pub(super) fn table_markdown(rows: &[CvRow], best: &str) -> String {
    let mut s = String::from(
        "| model | ROC AUC | PR AUC | Gini | KS | F1 | precision | recall | threshold | TP | FP | TN | FN | fit s |\n\
         |---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n",
    );
    for r in rows {
        let _ = writeln!(
            s,
            "| {} | {:.4} ± {:.4} | {:.4} ± {:.4} | {:.4} | {:.4} | {:.3} | {:.3} | {:.3} | {:.4} | {} | {} | {} | {} | {:.2} |",
            name_cell(&r.name, best),
            r.roc_auc,
            r.roc_auc_std,
            r.pr_auc,
            r.pr_auc_std,
            r.gini,
            r.ks,
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

/// The calibration table in Markdown: how close the pooled out-of-fold PDs are to the
/// observed default rates.
pub(super) fn calibration_markdown(rows: &[CvRow], best: &str) -> String {
    let mut s = String::from(
        "| model | calibration | log loss | Brier | ECE | mean PD / observed | intercept | slope | Hosmer–Lemeshow p |\n\
         |---|---|---|---|---|---|---|---|---|\n",
    );
    for r in rows {
        let _ = writeln!(
            s,
            "| {} | {} | {:.4} | {:.4} | {:.4} | {:.3} | {:.3} | {:.3} | {:.3} |",
            name_cell(&r.name, best),
            r.calibration,
            r.log_loss,
            r.brier,
            r.ece,
            r.mean_pd_ratio,
            r.cal_intercept,
            r.cal_slope,
            r.hosmer_lemeshow_p
        );
    }
    s
}

fn name_cell(name: &str, best: &str) -> String {
    if name == best {
        format!("**{name}** (best)")
    } else {
        name.to_owned()
    }
}

/// The model card as a two-column Markdown table.
pub(super) fn card_markdown(card: &ModelCard) -> String {
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
            "tuned parameters",
            card.tuned
                .as_ref()
                .map_or_else(|| "-".into(), crate::TunedParams::summary),
        ),
        (
            "calibration",
            format!(
                "{} (chosen by {}, {} inner folds)",
                card.calibration.description,
                card.calibration.selected_by,
                card.calibration.inner_folds
            ),
        ),
        (
            "iterations",
            card.calibration.iterations.map_or_else(
                || "-".into(),
                |n| format!("{n} (early stopping on the inner folds)"),
            ),
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
                "{} over {}-fold CV (seed {}); leader {}, tied {}",
                card.cv.selection.describe(),
                card.cv.folds,
                card.cv.seed,
                card.cv.leader,
                card.cv.tied.join(", ")
            ),
        ),
    ];
    for (k, v) in rows {
        let _ = writeln!(s, "| {k} | {} |", v.replace('|', "\\|"));
    }
    if let Some(e) = &card.ensemble {
        for m in &e.members {
            let _ = writeln!(
                s,
                "| ensemble member | {} (weight {:.4}): {}; {} |",
                m.candidate,
                m.weight,
                m.description.replace('|', "\\|"),
                m.calibration.replace('|', "\\|")
            );
        }
        let _ = writeln!(
            s,
            "| meta-learner | intercept {:.4}, fitted on {} |",
            e.intercept, e.fitted_on
        );
    }
    s
}

/// The top `top` inputs by importance as a Markdown table.
pub(super) fn importance_markdown(card: &ModelCard, top: usize) -> String {
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
