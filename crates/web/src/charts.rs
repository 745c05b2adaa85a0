//! Inline SVG charts of a result: the PD histogram (drawn here) and the ROC and PR curves
//! (drawn by the pipeline's report charts). No external assets.

use std::fmt::Write as _;

use pdscore::pipeline::Evaluation;
use pdscore::pipeline::plot::{Reference, Series, UnitChart, unit_chart_svg};

/// Number of bars of the PD histogram.
pub const HISTOGRAM_BINS: usize = 25;

/// The smallest "round" upper bound of the PD axis at or above `max_pd`.
fn axis_top(max_pd: f64) -> f64 {
    [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0]
        .into_iter()
        .find(|&t| max_pd <= t)
        .unwrap_or(1.0)
}

/// Counts of `pd` in [`HISTOGRAM_BINS`] equal bins from 0 to `top` (the last bin is closed),
/// split into rows below the threshold and rows at or above it: `(below, flagged)` per bin.
pub fn histogram_counts(pd: &[f64], top: f64, threshold: f64) -> Vec<(usize, usize)> {
    let mut counts = vec![(0usize, 0usize); HISTOGRAM_BINS];
    for &p in pd {
        let bin = ((p / top) * HISTOGRAM_BINS as f64).floor();
        let bin = if bin.is_nan() { 0.0 } else { bin };
        let index = (bin.max(0.0) as usize).min(HISTOGRAM_BINS - 1);
        if p >= threshold {
            counts[index].1 += 1;
        } else {
            counts[index].0 += 1;
        }
    }
    counts
}

/// The PD histogram as an accessible inline SVG: each bar split into rows below the threshold
/// (blue) and flagged rows (orange), a dashed line at the threshold, counts on a square-root
/// scale so that the thin tail of high PDs stays visible.
pub fn pd_histogram_svg(pd: &[f64], threshold: f64) -> String {
    let max_pd = pd.iter().copied().fold(threshold, f64::max);
    let top = axis_top(max_pd);
    let counts = histogram_counts(pd, top, threshold);
    let tallest = counts.iter().map(|(a, b)| a + b).max().unwrap_or(0).max(1);
    let scale = |count: usize| (count as f64 / tallest as f64).sqrt();
    let (width, height) = (960.0, 270.0);
    let (left, right, top_pad, bottom) = (64.0, 16.0, 30.0, 46.0);
    let plot_w = width - left - right;
    let plot_h = height - top_pad - bottom;
    let bar_w = plot_w / HISTOGRAM_BINS as f64;
    let flagged: usize = counts.iter().map(|c| c.1).sum();
    let mut svg = String::with_capacity(8 * 1024);
    let _ = write!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" aria-labelledby="hist-title hist-desc" class="chart-svg">"#
    );
    let _ = write!(
        svg,
        r#"<title id="hist-title">Distribution of predicted PD</title><desc id="hist-desc">{} rows in {HISTOGRAM_BINS} bins from 0 to {top}, {flagged} at or above the threshold {threshold:.4} (dashed line); bar heights on a square-root scale, the tallest bin holds {tallest} rows.</desc>"#,
        pd.len()
    );
    // Grid and y ticks (square-root scale: tick k of 4 sits at (k/4)^2 of the tallest bin).
    for i in 0..=4 {
        let frac = f64::from(i) / 4.0;
        let y = top_pad + plot_h * (1.0 - frac);
        let value = (tallest as f64 * frac * frac).round() as usize;
        let _ = write!(
            svg,
            r##"<line x1="{left}" y1="{y:.1}" x2="{:.1}" y2="{y:.1}" stroke="#e3e7ee"/><text x="{:.1}" y="{:.1}" font-size="12" text-anchor="end" fill="#475467">{value}</text>"##,
            left + plot_w,
            left - 8.0,
            y + 4.0
        );
    }
    for (i, &(below, above)) in counts.iter().enumerate() {
        let lo = top * i as f64 / HISTOGRAM_BINS as f64;
        let hi = top * (i + 1) as f64 / HISTOGRAM_BINS as f64;
        let x = left + bar_w * i as f64 + 1.5;
        let w = (bar_w - 3.0).max(1.0);
        let total_h = plot_h * scale(below + above);
        let below_h = if below + above == 0 {
            0.0
        } else {
            total_h * below as f64 / (below + above) as f64
        };
        let base = top_pad + plot_h;
        let label = format!(
            "PD {lo:.4} to {hi:.4}: {} rows, {above} flagged",
            below + above
        );
        if below > 0 {
            let _ = write!(
                svg,
                r##"<rect x="{x:.1}" y="{:.1}" width="{w:.1}" height="{below_h:.1}" fill="#2f5d8a"><title>{label}</title></rect>"##,
                base - below_h
            );
        }
        if above > 0 {
            let _ = write!(
                svg,
                r##"<rect x="{x:.1}" y="{:.1}" width="{w:.1}" height="{:.1}" fill="#c2410c"><title>{label}</title></rect>"##,
                base - total_h,
                total_h - below_h
            );
        }
    }
    // X axis with ticks at 0, top/5, ..., top.
    let _ = write!(
        svg,
        r##"<line x1="{left}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke="#475467"/>"##,
        top_pad + plot_h,
        left + plot_w,
        top_pad + plot_h
    );
    for i in 0..=5 {
        let value = top * f64::from(i) / 5.0;
        let x = left + plot_w * f64::from(i) / 5.0;
        let _ = write!(
            svg,
            r##"<text x="{x:.1}" y="{:.1}" font-size="12" text-anchor="middle" fill="#475467">{}</text>"##,
            top_pad + plot_h + 17.0,
            trim_number(value)
        );
    }
    let tx = left + plot_w * (threshold / top).clamp(0.0, 1.0);
    let _ = write!(
        svg,
        r##"<line x1="{tx:.1}" y1="{:.1}" x2="{tx:.1}" y2="{:.1}" stroke="#111827" stroke-dasharray="5 4" stroke-width="1.5"/><text x="{:.1}" y="{:.1}" font-size="12" fill="#111827">threshold {threshold:.4}</text>"##,
        top_pad - 6.0,
        top_pad + plot_h,
        (tx + 6.0).min(width - 120.0),
        top_pad - 10.0
    );
    let _ = write!(
        svg,
        r##"<text x="{:.1}" y="{:.1}" font-size="13" text-anchor="middle" fill="#1f2937">predicted probability of default</text><text x="16" y="{:.1}" font-size="12" text-anchor="middle" fill="#1f2937" transform="rotate(-90 16 {:.1})">rows (square-root scale)</text></svg>"##,
        left + plot_w / 2.0,
        height - 6.0,
        top_pad + plot_h / 2.0,
        top_pad + plot_h / 2.0
    );
    svg
}

