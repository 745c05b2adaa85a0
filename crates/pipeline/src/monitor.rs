//! Stability monitoring of a live model: the training distribution of the PD and of every input
//! column, saved in the model file ([`StabilityProfile`]), and their comparison with new data
//! ([`Pipeline::monitor`](crate::Pipeline::monitor), [`MonitorReport`]) by the population
//! stability index (PSI of the score, CSI of each input).
//!
//! Bins are fixed at training time: numeric values by the training deciles (with one bin for
//! missing cells), categorical and boolean values by level (the most frequent
//! [`MAX_PROFILE_LEVELS`] levels, one bin for the others, one for missing). New data is counted
//! into the same bins, so the figures compare like with like and do not depend on how the new
//! file is split.

use std::collections::HashMap;
use std::fmt::Write as _;

use pdscore_ingest::{ColumnData, Schema, Table};
use pdscore_metrics::{StabilityBand, population_stability_index};
use serde::{Deserialize, Serialize};

use crate::error::{PipelineError, Result};

/// Quantile bins of a numeric column or of the PD (deciles).
pub const PROFILE_QUANTILES: usize = 10;
/// Most levels of a categorical column kept as bins of their own; the others share one bin.
pub const MAX_PROFILE_LEVELS: usize = 20;

/// How values fall into bins.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Bins {
    /// Numeric: bin `i` holds values `<= upper[i]` and above the previous edge; the last bin is
    /// everything above the last edge; then one bin for missing values.
    Numeric {
        /// Inner upper edges, strictly increasing.
        upper: Vec<f64>,
    },
    /// Levels: one bin per listed level, one for the other levels, one for missing values.
    Levels {
        /// The levels with a bin of their own.
        levels: Vec<String>,
    },
}

impl Bins {
    /// Number of bins, the missing (and other-levels) bins included.
    pub fn len(&self) -> usize {
        match self {
            Bins::Numeric { upper } => upper.len() + 2,
            Bins::Levels { levels } => levels.len() + 2,
        }
    }

    /// True when there are no bins (never: there is always a missing bin).
    pub fn is_empty(&self) -> bool {
        false
    }

    /// Labels of the bins, for reports.
    pub fn labels(&self) -> Vec<String> {
        match self {
            Bins::Numeric { upper } => {
                let mut labels = Vec::with_capacity(upper.len() + 2);
                let mut lower: Option<f64> = None;
                for &u in upper {
                    labels.push(match lower {
                        None => format!("<= {}", short(u)),
                        Some(l) => format!("({}, {}]", short(l), short(u)),
                    });
                    lower = Some(u);
                }
                labels.push(match lower {
                    None => "all values".to_owned(),
                    Some(l) => format!("> {}", short(l)),
                });
                labels.push("missing".to_owned());
                labels
            }
            Bins::Levels { levels } => {
                let mut labels = levels.clone();
                labels.push("other levels".to_owned());
                labels.push("missing".to_owned());
                labels
            }
        }
    }

    /// Counts of `values` per bin (`None`: missing).
    fn count_numeric(upper: &[f64], values: impl Iterator<Item = Option<f64>>) -> Vec<f64> {
        let mut counts = vec![0.0; upper.len() + 2];
        for v in values {
            let bin = match v {
                Some(x) if x.is_finite() => upper.partition_point(|&u| u < x),
                _ => upper.len() + 1,
            };
            counts[bin] += 1.0;
        }
        counts
    }

    /// Counts of `values` per level bin.
    fn count_levels<'a>(
        levels: &[String],
        values: impl Iterator<Item = Option<&'a str>>,
    ) -> Vec<f64> {
        let index: HashMap<&str, usize> = levels
            .iter()
            .enumerate()
            .map(|(i, l)| (l.as_str(), i))
            .collect();
        let mut counts = vec![0.0; levels.len() + 2];
        for v in values {
            let bin = match v {
                Some(level) => index.get(level).copied().unwrap_or(levels.len()),
                None => levels.len() + 1,
            };
            counts[bin] += 1.0;
        }
        counts
    }
}

/// A number with 4 significant digits, for bin labels.
fn short(v: f64) -> String {
    if v == 0.0 || !v.is_finite() {
        return v.to_string();
    }
    let digits = (3 - v.abs().log10().floor() as i32).max(0) as usize;
    format!("{v:.digits$}")
}

/// The training distribution of one quantity: its bins and the share of training rows in each.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Distribution {
    /// The bins.
    pub bins: Bins,
    /// Share of the training rows in each bin (sums to 1).
    pub shares: Vec<f64>,
}

