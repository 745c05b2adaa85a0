//! Transforming with a fitted binning: each cell becomes the WoE of its bin.

use pdscore_ingest::{CategoricalColumn, ColumnData, Levels, MISSING_CODE};

use crate::error::{FeatureError, Result};
use crate::fitted::Counts;
use crate::woe::bins::WoeFit;

/// A WoE column bound to its data in the table being transformed.
pub(crate) enum WoeBound<'a> {
    Numeric {
        values: &'a [f64],
        fit: &'a WoeFit,
    },
    Boolean {
        values: &'a [Option<bool>],
        fit: &'a WoeFit,
        /// Bin of `false` and `true` (`None`: unseen in training).
        bins: [Option<usize>; 2],
    },
    Categorical {
        codes: &'a [u32],
        fit: &'a WoeFit,
        /// Bin of each dictionary code of this table (`None`: unseen in training); the
        /// dictionary is mapped once per table.
        bins: Vec<Option<usize>>,
        dictionary: &'a Levels,
    },
}

impl<'a> WoeBound<'a> {
    /// Binds `data` (already checked to be of the fitted kind) to `fit`. With `strict`, a level
    /// unseen in training is an error naming its first row.
    pub(crate) fn bind(
        name: &str,
        fit: &'a WoeFit,
        data: &'a ColumnData,
        strict: bool,
    ) -> Result<Option<Self>> {
        let bound = match data {
            ColumnData::Numeric(values) => WoeBound::Numeric { values, fit },
            ColumnData::Boolean(values) => {
                let lookup = fit.level_bins();
                let bins = [lookup.get("false").copied(), lookup.get("true").copied()];
                if strict
                    && let Some((row, b)) = values.iter().enumerate().find_map(|(i, v)| {
                        v.filter(|&b| bins[usize::from(b)].is_none())
                            .map(|b| (i, b))
                    })
                {
                    return Err(FeatureError::UnknownCategory {
                        column: name.to_owned(),
                        value: b.to_string(),
                        row,
                    });
                }
                WoeBound::Boolean { values, fit, bins }
            }
            ColumnData::Categorical(column) => Self::bind_categorical(name, fit, column, strict)?,
        };
        Ok(Some(bound))
    }

    fn bind_categorical(
        name: &str,
        fit: &'a WoeFit,
        column: &'a CategoricalColumn,
        strict: bool,
    ) -> Result<Self> {
        let lookup = fit.level_bins();
        let bins: Vec<Option<usize>> = column
            .dictionary
            .iter()
            .map(|level| lookup.get(level).copied())
            .collect();
        if strict && bins.contains(&None) {
            let first = column
                .codes
                .iter()
                .enumerate()
                .find(|&(_, &code)| code != MISSING_CODE && bins[code as usize].is_none());
            if let Some((row, &code)) = first {
                return Err(FeatureError::UnknownCategory {
                    column: name.to_owned(),
                    value: column.dictionary[code as usize].to_owned(),
                    row,
                });
            }
        }
        Ok(WoeBound::Categorical {
            codes: &column.codes,
            fit,
            bins,
            dictionary: &column.dictionary,
        })
    }

    /// The fitted binning.
    pub(crate) fn fit(&self) -> &WoeFit {
        match self {
            Self::Numeric { fit, .. }
            | Self::Boolean { fit, .. }
            | Self::Categorical { fit, .. } => fit,
        }
    }

    /// The bin of row `row`, counting what the row met in `c`.
    fn bin_of(&self, row: usize, c: &mut Counts) -> usize {
        let fit = self.fit();
        match self {
            Self::Numeric { values, .. } => {
                let x = values[row];
                if x.is_finite() {
                    if let Some(r) = fit.training_range
                        && (x < r.min || x > r.max)
                        && fit.numeric_bin(x) < fit.n_ranges()
                    {
                        c.out_of_range += 1;
                    }
                } else {
                    if !x.is_nan() {
                        c.non_finite += 1;
                    }
                    c.filled += 1;
                }
                fit.numeric_bin(x)
            }
            Self::Boolean { values, bins, .. } => {
                if let Some(b) = values[row] {
                    bins[usize::from(b)].unwrap_or_else(|| {
                        c.unknown += 1;
                        fit.unseen_bin.unwrap_or(fit.missing_bin)
                    })
                } else {
                    c.filled += 1;
                    fit.missing_bin
                }
            }
            Self::Categorical { codes, bins, .. } => {
                let code = codes[row];
                if code == MISSING_CODE {
                    c.filled += 1;
                    fit.missing_bin
                } else {
                    bins[code as usize].unwrap_or_else(|| {
                        c.unknown += 1;
                        fit.unseen_bin.unwrap_or(fit.missing_bin)
                    })
                }
            }
        }
    }

    /// Writes the WoE of rows `start..start + rows` into column `offset` of `out` (row-major,
    /// `width` columns).
    pub(crate) fn encode(
        &self,
        start: usize,
        rows: usize,
        width: usize,
        offset: usize,
        out: &mut [f64],
    ) -> Counts {
        let mut c = Counts::default();
        let fit = self.fit();
        for row in 0..rows {
            let bin = self.bin_of(start + row, &mut c);
            out[row * width + offset] = fit.bins[bin].woe;
        }
        c
    }

    /// The bin of every row (for scorecards).
    pub(crate) fn bins_of_rows(&self, n_rows: usize) -> Vec<usize> {
        let mut c = Counts::default();
        (0..n_rows).map(|row| self.bin_of(row, &mut c)).collect()
    }

    /// For the unseen-level listing: the codes, dictionary and which codes are unseen.
    pub(crate) fn unseen_codes(&self) -> Option<(&'a [u32], &'a Levels, Vec<bool>)> {
        match self {
            Self::Categorical {
                codes,
                bins,
                dictionary,
                ..
            } => Some((
                codes,
                dictionary,
                bins.iter().map(Option::is_none).collect(),
            )),
            _ => None,
        }
    }
}
