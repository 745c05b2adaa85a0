//! The fitted state ([`FittedFeatures`]) and the transform.

use ndarray::Array2;
use pdscore_ingest::{ColumnData, MISSING_CODE, Table};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::{FeatureError, Result};
use crate::log::{
    CategoricalFit, ColumnOutcome, ColumnTransformLog, FitLog, LevelCount,
    MAX_LISTED_UNKNOWN_LEVELS, NumericFit, TransformLog,
};
use crate::params::{CategoricalEncoding, FeatureParams};
use crate::pca::FittedPca;
use crate::woe::WoeBound;

/// Rows per parallel work unit of a transform.
const ROWS_PER_BLOCK: usize = 256;

/// The preprocessing learned by [`FeatureParams::fit`]. Serialisable (serde); transforming with
/// it reads only the fitted state and the row itself, so a row's output never depends on the
/// other rows of the table.
///
/// Deserialisation checks that the state is consistent (every column's output width, the
/// one-hot slots, the PCA shapes) and fails with [`FeatureError::InconsistentState`] otherwise,
/// so a corrupt model file is an error on load, never a panic on transform.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "UncheckedFittedFeatures")]
pub struct FittedFeatures {
    pub(crate) params: FeatureParams,
    pub(crate) fit_log: FitLog,
    pub(crate) pre_pca_names: Vec<String>,
    pub(crate) pca: Option<FittedPca>,
    pub(crate) output_names: Vec<String>,
}

/// [`FittedFeatures`] as read, before [`FittedFeatures::check_consistency`].
#[derive(Deserialize)]
struct UncheckedFittedFeatures {
    params: FeatureParams,
    fit_log: FitLog,
    pre_pca_names: Vec<String>,
    pca: Option<FittedPca>,
    output_names: Vec<String>,
}

impl TryFrom<UncheckedFittedFeatures> for FittedFeatures {
    type Error = FeatureError;

    fn try_from(raw: UncheckedFittedFeatures) -> Result<Self> {
        let fitted = FittedFeatures {
            params: raw.params,
            fit_log: raw.fit_log,
            pre_pca_names: raw.pre_pca_names,
            pca: raw.pca,
            output_names: raw.output_names,
        };
        fitted.check_consistency()?;
        Ok(fitted)
    }
}

/// The result of [`FittedFeatures::transform`].
#[derive(Debug, Clone, PartialEq)]
pub struct Transformed {
    /// Rows x output features, in the order of [`Transformed::names`].
    pub matrix: Array2<f64>,
    /// Output feature names.
    pub names: Vec<String>,
    /// What the transform met: imputed cells, unseen categories, out-of-range values.
    pub log: TransformLog,
}

/// How one categorical cell is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Slot {
    /// A fitted level (kept, `__other__` or `__missing__`): one-hot column or ordinal code.
    Level(u32),
    /// Never seen at fit time.
    Unknown,
    /// Missing, output as `NaN`.
    Nan,
}

/// Encoding of one input column, bound to its data in the table being transformed.
enum Bound<'a> {
    Numeric {
        values: &'a [f64],
        fit: &'a NumericFit,
        clip: bool,
    },
    Boolean {
        values: &'a [Option<bool>],
        fit: &'a NumericFit,
    },
    Categorical {
        codes: &'a [u32],
        /// Slot of each dictionary code of this table (the dictionary is mapped once).
        slots: Vec<Slot>,
        /// Slot of a missing cell.
        missing: Slot,
        one_hot: bool,
        /// The table's dictionary, to name unseen levels in the log.
        dictionary: &'a pdscore_ingest::Levels,
    },
    /// A column under WoE binning.
    Woe(WoeBound<'a>),
}

/// Per-column counters of one block of rows.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Counts {
    pub(crate) filled: usize,
    pub(crate) missing_kept: usize,
    pub(crate) non_finite: usize,
    pub(crate) out_of_range: usize,
    pub(crate) clipped: usize,
    pub(crate) unknown: usize,
}

