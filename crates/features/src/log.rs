//! What fitting learned ([`FitLog`]) and what a transform met ([`TransformLog`]).
//!
//! Both serialise to JSON (the web page and the model card show them) and print as short
//! human-readable text with `Display`.

use std::collections::HashMap;
use std::fmt;

use pdscore_ingest::ColumnKind;
use serde::{Deserialize, Serialize};

use crate::params::CategoricalEncoding;
use crate::woe::{MonotonicTrend, WoeFit};

/// At most this many unseen levels are listed per column in a [`TransformLog`]; the rest are
/// only counted.
pub const MAX_LISTED_UNKNOWN_LEVELS: usize = 20;

/// A categorical level and how many rows had it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LevelCount {
    /// The level as written in the data (`<missing>` for a missing cell in a column without a
    /// missing level).
    pub level: String,
    /// Number of rows.
    pub count: usize,
}

/// Why a column was dropped at fit time.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "reason")]
pub enum DropReason {
    /// Its missing rate exceeded the [`SparsePolicy::Drop`](crate::SparsePolicy::Drop) limit.
    TooSparse {
        /// The limit that was exceeded.
        max_missing_rate: f64,
    },
    /// Every training cell was missing.
    AllMissing,
    /// WoE binning: the column's information value was below the minimum.
    LowInformationValue {
        /// The column's information value.
        iv: f64,
        /// The minimum ([`WoeParams::min_iv`](crate::WoeParams::min_iv)).
        min_iv: f64,
    },
}

/// Standard-scaling statistics of one column: output = `(x - mean) / std`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Scaling {
    /// Mean of the imputed training values.
    pub mean: f64,
    /// Population standard deviation of the imputed training values; 1 for a constant column.
    pub std: f64,
}

/// Smallest and largest non-missing training value of a numeric column.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ValueRange {
    /// Smallest value.
    pub min: f64,
    /// Largest value.
    pub max: f64,
}

/// What was fitted for a numeric or boolean column.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NumericFit {
    /// Value a missing cell gets; `None` when missing cells stay `NaN` (imputation `Keep`).
    pub imputation_value: Option<f64>,
    /// Whether a `<name>__is_missing` indicator column is output.
    pub indicator: bool,
    /// Scaling applied to the value column, if any.
    pub scaling: Option<Scaling>,
    /// Training range (numeric columns only; `None` for booleans).
    pub training_range: Option<ValueRange>,
    /// Names of the output columns this column produces, in order.
    pub outputs: Vec<String>,
}

/// What was fitted for a categorical column.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CategoricalFit {
    /// The encoding used.
    pub encoding: CategoricalEncoding,
    /// Levels that kept their own code, in code order (training count descending, then name).
    pub kept: Vec<LevelCount>,
    /// Rare levels merged into `__other__` (empty when none were), by count then name.
    pub merged_into_other: Vec<LevelCount>,
    /// Whether missing is a level of its own (`__missing__`).
    pub missing_level: bool,
    /// Names of the output columns this column produces, in order.
    pub outputs: Vec<String>,
}

impl CategoricalFit {
    /// Maps level names to their slot: kept levels `0..k`, merged rare levels to the
    /// `__other__` slot. Built once per transform call per column (cost: number of fitted
    /// levels).
    pub(crate) fn slots(&self) -> HashMap<&str, u32> {
        let other = self.kept.len() as u32;
        self.kept
            .iter()
            .enumerate()
            .map(|(i, l)| (l.level.as_str(), i as u32))
            .chain(
                self.merged_into_other
                    .iter()
                    .map(|l| (l.level.as_str(), other)),
            )
            .collect()
    }
}

/// What happened to one input column at fit time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "step")]
pub enum ColumnOutcome {
    /// Not used; not required at transform time.
    Dropped {
        /// Why.
        #[serde(flatten)]
        reason: DropReason,
    },
    /// Numeric or boolean column.
    Numeric(NumericFit),
    /// Categorical column.
    Categorical(CategoricalFit),
    /// Any column under WoE binning: its bins and their weights of evidence.
    Woe(WoeFit),
}