fn trim_number(v: f64) -> String {
    let text = format!("{v:.3}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text.is_empty() {
        "0".into()
    } else {
        text.to_owned()
    }
}

/// The ROC and PR curves of an evaluation as SVG documents; empty strings when the curves are
/// not defined (one class only) or cannot be drawn.
pub fn curves_svg(evaluation: &Evaluation) -> (String, String) {
    let roc = evaluation.roc_curve.as_ref().and_then(|c| {
        unit_chart_svg(
            &UnitChart {
                title: "ROC curve",
                x_label: "false positive rate",
                y_label: "true positive rate",
                reference: Reference::Diagonal,
                markers: false,
                extent: 1.0,
            },
            &[Series {
                label: format!("AUC {:.3}", evaluation.roc_auc.unwrap_or(f64::NAN)),
                points: c.fpr.iter().copied().zip(c.tpr.iter().copied()).collect(),
            }],
            420,
            340,
        )
        .ok()
    });
    let base_rate = if evaluation.labelled_rows > 0 {
        evaluation.positives as f64 / evaluation.labelled_rows as f64
    } else {
        0.0
    };
    let pr = evaluation.pr_curve.as_ref().and_then(|c| {
        unit_chart_svg(
            &UnitChart {
                title: "Precision-recall curve",
                x_label: "recall",
                y_label: "precision",
                reference: Reference::Horizontal(base_rate),
                markers: false,
                extent: 1.0,
            },
            &[Series {
                label: format!("AP {:.3}", evaluation.pr_auc.unwrap_or(f64::NAN)),
                points: c
                    .recall
                    .iter()
                    .copied()
                    .zip(c.precision.iter().copied())
                    .collect(),
            }],
            420,
            340,
        )
        .ok()
    });
    (roc.unwrap_or_default(), pr.unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_pd_lands_in_one_bin_on_its_side_of_the_threshold() {
        let pd = [0.0, 0.001, 0.02, 0.0399, 0.04, 1.0, f64::NAN];
        let counts = histogram_counts(&pd, 0.04, 0.03);
        let total: usize = counts.iter().map(|(a, b)| a + b).sum();
        assert_eq!(total, pd.len());
        assert_eq!(counts[0], (3, 0), "0, 0.001 and NaN, none flagged");
        assert_eq!(
            counts[HISTOGRAM_BINS - 1],
            (0, 3),
            "0.0399, 0.04 and 1 clamp to the top bin, all flagged"
        );
        let straddling = histogram_counts(&[0.001, 0.0012], 0.04, 0.0011);
        assert_eq!(straddling[0], (1, 1), "one bin, split at the threshold");
    }

    #[test]
    fn histogram_is_a_titled_svg_with_one_bar_per_bin() {
        let pd: Vec<f64> = (0..100).map(|i| f64::from(i) / 1000.0).collect();
        let svg = pd_histogram_svg(&pd, 0.05);
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains("<title id=\"hist-title\">"));
        // PDs 0 to 0.099 over 25 bins of 0.004: every bin has rows; the bin holding the
        // threshold 0.05 is split in two.
        assert_eq!(svg.matches("<rect").count(), HISTOGRAM_BINS + 1);
        assert!(svg.contains("threshold 0.0500"));
        assert_eq!(axis_top(0.099), 0.1);
        assert_eq!(axis_top(0.7), 1.0);
    }
}