impl Counts {
    fn add(&mut self, other: &Counts) {
        self.filled += other.filled;
        self.missing_kept += other.missing_kept;
        self.non_finite += other.non_finite;
        self.out_of_range += other.out_of_range;
        self.clipped += other.clipped;
        self.unknown += other.unknown;
    }
}

impl FittedFeatures {
    /// The parameters this was fitted with.
    pub fn params(&self) -> &FeatureParams {
        &self.params
    }

    /// What fitting decided: dropped columns, imputation values, levels, scaling, PCA.
    pub fn fit_log(&self) -> &FitLog {
        &self.fit_log
    }

    /// Output feature names, in matrix column order (`pc1..pck` with PCA).
    pub fn output_names(&self) -> &[String] {
        &self.output_names
    }

    /// Number of output features.
    pub fn n_outputs(&self) -> usize {
        self.output_names.len()
    }

    /// The PCA components kept (`n_components x pre-PCA features`, one unit-length component
    /// per row, largest-magnitude loading positive), when PCA is on.
    pub fn pca_components(&self) -> Option<ndarray::ArrayView2<'_, f64>> {
        self.pca.as_ref().map(|p| p.components.view())
    }

    /// Names of the features entering PCA (the same as [`FittedFeatures::output_names`]
    /// without PCA).
    pub fn pre_pca_names(&self) -> &[String] {
        &self.pre_pca_names
    }

    /// The input column each output feature is computed from, in matrix column order: a
    /// numeric value and its missing indicator, or the one-hot slots of a categorical column,
    /// all name their column. `None` with PCA, where every component mixes every column.
    ///
    /// This is how per-feature contributions (reason codes) are summed back to the columns a
    /// user knows.
    pub fn output_columns(&self) -> Option<Vec<&str>> {
        if self.pca.is_some() {
            return None;
        }
        Some(
            self.fit_log
                .columns
                .iter()
                .flat_map(|c| std::iter::repeat_n(c.name.as_str(), c.outcome.outputs().len()))
                .collect(),
        )
    }

    /// Input columns a table must have to be transformed (schema features not dropped at fit
    /// time), in schema order.
    pub fn required_columns(&self) -> Vec<&str> {
        self.fit_log
            .columns
            .iter()
            .filter(|c| !matches!(c.outcome, ColumnOutcome::Dropped { .. }))
            .map(|c| c.name.as_str())
            .collect()
    }

    /// Under WoE binning, the bin of every row of `table` in each kept column: one
    /// `(column, bins)` pair per column, in schema order, `bins[row]` an index into that
    /// column's [`WoeFit::bins`](crate::WoeFit::bins). Empty when the preprocessing is not a
    /// WoE binning. What a points table needs; each row's bin depends on that row only.
    ///
    /// # Errors
    /// As [`FittedFeatures::transform`].
    pub fn woe_bin_indices(&self, table: &Table) -> Result<Vec<(&str, Vec<usize>)>> {
        let bound = self.bind(table)?;
        let used = self
            .fit_log
            .columns
            .iter()
            .filter(|c| !matches!(c.outcome, ColumnOutcome::Dropped { .. }));
        Ok(used
            .zip(&bound)
            .filter_map(|(column, (item, _))| match item {
                Bound::Woe(woe) => Some((column.name.as_str(), woe.bins_of_rows(table.n_rows()))),
                _ => None,
            })
            .collect())
    }

    /// Transforms the rows of `table` with the fitted state only. Extra columns are ignored.
    ///
    /// # Errors
    /// [`FeatureError::MissingColumns`] naming every required column absent from the table,
    /// [`FeatureError::KindMismatch`] when a column holds another kind of data than at fit
    /// time, and in strict mode [`FeatureError::UnknownCategory`] for the first unseen level.
    pub fn transform(&self, table: &Table) -> Result<Transformed> {
        self.encode(table, true)
    }

    /// Checks the invariants the transform relies on: each used column's output width matches
    /// its encoding (numeric: value plus optional indicator; one-hot: one column per slot;
    /// ordinal: one), the widths add up to the pre-PCA names, and PCA (when on) maps that many
    /// inputs to as many components as there are output names. Fitting always produces a
    /// consistent state; this guards deserialised state.
    ///
    /// # Errors
    /// [`FeatureError::InconsistentState`] naming the first column that does not add up.
    pub fn check_consistency(&self) -> Result<()> {
        let bad = |column: &str, reason: String| FeatureError::InconsistentState {
            column: column.to_owned(),
            reason,
        };
        let mut width = 0usize;
        for column in &self.fit_log.columns {
            let (outputs, expected) = match (&column.outcome, column.kind) {
                (ColumnOutcome::Dropped { .. }, _) => continue,
                (
                    ColumnOutcome::Numeric(fit),
                    pdscore_ingest::ColumnKind::Numeric | pdscore_ingest::ColumnKind::Boolean,
                ) => (fit.outputs.len(), 1 + usize::from(fit.indicator)),
                (ColumnOutcome::Woe(fit), kind) => {
                    fit.check(kind == pdscore_ingest::ColumnKind::Numeric)
                        .map_err(|reason| bad(&column.name, reason))?;
                    (fit.outputs.len(), 1)
                }
                (ColumnOutcome::Categorical(fit), pdscore_ingest::ColumnKind::Categorical) => {
                    let expected = if fit.encoding == CategoricalEncoding::OneHot {
                        fit.kept.len()
                            + usize::from(!fit.merged_into_other.is_empty())
                            + usize::from(fit.missing_level)
                    } else {
                        1
                    };
                    (fit.outputs.len(), expected)
                }
                (_, kind) => {
                    return Err(bad(
                        &column.name,
                        format!("a {kind:?} column with an encoding of another kind"),
                    ));
                }
            };
            if outputs != expected {
                return Err(bad(
                    &column.name,
                    format!("{outputs} output names for an encoding of width {expected}"),
                ));
            }
            width += outputs;
        }
        if width != self.pre_pca_names.len() {
            return Err(bad(
                "*",
                format!(
                    "the columns encode {width} features but {} pre-PCA names are recorded",
                    self.pre_pca_names.len()
                ),
            ));
        }
        let out_width = match &self.pca {
            None => width,
            Some(pca) => {
                if pca.components.ncols() != width || pca.mean.len() != width {
                    return Err(bad(
                        "*",
                        format!(
                            "PCA takes {} inputs (mean of {}) but the columns encode {width}",
                            pca.components.ncols(),
                            pca.mean.len()
                        ),
                    ));
                }
                pca.n_components()
            }
        };
        if out_width != self.output_names.len() {
            return Err(bad(
                "*",
                format!(
                    "{out_width} outputs but {} output names",
                    self.output_names.len()
                ),
            ));
        }
        Ok(())
    }

    /// Binds the used columns of `table` to their fitted encodings.
    fn bind<'a>(&'a self, table: &'a Table) -> Result<Vec<(Bound<'a>, usize)>> {
        let absent: Vec<String> = self
            .required_columns()
            .into_iter()
            .filter(|name| table.column(name).is_none())
            .map(str::to_owned)
            .collect();
        if !absent.is_empty() {
            return Err(FeatureError::MissingColumns { names: absent });
        }
        let mut bound = Vec::new();
        let mut offset = 0;
        for column_fit in &self.fit_log.columns {
            let width = match &column_fit.outcome {
                ColumnOutcome::Dropped { .. } => continue,
                ColumnOutcome::Numeric(fit) => fit.outputs.len(),
                ColumnOutcome::Categorical(fit) => fit.outputs.len(),
                ColumnOutcome::Woe(fit) => fit.outputs.len(),
            };
            let Some(column) = table.column(&column_fit.name) else {
                continue; // unreachable: absence was checked above
            };
            let found = column.data.kind();
            if found != column_fit.kind {
                return Err(FeatureError::KindMismatch {
                    column: column_fit.name.clone(),
                    expected: column_fit.kind,
                    found,
                });
            }
            let item = match (&column_fit.outcome, &column.data) {
                (ColumnOutcome::Numeric(fit), ColumnData::Numeric(values)) => Bound::Numeric {
                    values,
                    fit,
                    clip: self.params.clip_to_training_range,
                },
                (ColumnOutcome::Numeric(fit), ColumnData::Boolean(values)) => {
                    Bound::Boolean { values, fit }
                }
                (ColumnOutcome::Categorical(fit), ColumnData::Categorical(column)) => {
                    self.bind_categorical(&column_fit.name, fit, column)?
                }
                (ColumnOutcome::Woe(fit), data) => {
                    match WoeBound::bind(&column_fit.name, fit, data, self.params.strict_unknown)? {
                        Some(b) => Bound::Woe(b),
                        None => continue,
                    }
                }
                _ => continue, // unreachable: kinds were checked above
            };
            bound.push((item, offset));
            offset += width;
        }
        Ok(bound)
    }

    fn bind_categorical<'a>(
        &self,
        name: &str,
        fit: &CategoricalFit,
        column: &'a pdscore_ingest::CategoricalColumn,
    ) -> Result<Bound<'a>> {
        let lookup = fit.slots();
        let slots: Vec<Slot> = column
            .dictionary
            .iter()
            .map(|level| lookup.get(level).map_or(Slot::Unknown, |&s| Slot::Level(s)))
            .collect();
        if self.params.strict_unknown && slots.contains(&Slot::Unknown) {
            let first =
                column.codes.iter().enumerate().find(|&(_, &code)| {
                    code != MISSING_CODE && slots[code as usize] == Slot::Unknown
                });
            if let Some((row, &code)) = first {
                return Err(FeatureError::UnknownCategory {
                    column: name.to_owned(),
                    value: column.dictionary[code as usize].to_owned(),
                    row,
                });
            }
        }
        let missing = if fit.missing_level {
            let other = u32::from(!fit.merged_into_other.is_empty());
            Slot::Level(fit.kept.len() as u32 + other)
        } else if self.params.categorical_missing == crate::CategoricalMissing::Nan {
            Slot::Nan
        } else {
            Slot::Unknown
        };
        Ok(Bound::Categorical {
            codes: &column.codes,
            slots,
            missing,
            one_hot: fit.encoding == CategoricalEncoding::OneHot,
            dictionary: &column.dictionary,
        })
    }

    /// Encodes the table; with `apply_pca` false, stops before PCA (used to fit PCA).
    pub(crate) fn encode(&self, table: &Table, apply_pca: bool) -> Result<Transformed> {
        let n_rows = table.n_rows();
        let out_width = match self.pca.as_ref().filter(|_| apply_pca) {
            Some(pca) => pca.n_components(),
            None => self.pre_pca_names.len(),
        };
        let mut matrix = Array2::zeros((n_rows, out_width));
        let Some(data) = matrix.as_slice_mut() else {
            // A fresh array is always contiguous; kept as an error rather than a panic.
            return Err(FeatureError::OutputShape {
                expected: (n_rows, out_width),
                found: (n_rows, out_width),
            });
        };
        let log = self.encode_into(table, apply_pca, data, true)?;
        Ok(Transformed {
            matrix,
            names: if apply_pca {
                self.output_names.clone()
            } else {
                self.pre_pca_names.clone()
            },
            log,
        })
    }

    /// Like [`FittedFeatures::transform`], but writes into `out` (rows x
    /// [`n_outputs`](FittedFeatures::n_outputs)), so a caller scoring many batches can reuse
    /// one buffer. The previous content of `out` is overwritten.
    ///
    /// # Errors
    /// The errors of [`FittedFeatures::transform`], and [`FeatureError::OutputShape`] when `out`
    /// has the wrong shape or is not contiguous in row-major order.
    pub fn transform_into(
        &self,
        table: &Table,
        mut out: ndarray::ArrayViewMut2<'_, f64>,
    ) -> Result<TransformLog> {
        let expected = (table.n_rows(), self.n_outputs());
        let found = out.dim();
        let Some(data) = out.as_slice_mut().filter(|_| found == expected) else {
            return Err(FeatureError::OutputShape { expected, found });
        };
        self.encode_into(table, true, data, false)
    }

    /// Encodes into `data` (row-major); `zeroed` says whether `data` is already all zeros.
    fn encode_into(
        &self,
        table: &Table,
        apply_pca: bool,
        data: &mut [f64],
        zeroed: bool,
    ) -> Result<TransformLog> {
        let bound = self.bind(table)?;
        let n_rows = table.n_rows();
        let width = self.pre_pca_names.len();
        let pca = self.pca.as_ref().filter(|_| apply_pca);
        let out_width = pca.map_or(width, FittedPca::n_components);
        let block_counts: Vec<Vec<Counts>> = if out_width == 0 {
            Vec::new()
        } else {
            data.par_chunks_mut(ROWS_PER_BLOCK * out_width)
                .enumerate()
                .map(|(block, out)| {
                    let start = block * ROWS_PER_BLOCK;
                    let rows = out.len() / out_width;
                    match pca {
                        None => {
                            if !zeroed {
                                out.fill(0.0);
                            }
                            encode_block(&bound, start, rows, width, out)
                        }
                        Some(pca) => {
                            let mut pre = vec![0.0; rows * width];
                            let counts = encode_block(&bound, start, rows, width, &mut pre);
                            let mut centered = vec![0.0; width];
                            for (input, output) in
                                pre.chunks_exact(width).zip(out.chunks_exact_mut(out_width))
                            {
                                pca.project_row(input, &mut centered, output);
                            }
                            counts
                        }
                    }
                })
                .collect()
        };
        let mut totals = vec![Counts::default(); bound.len()];
        for counts in &block_counts {
            for (total, c) in totals.iter_mut().zip(counts) {
                total.add(c);
            }
        }
        let used = self
            .fit_log
            .columns
            .iter()
            .filter(|c| !matches!(c.outcome, ColumnOutcome::Dropped { .. }));
        let columns = used
            .zip(bound.iter().zip(&totals))
            .map(|(column_fit, ((item, _), c))| {
                let (unknown_levels, unknown_levels_not_listed) = if c.unknown > 0 {
                    unknown_level_counts(item)
                } else {
                    (Vec::new(), 0)
                };
                ColumnTransformLog {
                    name: column_fit.name.clone(),
                    imputed: c.filled,
                    missing_kept: c.missing_kept,
                    non_finite: c.non_finite,
                    out_of_range: c.out_of_range,
                    clipped: c.clipped,
                    unknown: c.unknown,
                    unknown_levels,
                    unknown_levels_not_listed,
                }
            })
            .collect();
        Ok(TransformLog {
            rows_read: n_rows,
            columns,
        })
    }
}