impl ColumnOutcome {
    /// Names of the features this column encodes to, in matrix order (none when dropped).
    pub fn outputs(&self) -> &[String] {
        match self {
            ColumnOutcome::Dropped { .. } => &[],
            ColumnOutcome::Numeric(fit) => &fit.outputs,
            ColumnOutcome::Categorical(fit) => &fit.outputs,
            ColumnOutcome::Woe(fit) => &fit.outputs,
        }
    }
}

/// One input column at fit time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ColumnFitLog {
    /// Column name.
    pub name: String,
    /// Kind from the schema.
    pub kind: ColumnKind,
    /// Missing training cells (`NaN` and infinities count as missing).
    pub n_missing: usize,
    /// `n_missing / n_rows`.
    pub missing_rate: f64,
    /// What was fitted.
    pub outcome: ColumnOutcome,
}

/// What PCA kept.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PcaLog {
    /// Number of features entering PCA.
    pub n_inputs: usize,
    /// Number of components kept.
    pub n_components: usize,
    /// Variance along each kept component.
    pub explained_variance: Vec<f64>,
    /// Each kept component's share of the **total** variance.
    pub explained_variance_ratio: Vec<f64>,
    /// Sum of `explained_variance_ratio`.
    pub cumulative_ratio: f64,
}

/// Everything fitting decided, column by column: drops and why, imputation values, levels kept
/// and merged, scaling statistics, PCA.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FitLog {
    /// Training rows seen.
    pub n_rows: usize,
    /// One entry per schema feature, in schema order.
    pub columns: Vec<ColumnFitLog>,
    /// PCA summary, when PCA is on.
    pub pca: Option<PcaLog>,
    /// Width of the output matrix.
    pub n_outputs: usize,
}

impl FitLog {
    /// The columns dropped at fit time, with the reason and their missing rate.
    pub fn dropped(&self) -> impl Iterator<Item = (&str, DropReason, f64)> {
        self.columns.iter().filter_map(|c| match c.outcome {
            ColumnOutcome::Dropped { reason } => Some((c.name.as_str(), reason, c.missing_rate)),
            _ => None,
        })
    }
}

impl fmt::Display for FitLog {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "features fitted on {} rows: {} input columns -> {} outputs",
            self.n_rows,
            self.columns.len(),
            self.n_outputs
        )?;
        for column in &self.columns {
            write!(
                f,
                "  {} ({:?}, {:.1}% missing): ",
                column.name,
                column.kind,
                100.0 * column.missing_rate
            )?;
            match &column.outcome {
                ColumnOutcome::Dropped { reason } => match reason {
                    DropReason::TooSparse { max_missing_rate } => writeln!(
                        f,
                        "dropped, missing rate above {:.1}%",
                        100.0 * max_missing_rate
                    )?,
                    DropReason::AllMissing => writeln!(f, "dropped, all missing")?,
                    DropReason::LowInformationValue { iv, min_iv } => {
                        writeln!(f, "dropped, information value {iv:.4} below {min_iv}")?;
                    }
                },
                ColumnOutcome::Woe(fit) => {
                    let trend = match fit.trend {
                        MonotonicTrend::Ascending => ", event rate ascending",
                        MonotonicTrend::Descending => ", event rate descending",
                        MonotonicTrend::Auto | MonotonicTrend::None => "",
                    };
                    writeln!(
                        f,
                        "WoE, {} bins{trend}, information value {:.4}",
                        fit.bins.len(),
                        fit.iv
                    )?;
                }
                ColumnOutcome::Numeric(fit) => {
                    match fit.imputation_value {
                        Some(v) if column.n_missing > 0 => write!(f, "impute {v}")?,
                        Some(_) => write!(f, "complete")?,
                        None => write!(f, "NaN kept")?,
                    }
                    if fit.indicator {
                        write!(f, ", indicator")?;
                    }
                    if let Some(s) = fit.scaling {
                        write!(f, ", scaled (mean {:.6}, std {:.6})", s.mean, s.std)?;
                    }
                    writeln!(f)?;
                }
                ColumnOutcome::Categorical(fit) => {
                    write!(f, "{:?}, {} levels kept", fit.encoding, fit.kept.len())?;
                    if !fit.merged_into_other.is_empty() {
                        write!(
                            f,
                            ", {} rare merged into __other__",
                            fit.merged_into_other.len()
                        )?;
                    }
                    if fit.missing_level {
                        write!(f, ", __missing__ level")?;
                    }
                    writeln!(f)?;
                }
            }
        }
        if let Some(pca) = &self.pca {
            writeln!(
                f,
                "  PCA: {} -> {} components, {:.2}% of the variance",
                pca.n_inputs,
                pca.n_components,
                100.0 * pca.cumulative_ratio
            )?;
        }
        Ok(())
    }
}