/// The training distribution of one input column.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ColumnProfile {
    /// Column name.
    pub column: String,
    /// Its distribution on the training rows.
    pub distribution: Distribution,
}

/// What the training data looked like: the PD and every input column, binned. Saved in the
/// model file; models saved before monitoring existed have none.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StabilityProfile {
    /// Training rows profiled.
    pub rows: usize,
    /// The PD of the saved pipeline on its training rows.
    pub score: Distribution,
    /// Each input column of the schema, in schema order.
    pub columns: Vec<ColumnProfile>,
}

impl StabilityProfile {
    /// The profile of `table` (the training rows, read with `schema`) whose PDs are `pd`.
    ///
    /// # Errors
    /// [`PipelineError::InvalidParam`] when `pd` does not have one value per row.
    pub fn new(table: &Table, schema: &Schema, pd: &[f64]) -> Result<StabilityProfile> {
        if pd.len() != table.n_rows() {
            return Err(PipelineError::InvalidParam {
                name: "pd",
                value: pd.len().to_string(),
                reason: format!("one PD per training row ({})", table.n_rows()),
            });
        }
        let score = numeric_distribution(pd.iter().map(|&p| Some(p)));
        let columns = schema
            .features
            .iter()
            .filter_map(|f| table.column(&f.name))
            .map(|c| ColumnProfile {
                column: c.name.clone(),
                distribution: column_distribution(&c.data),
            })
            .collect();
        Ok(StabilityProfile {
            rows: table.n_rows(),
            score,
            columns,
        })
    }
}

/// Decile bins of the finite values and their shares.
fn numeric_distribution(values: impl Iterator<Item = Option<f64>> + Clone) -> Distribution {
    let mut finite: Vec<f64> = values.clone().flatten().filter(|x| x.is_finite()).collect();
    finite.sort_by(f64::total_cmp);
    let mut upper: Vec<f64> = Vec::new();
    if !finite.is_empty() {
        for q in 1..PROFILE_QUANTILES {
            // The largest value of the lowest q tenths of the rows.
            let at = (q * finite.len())
                .div_ceil(PROFILE_QUANTILES)
                .saturating_sub(1);
            let edge = finite[at.min(finite.len() - 1)];
            // An edge equal to the largest value would leave the top bin empty.
            if edge < finite[finite.len() - 1] && upper.last().is_none_or(|&u| edge > u) {
                upper.push(edge);
            }
        }
    }
    let counts = Bins::count_numeric(&upper, values);
    Distribution {
        shares: shares(&counts),
        bins: Bins::Numeric { upper },
    }
}

/// The distribution of one column: deciles for numbers, levels otherwise.
fn column_distribution(data: &ColumnData) -> Distribution {
    match data {
        ColumnData::Numeric(v) => numeric_distribution(v.iter().map(|&x| Some(x))),
        ColumnData::Categorical(c) => {
            let mut counts: HashMap<&str, usize> = HashMap::new();
            for row in 0..c.codes.len() {
                if let Some(level) = c.value(row) {
                    *counts.entry(level).or_default() += 1;
                }
            }
            level_distribution(counts, (0..c.codes.len()).map(|row| c.value(row)))
        }
        ColumnData::Boolean(v) => {
            let names = |b: &Option<bool>| b.map(|b| if b { "true" } else { "false" });
            let mut counts: HashMap<&str, usize> = HashMap::new();
            for level in v.iter().filter_map(names) {
                *counts.entry(level).or_default() += 1;
            }
            level_distribution(counts, v.iter().map(names))
        }
    }
}

fn level_distribution<'a>(
    counts: HashMap<&str, usize>,
    values: impl Iterator<Item = Option<&'a str>>,
) -> Distribution {
    let mut ranked: Vec<(&str, usize)> = counts.into_iter().collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let levels: Vec<String> = ranked
        .iter()
        .take(MAX_PROFILE_LEVELS)
        .map(|(l, _)| (*l).to_owned())
        .collect();
    let counts = Bins::count_levels(&levels, values);
    Distribution {
        shares: shares(&counts),
        bins: Bins::Levels { levels },
    }
}

fn shares(counts: &[f64]) -> Vec<f64> {
    let total: f64 = counts.iter().sum();
    counts
        .iter()
        .map(|&c| if total > 0.0 { c / total } else { 0.0 })
        .collect()
}

