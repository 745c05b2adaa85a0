//! The points table as CSV and Markdown.

use std::fmt::Write as _;

use crate::output::escape_cell;
use crate::scorecard::Scorecard;

/// Offsets from the base score, in PDOs, of the score-to-PD lines of the Markdown export.
const PD_LINES: [f64; 7] = [-3.0, -2.0, -1.0, 0.0, 1.0, 2.0, 3.0];

/// A number for a table cell: whole points without decimals, others with `digits`.
fn number(x: f64, digits: usize) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{x:.0}")
    } else {
        format!("{x:.digits$}")
    }
}

/// A Markdown cell: `|` escaped, line breaks as spaces.
fn md_cell(text: &str) -> String {
    text.replace('|', "\\|").replace(['\n', '\r'], " ")
}

impl Scorecard {
    /// The points table as CSV: `column,bin,woe,iv,count,event_rate,points`, one line per bin.
    /// Text cells go through the project's CSV escaping ([`crate::output::escape_cell`]: RFC
    /// 4180 quotes, and a leading `'` before a cell a spreadsheet would take for a formula,
    /// such as the special-value bin `= -1`); numbers are written in full precision (points as
    /// whole numbers when rounded).
    pub fn to_csv(&self) -> String {
        let mut s = String::from("column,bin,woe,iv,count,event_rate,points\n");
        for r in self.rows() {
            let _ = writeln!(
                s,
                "{},{},{},{},{},{},{}",
                escape_cell(&r.column, b','),
                escape_cell(&r.bin, b','),
                r.woe,
                r.iv,
                r.count,
                if r.event_rate.is_finite() {
                    r.event_rate
                } else {
                    0.0
                },
                r.points
            );
        }
        s
    }

    /// The points table as Markdown: the scaling (PDO, base score and odds, factor, offset,
    /// intercept), a table per column with its information value and coefficient, and a short
    /// score-to-PD table (raw logistic PD and the pipeline's calibrated PD) around the base
    /// score.
    pub fn to_markdown(&self) -> String {
        let p = &self.params;
        let mut s = format!("# Scorecard `{}`\n\n", md_cell(&self.candidate));
        let _ = writeln!(
            s,
            "{} points at good:bad odds {}:1, {} points to double the odds (factor {:.4}, \
             offset {:.4}); intercept {:.6}; {} columns; points {}. A row's score is the sum of \
             its points; a higher score is a lower risk.\n",
            number(p.base_score, 2),
            number(p.base_odds, 2),
            number(p.pdo, 2),
            p.factor(),
            p.offset(),
            self.intercept,
            self.columns.len(),
            if p.round {
                "rounded to whole numbers"
            } else {
                "not rounded"
            }
        );
        for c in &self.columns {
            let _ = writeln!(
                s,
                "## {}\n\nIV {:.4}, coefficient {:.6}\n\n| bin | WoE | IV | count | event rate | points |\n|---|---|---|---|---|---|",
                md_cell(&c.name),
                c.binning.iv,
                c.coefficient
            );
            for (i, (bin, &points)) in c.binning.bins.iter().zip(&c.points).enumerate() {
                let mut label = bin.rule.to_string();
                if Some(i) == c.binning.unseen_bin {
                    label.push_str(" (and unseen levels)");
                }
                if i == c.binning.missing_bin && bin.rule != pdscore_features::BinRule::Missing {
                    label.push_str(" (and missing)");
                }
                let rate = if bin.count == 0 {
                    "-".to_owned()
                } else {
                    format!("{:.4}", bin.event_rate())
                };
                let _ = writeln!(
                    s,
                    "| {} | {:.4} | {:.4} | {} | {rate} | {} |",
                    md_cell(&label),
                    bin.woe,
                    bin.iv,
                    bin.count,
                    number(points, 2)
                );
            }
            s.push('\n');
        }
        s.push_str("## Score and PD\n\n| score | odds good:bad | PD (logistic) | PD (calibrated) |\n|---|---|---|---|\n");
        for k in PD_LINES {
            let score = p.base_score + k * p.pdo;
            let odds = ((score - p.offset()) / p.factor()).exp();
            let _ = writeln!(
                s,
                "| {} | {:.1} | {:.5} | {:.5} |",
                number(score, 2),
                odds,
                self.raw_pd(score),
                self.pd(score)
            );
        }
        s
    }
}