/// Encodes rows `start..start + rows` into `out` (row-major, `width` columns, zero-filled).
fn encode_block(
    bound: &[(Bound<'_>, usize)],
    start: usize,
    rows: usize,
    width: usize,
    out: &mut [f64],
) -> Vec<Counts> {
    bound
        .iter()
        .map(|(item, offset)| {
            let mut c = Counts::default();
            let range = start..start + rows;
            match item {
                Bound::Woe(woe) => c = woe.encode(start, rows, width, *offset, out),
                Bound::Numeric { values, fit, clip } => {
                    for (row, &raw) in values[range].iter().enumerate() {
                        let cell = &mut out[row * width + offset..(row + 1) * width];
                        let value = if raw.is_finite() {
                            let mut x = raw;
                            if let Some(r) = fit.training_range
                                && (x < r.min || x > r.max)
                            {
                                c.out_of_range += 1;
                                if *clip {
                                    x = x.clamp(r.min, r.max);
                                    c.clipped += 1;
                                }
                            }
                            x
                        } else {
                            if !raw.is_nan() {
                                c.non_finite += 1;
                            }
                            missing_value(fit, cell, &mut c)
                        };
                        cell[0] = scale(fit, value);
                    }
                }
                Bound::Boolean { values, fit } => {
                    for (row, &raw) in values[range].iter().enumerate() {
                        let cell = &mut out[row * width + offset..(row + 1) * width];
                        let value = match raw {
                            Some(b) => f64::from(u8::from(b)),
                            None => missing_value(fit, cell, &mut c),
                        };
                        cell[0] = scale(fit, value);
                    }
                }
                Bound::Categorical {
                    codes,
                    slots,
                    missing,
                    one_hot,
                    ..
                } => {
                    for (row, &code) in codes[range].iter().enumerate() {
                        let cell = &mut out[row * width + offset..(row + 1) * width];
                        let slot = if code == MISSING_CODE {
                            if let Slot::Level(_) = missing {
                                c.filled += 1;
                            }
                            *missing
                        } else {
                            slots[code as usize]
                        };
                        match (slot, one_hot) {
                            (Slot::Level(s), true) => cell[s as usize] = 1.0,
                            (Slot::Level(s), false) => cell[0] = f64::from(s),
                            (Slot::Unknown, true) => c.unknown += 1,
                            (Slot::Unknown, false) => {
                                c.unknown += 1;
                                cell[0] = -1.0;
                            }
                            (Slot::Nan, _) => {
                                c.missing_kept += 1;
                                cell[0] = f64::NAN;
                            }
                        }
                    }
                }
            }
            c
        })
        .collect()
}

/// Value of a missing numeric or boolean cell; sets its indicator and counts it.
fn missing_value(fit: &NumericFit, cell: &mut [f64], c: &mut Counts) -> f64 {
    if fit.indicator {
        cell[1] = 1.0;
    }
    if let Some(v) = fit.imputation_value {
        c.filled += 1;
        v
    } else {
        c.missing_kept += 1;
        f64::NAN
    }
}

fn scale(fit: &NumericFit, value: f64) -> f64 {
    match fit.scaling {
        Some(s) => (value - s.mean) / s.std,
        None => value,
    }
}

/// Counts of the unseen levels of a categorical column, most frequent first, capped.
fn unknown_level_counts(item: &Bound<'_>) -> (Vec<LevelCount>, usize) {
    let (codes, dictionary, unknown, missing_unknown) = match item {
        Bound::Categorical {
            codes,
            slots,
            missing,
            dictionary,
            ..
        } => (
            *codes,
            *dictionary,
            slots
                .iter()
                .map(|s| *s == Slot::Unknown)
                .collect::<Vec<bool>>(),
            *missing == Slot::Unknown,
        ),
        Bound::Woe(woe) => match woe.unseen_codes() {
            Some((codes, dictionary, unknown)) => (codes, dictionary, unknown, false),
            None => return (Vec::new(), 0),
        },
        _ => return (Vec::new(), 0),
    };
    let mut per_code = vec![0_usize; unknown.len()];
    let mut missing_count = 0;
    for &code in codes {
        if code == MISSING_CODE {
            missing_count += usize::from(missing_unknown);
        } else if unknown[code as usize] {
            per_code[code as usize] += 1;
        }
    }
    let mut levels: Vec<LevelCount> = per_code
        .into_iter()
        .enumerate()
        .filter(|&(_, n)| n > 0)
        .map(|(code, count)| LevelCount {
            level: dictionary[code].to_owned(),
            count,
        })
        .collect();
    if missing_count > 0 {
        levels.push(LevelCount {
            level: "<missing>".into(),
            count: missing_count,
        });
    }
    levels.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.level.cmp(&b.level)));
    let not_listed = levels.len().saturating_sub(MAX_LISTED_UNKNOWN_LEVELS);
    levels.truncate(MAX_LISTED_UNKNOWN_LEVELS);
    (levels, not_listed)
}

#[cfg(test)]
mod tests;