/// How far one quantity moved: its PSI and band, and the shares per bin on both sides.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Stability {
    /// `pd` for the score, else the column name.
    pub name: String,
    /// Population stability index of the new data against the training data.
    pub psi: f64,
    /// Its reading: stable, moderate or significant.
    pub band: StabilityBand,
    /// Bin labels.
    pub bins: Vec<String>,
    /// Training shares per bin.
    pub expected: Vec<f64>,
    /// New-data shares per bin.
    pub actual: Vec<f64>,
}

/// The stability of a model on new data: the PD's PSI and every input column's CSI.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MonitorReport {
    /// Rows of the new data.
    pub rows: usize,
    /// Training rows the profile was made from.
    pub training_rows: usize,
    /// Stability of the PD.
    pub score: Stability,
    /// Stability of each input column, largest CSI first.
    pub columns: Vec<Stability>,
    /// Columns of the profile absent from the new data.
    pub missing_columns: Vec<String>,
}

impl MonitorReport {
    /// The largest index in the report (the PD's or a column's).
    pub fn max_index(&self) -> f64 {
        self.columns
            .iter()
            .map(|c| c.psi)
            .fold(self.score.psi, f64::max)
    }

    /// The report as a self-contained HTML page (the Markdown's tables as HTML tables).
    pub fn html(&self) -> String {
        let md = self.markdown();
        let body = md.split_once('\n').map_or("", |(_, rest)| rest);
        format!(
            "<!doctype html><html><head><meta charset=\"utf-8\"><title>pdscore stability \
             report</title><style>{}</style></head><body><h1>pdscore stability report</h1>\n{}\
             </body></html>\n",
            crate::report::html::CSS,
            crate::report::html::markdown_table_to_html(body)
        )
    }

    /// The report as Markdown: the PD's PSI and a table of the columns.
    pub fn markdown(&self) -> String {
        let mut s = format!(
            "# pdscore stability report\n\n{} new rows against {} training rows. Bands: PSI below \
             {} stable, below {} moderate, else significant.\n\n",
            self.rows,
            self.training_rows,
            StabilityBand::STABLE_BELOW,
            StabilityBand::MODERATE_BELOW
        );
        let _ = write!(
            s,
            "**PD: PSI {:.4} ({})**\n\n| PD bin | training share | new share |\n|---|---|---|\n",
            self.score.psi,
            self.score.band.name()
        );
        for ((label, e), a) in self
            .score
            .bins
            .iter()
            .zip(&self.score.expected)
            .zip(&self.score.actual)
        {
            let _ = writeln!(s, "| {label} | {:.2} % | {:.2} % |", 100.0 * e, 100.0 * a);
        }
        s.push_str("\n| column | CSI | band |\n|---|---|---|\n");
        for c in &self.columns {
            let _ = writeln!(
                s,
                "| {} | {:.4} | {} |",
                c.name.replace('|', "\\|"),
                c.psi,
                c.band.name()
            );
        }
        if !self.missing_columns.is_empty() {
            let _ = write!(
                s,
                "\nColumns absent from the new data: {}.\n",
                self.missing_columns.join(", ")
            );
        }
        s
    }
}

/// Compares `table` (new data) and its PDs `pd` with `profile`.
pub(crate) fn compare_with_profile(
    profile: &StabilityProfile,
    table: &Table,
    pd: &[f64],
) -> Result<MonitorReport> {
    // The score is binned numerically; a profile saying otherwise gets no counts, and the
    // PSI an error rather than a figure.
    let score_counts = match &profile.score.bins {
        Bins::Numeric { upper } => Bins::count_numeric(upper, pd.iter().map(|&p| Some(p))),
        bins @ Bins::Levels { .. } => vec![0.0; bins.len()],
    };
    let score = stability("pd", &profile.score, score_counts)?;
    let mut columns = Vec::new();
    let mut missing_columns = Vec::new();
    for p in &profile.columns {
        let Some(column) = table.column(&p.column) else {
            missing_columns.push(p.column.clone());
            continue;
        };
        let counts = count_column(&p.distribution.bins, &column.data);
        columns.push(stability(&p.column, &p.distribution, counts)?);
    }
    columns.sort_by(|a, b| b.psi.total_cmp(&a.psi));
    Ok(MonitorReport {
        rows: table.n_rows(),
        training_rows: profile.rows,
        score,
        columns,
        missing_columns,
    })
}