/// What one transform met in one input column.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ColumnTransformLog {
    /// Column name.
    pub name: String,
    /// Missing cells filled: with the fitted imputation value (numeric, boolean) or with the
    /// `__missing__` level (categorical).
    pub imputed: usize,
    /// Missing cells left as `NaN` (imputation `Keep`, or categorical missing as `NaN`).
    pub missing_kept: usize,
    /// Infinite numeric values, treated as missing.
    pub non_finite: usize,
    /// Numeric values outside the training range.
    pub out_of_range: usize,
    /// Of those, values clipped to the training range (when clipping is on).
    pub clipped: usize,
    /// Categorical cells with a level unseen at fit time (encoded as unknown).
    pub unknown: usize,
    /// The most frequent unseen levels with their counts (at most
    /// [`MAX_LISTED_UNKNOWN_LEVELS`], by count then name).
    pub unknown_levels: Vec<LevelCount>,
    /// Number of further distinct unseen levels not listed.
    pub unknown_levels_not_listed: usize,
}

impl ColumnTransformLog {
    /// True when nothing noteworthy happened in this column.
    pub fn is_clean(&self) -> bool {
        self.imputed == 0
            && self.missing_kept == 0
            && self.non_finite == 0
            && self.out_of_range == 0
            && self.unknown == 0
    }
}

/// What a transform met: rows read and, per used input column, cells imputed, unseen
/// categories, values out of range or clipped.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct TransformLog {
    /// Rows transformed.
    pub rows_read: usize,
    /// One entry per input column the fitted features use, in schema order.
    pub columns: Vec<ColumnTransformLog>,
}

impl fmt::Display for TransformLog {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{} rows transformed", self.rows_read)?;
        for c in self.columns.iter().filter(|c| !c.is_clean()) {
            write!(f, "  {}:", c.name)?;
            if c.imputed > 0 {
                write!(f, " {} imputed", c.imputed)?;
            }
            if c.missing_kept > 0 {
                write!(f, " {} missing kept", c.missing_kept)?;
            }
            if c.non_finite > 0 {
                write!(f, " {} infinite", c.non_finite)?;
            }
            if c.out_of_range > 0 {
                write!(
                    f,
                    " {} out of training range ({} clipped)",
                    c.out_of_range, c.clipped
                )?;
            }
            if c.unknown > 0 {
                let listed: Vec<String> = c
                    .unknown_levels
                    .iter()
                    .map(|l| format!("{} x{}", l.level, l.count))
                    .collect();
                write!(f, " {} unseen categories [{}", c.unknown, listed.join(", "))?;
                if c.unknown_levels_not_listed > 0 {
                    write!(f, ", +{} more levels", c.unknown_levels_not_listed)?;
                }
                write!(f, "]")?;
            }
            writeln!(f)?;
        }
        Ok(())
    }
}