fn count_column(bins: &Bins, data: &ColumnData) -> Vec<f64> {
    match (bins, data) {
        (Bins::Numeric { upper }, ColumnData::Numeric(v)) => {
            Bins::count_numeric(upper, v.iter().map(|&x| Some(x)))
        }
        (Bins::Levels { levels }, ColumnData::Categorical(c)) => {
            Bins::count_levels(levels, (0..c.codes.len()).map(|row| c.value(row)))
        }
        (Bins::Levels { levels }, ColumnData::Boolean(v)) => Bins::count_levels(
            levels,
            v.iter()
                .map(|b| b.map(|b| if b { "true" } else { "false" })),
        ),
        // The column changed kind: every value counts as missing.
        (bins, data) => {
            let mut counts = vec![0.0; bins.len()];
            counts[bins.len() - 1] = data.len() as f64;
            counts
        }
    }
}

fn stability(name: &str, training: &Distribution, counts: Vec<f64>) -> Result<Stability> {
    let psi = population_stability_index(&training.shares, &counts)?;
    Ok(Stability {
        name: name.to_owned(),
        psi,
        band: StabilityBand::of(psi),
        bins: training.bins.labels(),
        expected: training.shares.clone(),
        actual: shares(&counts),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use pdscore_ingest::{CategoricalColumn, Column};

    fn table(x: Vec<f64>, level: Vec<Option<&str>>) -> Table {
        Table::new(vec![
            Column {
                name: "x".into(),
                data: ColumnData::Numeric(x),
            },
            Column {
                name: "c".into(),
                data: ColumnData::Categorical(CategoricalColumn::from_values(&level)),
            },
        ])
        .expect("equal lengths")
    }

    #[test]
    fn deciles_hold_a_tenth_each_and_missing_has_its_bin() {
        let mut x: Vec<f64> = (0..1000).map(f64::from).collect();
        x.extend([f64::NAN; 100]);
        let d = numeric_distribution(x.iter().map(|&v| Some(v)));
        let Bins::Numeric { upper } = &d.bins else {
            panic!("numeric")
        };
        assert_eq!(upper.len(), 9);
        for share in &d.shares[..10] {
            assert!((share - 100.0 / 1100.0).abs() < 1e-12, "{:?}", d.shares);
        }
        assert!((d.shares[10] - 100.0 / 1100.0).abs() < 1e-12);
        assert_eq!(d.bins.labels().len(), 11);
    }

    #[test]
    fn the_same_data_is_stable_and_a_shift_is_not() {
        let x: Vec<f64> = (0..2000).map(|i| f64::from(i % 100)).collect();
        let levels: Vec<Option<&str>> = (0..2000)
            .map(|i| match i % 4 {
                0 => Some("a"),
                1 => Some("b"),
                2 => Some("c"),
                _ => None,
            })
            .collect();
        let training = table(x.clone(), levels.clone());
        let schema = Schema::infer(&training, None, None).expect("schema");
        let pd: Vec<f64> = x.iter().map(|v| v / 200.0).collect();
        let profile = StabilityProfile::new(&training, &schema, &pd).expect("profile");
        let same = compare_with_profile(&profile, &training, &pd).expect("same");
        assert!(same.max_index() < 1e-12, "{same:?}");

        let shifted_x: Vec<f64> = x.iter().map(|v| v + 50.0).collect();
        let shifted_levels: Vec<Option<&str>> = levels
            .iter()
            .map(|l| if *l == Some("a") { Some("new") } else { *l })
            .collect();
        let new = table(shifted_x.clone(), shifted_levels);
        let new_pd: Vec<f64> = shifted_x.iter().map(|v| v / 200.0).collect();
        let report = compare_with_profile(&profile, &new, &new_pd).expect("shifted");
        assert_eq!(report.score.band, StabilityBand::Significant);
        let csi = |name: &str| report.columns.iter().find(|c| c.name == name).expect(name);
        assert_eq!(csi("x").band, StabilityBand::Significant);
        // a quarter of the rows moved from level `a` to an unseen level (the "other" bin)
        assert!(csi("c").psi > 0.25, "{}", csi("c").psi);
        assert!(report.markdown().contains("| x |"));
    }

    #[test]
    fn a_model_file_without_profile_loads_and_says_to_retrain() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../fuzz/corpus/model_file_load/logreg_model.json");
        let pipeline = crate::Pipeline::load(&path).expect("a file saved before monitoring");
        assert!(pipeline.profile().is_none());
        let error = pipeline
            .monitor(&Table::new(vec![]).expect("empty"))
            .expect_err("no profile")
            .to_string();
        assert!(error.contains("retrain"), "{error}");
    }
}
