//! Fitting: [`FeatureParams::fit`] learns every statistic from the training rows it is given.

use pdscore_ingest::{CategoricalColumn, ColumnData, ColumnKind, MISSING_CODE, Schema, Table};

use crate::error::{FeatureError, Result};
use crate::fitted::FittedFeatures;
use crate::log::{
    CategoricalFit, ColumnFitLog, ColumnOutcome, DropReason, FitLog, LevelCount, NumericFit,
    PcaLog, Scaling, ValueRange,
};
use crate::params::{
    CategoricalMissing, FeatureParams, MinLevelFrequency, NumericImputation, PcaComponents,
    SparsePolicy,
};
use crate::pca::FittedPca;
use crate::woe;

/// Name of the merged rare level.
pub(crate) const OTHER_LEVEL: &str = "__other__";
/// Name of the missing level.
pub(crate) const MISSING_LEVEL: &str = "__missing__";

/// A numeric cell as the features see it: `None` when missing (`NaN` or infinite).
fn finite(x: f64) -> Option<f64> {
    x.is_finite().then_some(x)
}

/// Median of a non-empty slice (sorted in place); average of the two middle values for an even
/// count, like numpy.
fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    if n % 2 == 1 {
        values[n / 2]
    } else {
        f64::midpoint(values[n / 2 - 1], values[n / 2])
    }
}

impl FeatureParams {
    /// Learns the preprocessing from `table` (the training rows: the caller passes the training
    /// fold) for the feature columns of `schema`. Columns of the table that are not schema
    /// features are ignored.
    ///
    /// # Errors
    /// Invalid parameters (see [`FeatureParams::check`]), [`FeatureError::NoFeatures`],
    /// [`FeatureError::EmptyTable`], [`FeatureError::MissingColumns`] naming every schema
    /// feature absent from the table, [`FeatureError::KindMismatch`],
    /// [`FeatureError::AllColumnsDropped`], and PCA errors.
    ///
    /// ```
    /// use pdscore_features::FeatureParams;
    /// use pdscore_ingest::{CategoricalColumn, Column, ColumnData, ColumnKind, FeatureSpec, Schema, Table};
    ///
    /// let table = Table::new(vec![
    ///     Column { name: "age".into(), data: ColumnData::Numeric(vec![30.0, f64::NAN, 50.0]) },
    ///     Column {
    ///         name: "shop".into(),
    ///         data: ColumnData::Categorical(CategoricalColumn::from_values(&[Some("a"), Some("b"), Some("a")])),
    ///     },
    /// ]).unwrap();
    /// let schema = Schema {
    ///     id: None,
    ///     target: None,
    ///     features: vec![
    ///         FeatureSpec { name: "age".into(), kind: ColumnKind::Numeric },
    ///         FeatureSpec { name: "shop".into(), kind: ColumnKind::Categorical },
    ///     ],
    /// };
    /// let params = FeatureParams::for_linear()
    ///     .min_level_frequency(pdscore_features::MinLevelFrequency::Count(1));
    /// let fitted = params.fit(&table, &schema)?;
    /// assert_eq!(fitted.output_names(), ["age", "age__is_missing", "shop=a", "shop=b"]);
    /// let out = fitted.transform(&table)?;
    /// assert_eq!(out.matrix.dim(), (3, 4));
    /// assert_eq!(out.log.columns[0].imputed, 1);
    /// # Ok::<(), pdscore_features::FeatureError>(())
    /// ```
    pub fn fit(&self, table: &Table, schema: &Schema) -> Result<FittedFeatures> {
        self.fit_inner(table, schema, None)
    }

    /// Like [`FeatureParams::fit`], with the labels of the training rows (`true` for an event,
    /// i.e. a default), one per table row: what WoE binning ([`FeatureParams::for_scorecard`])
    /// learns from. The other steps ignore the labels, so for them this is the same as `fit`.
    ///
    /// # Errors
    /// The errors of [`FeatureParams::fit`], [`FeatureError::LabelCount`] when `y` has another
    /// length than the table, and for WoE binning [`FeatureError::SingleClass`] when the labels
    /// hold one class only.
    ///
    /// ```
    /// use pdscore_features::{ColumnOutcome, FeatureParams, WoeParams};
    /// use pdscore_ingest::{Column, ColumnData, ColumnKind, FeatureSpec, Schema, Table};
    ///
    /// let x: Vec<f64> = (0..200).map(f64::from).collect();
    /// let y: Vec<bool> = (0..200).map(|i| i % 10 == 0 || i > 170).collect();
    /// let table = Table::new(vec![Column { name: "x".into(), data: ColumnData::Numeric(x) }]).unwrap();
    /// let schema = Schema {
    ///     id: None,
    ///     target: None,
    ///     features: vec![FeatureSpec { name: "x".into(), kind: ColumnKind::Numeric }],
    /// };
    /// let fitted = FeatureParams::for_scorecard().fit_with_labels(&table, &schema, &y)?;
    /// assert_eq!(fitted.output_names(), ["x__woe"]);
    /// let ColumnOutcome::Woe(bins) = &fitted.fit_log().columns[0].outcome else { unreachable!() };
    /// assert!(bins.bins.len() >= 2 && bins.iv > 0.02);
    /// // The highest values default most: their bin has the lowest WoE.
    /// let out = fitted.transform(&table)?;
    /// assert!(out.matrix[[199, 0]] < out.matrix[[0, 0]]);
    /// # Ok::<(), pdscore_features::FeatureError>(())
    /// ```
    pub fn fit_with_labels(
        &self,
        table: &Table,
        schema: &Schema,
        y: &[bool],
    ) -> Result<FittedFeatures> {
        self.fit_inner(table, schema, Some(y))
    }

    fn fit_inner(
        &self,
        table: &Table,
        schema: &Schema,
        y: Option<&[bool]>,
    ) -> Result<FittedFeatures> {
        self.check()?;
        if schema.features.is_empty() {
            return Err(FeatureError::NoFeatures);
        }
        let absent: Vec<String> = schema
            .features
            .iter()
            .filter(|f| table.column(&f.name).is_none())
            .map(|f| f.name.clone())
            .collect();
        if !absent.is_empty() {
            return Err(FeatureError::MissingColumns { names: absent });
        }
        let n_rows = table.n_rows();
        if n_rows == 0 {
            return Err(FeatureError::EmptyTable);
        }
        if let Some(y) = y
            && y.len() != n_rows
        {
            return Err(FeatureError::LabelCount {
                labels: y.len(),
                rows: n_rows,
            });
        }
        let woe = match (&self.woe, y) {
            (None, _) => None,
            (Some(_), None) => return Err(FeatureError::LabelsRequired),
            (Some(params), Some(y)) => {
                let events = y.iter().filter(|&&v| v).count();
                if events == 0 || events == n_rows {
                    return Err(FeatureError::SingleClass {
                        events,
                        rows: n_rows,
                    });
                }
                let totals = woe::Totals {
                    events,
                    non_events: n_rows - events,
                };
                Some((params, y, totals))
            }
        };
        let mut columns = Vec::with_capacity(schema.features.len());
        for spec in &schema.features {
            let Some(column) = table.column(&spec.name) else {
                continue; // unreachable: absence was checked above
            };
            let found = column.data.kind();
            if found != spec.kind {
                return Err(FeatureError::KindMismatch {
                    column: spec.name.clone(),
                    expected: spec.kind,
                    found,
                });
            }
            let mut fitted = self.fit_column(&spec.name, spec.kind, &column.data, n_rows);
            if let Some((params, y, totals)) = woe
                && !matches!(fitted.outcome, ColumnOutcome::Dropped { .. })
            {
                fitted.outcome = match woe::fit_column(&spec.name, &column.data, y, totals, params)
                {
                    woe::WoeOutcome::Kept(fit) => ColumnOutcome::Woe(fit),
                    woe::WoeOutcome::LowIv(iv) => ColumnOutcome::Dropped {
                        reason: DropReason::LowInformationValue {
                            iv,
                            min_iv: params.min_iv,
                        },
                    },
                };
            }
            columns.push(fitted);
        }
        let n_dropped = columns
            .iter()
            .filter(|c| matches!(c.outcome, ColumnOutcome::Dropped { .. }))
            .count();
        if n_dropped == columns.len() {
            return Err(FeatureError::AllColumnsDropped { n_dropped });
        }
        let pre_pca_names: Vec<String> = columns
            .iter()
            .flat_map(|c| match &c.outcome {
                ColumnOutcome::Dropped { .. } => &[][..],
                ColumnOutcome::Numeric(fit) => &fit.outputs[..],
                ColumnOutcome::Categorical(fit) => &fit.outputs[..],
                ColumnOutcome::Woe(fit) => &fit.outputs[..],
            })
            .cloned()
            .collect();
        let mut fitted = FittedFeatures {
            params: self.clone(),
            fit_log: FitLog {
                n_rows,
                columns,
                pca: None,
                n_outputs: pre_pca_names.len(),
            },
            output_names: pre_pca_names.clone(),
            pre_pca_names,
            pca: None,
        };
        if let Some(target) = self.pca {
            fitted = fit_pca(fitted, table, target)?;
        }
        Ok(fitted)
    }

    fn fit_column(
        &self,
        name: &str,
        kind: ColumnKind,
        data: &ColumnData,
        n_rows: usize,
    ) -> ColumnFitLog {
        let n_missing = match data {
            ColumnData::Numeric(v) => v.iter().filter(|x| !x.is_finite()).count(),
            _ => data.missing_count(),
        };
        let missing_rate = n_missing as f64 / n_rows as f64;
        let (SparsePolicy::Drop { max_missing_rate } | SparsePolicy::Indicate { max_missing_rate }) =
            self.sparse;
        let sparse = missing_rate > max_missing_rate;
        let outcome = if n_missing == n_rows {
            ColumnOutcome::Dropped {
                reason: DropReason::AllMissing,
            }
        } else if sparse && matches!(self.sparse, SparsePolicy::Drop { .. }) {
            ColumnOutcome::Dropped {
                reason: DropReason::TooSparse { max_missing_rate },
            }
        } else {
            match data {
                ColumnData::Numeric(v) => {
                    let present: Vec<f64> = v.iter().copied().filter_map(finite).collect();
                    ColumnOutcome::Numeric(self.fit_numeric(name, present, n_missing, sparse, true))
                }
                ColumnData::Boolean(v) => {
                    let present: Vec<f64> = v
                        .iter()
                        .flatten()
                        .map(|&b| f64::from(u8::from(b)))
                        .collect();
                    ColumnOutcome::Numeric(
                        self.fit_numeric(name, present, n_missing, sparse, false),
                    )
                }
                ColumnData::Categorical(c) => {
                    ColumnOutcome::Categorical(self.fit_categorical(name, c, n_missing, n_rows))
                }
            }
        };
        ColumnFitLog {
            name: name.to_owned(),
            kind,
            n_missing,
            missing_rate,
            outcome,
        }
    }

    /// `present` holds the non-missing training values (at least one).
    fn fit_numeric(
        &self,
        name: &str,
        mut present: Vec<f64>,
        n_missing: usize,
        sparse: bool,
        is_numeric: bool,
    ) -> NumericFit {
        let n_present = present.len() as f64;
        let training_range = is_numeric.then(|| ValueRange {
            min: present.iter().copied().fold(f64::INFINITY, f64::min),
            max: present.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        });
        let imputation_value = match self.imputation {
            NumericImputation::Zero => Some(0.0),
            NumericImputation::Constant(c) => Some(c),
            NumericImputation::Mean => Some(present.iter().sum::<f64>() / n_present),
            NumericImputation::Median => Some(median(&mut present)),
            NumericImputation::Keep => None,
        };
        let scaling = self.standardize.then(|| {
            // Statistics of the imputed training column (missing cells hold the fill value),
            // or of the present values only when NaN is kept.
            let fill = imputation_value.map_or(0.0, |v| v);
            let n_fill = if imputation_value.is_some() {
                n_missing as f64
            } else {
                0.0
            };
            let n = n_present + n_fill;
            let mean = (present.iter().sum::<f64>() + fill * n_fill) / n;
            let var = (present.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>()
                + n_fill * (fill - mean) * (fill - mean))
                / n;
            let std = var.sqrt();
            Scaling {
                mean,
                std: if std > 0.0 && std.is_finite() {
                    std
                } else {
                    1.0
                },
            }
        });
        let indicator = n_missing > 0 && (self.missing_indicators || sparse);
        let mut outputs = vec![name.to_owned()];
        if indicator {
            outputs.push(format!("{name}__is_missing"));
        }
        NumericFit {
            imputation_value,
            indicator,
            scaling,
            training_range,
            outputs,
        }
    }

    fn fit_categorical(
        &self,
        name: &str,
        column: &CategoricalColumn,
        n_missing: usize,
        n_rows: usize,
    ) -> CategoricalFit {
        let mut counts = vec![0_usize; column.dictionary.len()];
        for &code in &column.codes {
            if code != MISSING_CODE {
                counts[code as usize] += 1;
            }
        }
        // The dictionary holds distinct strings, so a code count is a level count.
        let mut levels: Vec<LevelCount> = column
            .dictionary
            .iter()
            .zip(counts)
            .filter(|(_, count)| *count > 0)
            .map(|(level, count)| LevelCount {
                level: level.to_owned(),
                count,
            })
            .collect();
        levels.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.level.cmp(&b.level)));
        let keeps = |count: usize| match self.min_level_frequency {
            MinLevelFrequency::Count(min) => count >= min,
            MinLevelFrequency::Fraction(min) => count as f64 >= min * n_rows as f64,
        };
        let (kept, merged_into_other): (Vec<LevelCount>, Vec<LevelCount>) =
            levels.into_iter().partition(|l| keeps(l.count));
        let missing_level =
            n_missing > 0 && self.categorical_missing == CategoricalMissing::OwnLevel;
        let outputs = match self.encoding {
            crate::CategoricalEncoding::Ordinal => vec![name.to_owned()],
            crate::CategoricalEncoding::OneHot => {
                let mut outputs: Vec<String> =
                    kept.iter().map(|l| format!("{name}={}", l.level)).collect();
                if !merged_into_other.is_empty() {
                    outputs.push(format!("{name}={OTHER_LEVEL}"));
                }
                if missing_level {
                    outputs.push(format!("{name}={MISSING_LEVEL}"));
                }
                outputs
            }
        };
        CategoricalFit {
            encoding: self.encoding,
            kept,
            merged_into_other,
            missing_level,
            outputs,
        }
    }
}

/// Fits PCA on the encoded training matrix and switches the outputs to the components.
fn fit_pca(
    mut fitted: FittedFeatures,
    table: &Table,
    target: PcaComponents,
) -> Result<FittedFeatures> {
    let encoded = fitted.encode(table, false)?.matrix;
    let pca = FittedPca::fit(encoded.view(), target)?;
    let n_components = pca.n_components();
    fitted.fit_log.pca = Some(PcaLog {
        n_inputs: encoded.ncols(),
        n_components,
        explained_variance: pca.explained_variance.clone(),
        explained_variance_ratio: pca.explained_variance_ratio.clone(),
        cumulative_ratio: pca.explained_variance_ratio.iter().sum(),
    });
    fitted.fit_log.n_outputs = n_components;
    fitted.output_names = (1..=n_components).map(|k| format!("pc{k}")).collect();
    fitted.pca = Some(pca);
    Ok(fitted)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::{boolean, cat, num, schema_of, spec, table};
    use crate::{CategoricalEncoding, ColumnFitLog};
    use pdscore_ingest::ColumnKind;

    fn numeric_fit(log: &ColumnFitLog) -> &NumericFit {
        match &log.outcome {
            ColumnOutcome::Numeric(fit) => fit,
            other => panic!("expected numeric, got {other:?}"),
        }
    }

    fn categorical_fit(log: &ColumnFitLog) -> &CategoricalFit {
        match &log.outcome {
            ColumnOutcome::Categorical(fit) => fit,
            other => panic!("expected categorical, got {other:?}"),
        }
    }

    #[test]
    fn imputation_values_follow_the_policy() {
        let t = table(vec![num("x", &[1.0, 3.0, f64::NAN, 10.0])]);
        let s = schema_of(&t);
        let cases = [
            (NumericImputation::Median, Some(3.0)),
            (NumericImputation::Mean, Some(14.0 / 3.0)),
            (NumericImputation::Zero, Some(0.0)),
            (NumericImputation::Constant(-7.5), Some(-7.5)),
            (NumericImputation::Keep, None),
        ];
        for (imputation, expected) in cases {
            let fitted = FeatureParams::for_linear()
                .imputation(imputation)
                .fit(&t, &s)
                .unwrap();
            let fit = numeric_fit(&fitted.fit_log().columns[0]);
            assert_eq!(fit.imputation_value, expected, "{imputation:?}");
        }
    }

    #[test]
    fn median_of_even_count_averages_the_middle_pair() {
        assert_eq!(median(&mut [4.0, 1.0, 3.0, 2.0]), 2.5);
        assert_eq!(median(&mut [5.0]), 5.0);
    }

    #[test]
    fn scaling_uses_population_std_of_imputed_values() {
        let t = table(vec![
            num("x", &[1.0, 3.0, f64::NAN, 10.0]),
            num("c", &[2.0; 4]),
        ]);
        let fitted = FeatureParams::for_linear().fit(&t, &schema_of(&t)).unwrap();
        let scaling = numeric_fit(&fitted.fit_log().columns[0]).scaling.unwrap();
        let imputed = [1.0, 3.0, 3.0, 10.0];
        let mean = imputed.iter().sum::<f64>() / 4.0;
        let var = imputed.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / 4.0;
        assert!((scaling.mean - mean).abs() < 1e-12);
        assert!((scaling.std - var.sqrt()).abs() < 1e-12);
        let constant = numeric_fit(&fitted.fit_log().columns[1]).scaling.unwrap();
        assert_eq!(constant.std, 1.0);
        assert_eq!(constant.mean, 2.0);
    }

    #[test]
    fn indicators_only_for_columns_with_missing_values() {
        let t = table(vec![
            num("a", &[1.0, f64::NAN, 2.0]),
            num("b", &[1.0, 2.0, 3.0]),
        ]);
        let fitted = FeatureParams::for_linear().fit(&t, &schema_of(&t)).unwrap();
        assert_eq!(fitted.output_names(), ["a", "a__is_missing", "b"]);
        let fitted = FeatureParams::for_linear()
            .missing_indicators(false)
            .sparse(SparsePolicy::Indicate {
                max_missing_rate: 0.5,
            })
            .fit(&t, &schema_of(&t))
            .unwrap();
        assert_eq!(
            fitted.output_names(),
            ["a", "b"],
            "1/3 missing is not above 0.5"
        );
    }

    #[test]
    fn sparse_policy_indicate_forces_an_indicator() {
        let t = table(vec![
            num("a", &[1.0, f64::NAN, f64::NAN]),
            boolean("f", &[Some(true), None, None]),
        ]);
        let fitted = FeatureParams::for_trees().fit(&t, &schema_of(&t)).unwrap();
        assert_eq!(
            fitted.output_names(),
            ["a", "a__is_missing", "f", "f__is_missing"]
        );
    }

    #[test]
    fn sparse_policy_drop_and_all_missing_columns() {
        let t = table(vec![
            num("dense", &[1.0, 2.0, 3.0, 4.0, 5.0]),
            num("sparse", &[1.0, f64::NAN, f64::NAN, 4.0, 5.0]),
            num("empty", &[f64::NAN; 5]),
        ]);
        let params = FeatureParams::for_linear().sparse(SparsePolicy::Drop {
            max_missing_rate: 0.3,
        });
        let fitted = params.fit(&t, &schema_of(&t)).unwrap();
        let dropped: Vec<_> = fitted.fit_log().dropped().collect();
        assert_eq!(
            dropped,
            vec![
                (
                    "sparse",
                    DropReason::TooSparse {
                        max_missing_rate: 0.3
                    },
                    0.4
                ),
                ("empty", DropReason::AllMissing, 1.0)
            ]
        );
        assert_eq!(fitted.required_columns(), ["dense"]);
        // Indicate keeps the sparse column but still drops the empty one.
        let fitted = FeatureParams::for_linear().fit(&t, &schema_of(&t)).unwrap();
        assert_eq!(fitted.required_columns(), ["dense", "sparse"]);
    }

    #[test]
    fn levels_ordered_by_frequency_then_name_and_rare_merged() {
        let values = [
            Some("b"),
            Some("a"),
            Some("b"),
            Some("a"),
            Some("c"),
            Some("z"),
            Some("y"),
            None,
            Some("c"),
            Some("c"),
        ];
        let t = table(vec![cat("shop", &values)]);
        let params = FeatureParams::for_linear().min_level_frequency(MinLevelFrequency::Count(2));
        let fitted = params.fit(&t, &schema_of(&t)).unwrap();
        let fit = categorical_fit(&fitted.fit_log().columns[0]);
        let names: Vec<_> = fit
            .kept
            .iter()
            .map(|l| (l.level.as_str(), l.count))
            .collect();
        assert_eq!(names, [("c", 3), ("a", 2), ("b", 2)]);
        let merged: Vec<_> = fit
            .merged_into_other
            .iter()
            .map(|l| l.level.as_str())
            .collect();
        assert_eq!(merged, ["y", "z"]);
        assert!(fit.missing_level);
        assert_eq!(
            fitted.output_names(),
            [
                "shop=c",
                "shop=a",
                "shop=b",
                "shop=__other__",
                "shop=__missing__"
            ]
        );
        // A fraction threshold: 0.25 of 10 rows needs 3 rows.
        let params = params.min_level_frequency(MinLevelFrequency::Fraction(0.25));
        let fitted = params
            .encoding(CategoricalEncoding::Ordinal)
            .fit(&t, &schema_of(&t))
            .unwrap();
        let fit = categorical_fit(&fitted.fit_log().columns[0]);
        assert_eq!(fit.kept.len(), 1);
        assert_eq!(fit.merged_into_other.len(), 4);
        assert_eq!(fitted.output_names(), ["shop"]);
    }

    #[test]
    fn fit_errors_are_errors() {
        let t = table(vec![num("x", &[1.0, 2.0]), cat("c", &[Some("a"), None])]);
        let empty_schema = Schema {
            id: None,
            target: None,
            features: vec![],
        };
        assert_eq!(
            FeatureParams::default().fit(&t, &empty_schema),
            Err(FeatureError::NoFeatures)
        );
        let schema = Schema {
            id: None,
            target: None,
            features: vec![
                spec("x", ColumnKind::Numeric),
                spec("gone", ColumnKind::Numeric),
                spec("also_gone", ColumnKind::Boolean),
            ],
        };
        assert_eq!(
            FeatureParams::default().fit(&t, &schema),
            Err(FeatureError::MissingColumns {
                names: vec!["gone".into(), "also_gone".into()]
            })
        );
        let schema = Schema {
            id: None,
            target: None,
            features: vec![spec("c", ColumnKind::Numeric)],
        };
        assert_eq!(
            FeatureParams::default().fit(&t, &schema),
            Err(FeatureError::KindMismatch {
                column: "c".into(),
                expected: ColumnKind::Numeric,
                found: ColumnKind::Categorical
            })
        );
        let empty = table(vec![num("x", &[])]);
        assert_eq!(
            FeatureParams::default().fit(&empty, &schema_of(&empty)),
            Err(FeatureError::EmptyTable)
        );
        let all_missing = table(vec![num("x", &[f64::NAN, f64::NAN])]);
        assert_eq!(
            FeatureParams::default().fit(&all_missing, &schema_of(&all_missing)),
            Err(FeatureError::AllColumnsDropped { n_dropped: 1 })
        );
        let bad = FeatureParams::default().min_level_frequency(MinLevelFrequency::Count(0));
        assert!(matches!(
            bad.fit(&t, &schema_of(&t)),
            Err(FeatureError::InvalidParameter { .. })
        ));
    }

    #[test]
    fn pca_replaces_outputs_with_components() {
        let t = table(vec![
            num("a", &[1.0, 2.0, 3.0, 4.0, 5.0]),
            num("b", &[2.0, 4.1, 5.9, 8.0, 10.2]),
            num("c", &[0.3, -0.2, 0.1, 0.0, -0.1]),
        ]);
        let params = FeatureParams::for_linear().pca(Some(PcaComponents::Count(2)));
        let fitted = params.fit(&t, &schema_of(&t)).unwrap();
        assert_eq!(fitted.output_names(), ["pc1", "pc2"]);
        assert_eq!(fitted.pre_pca_names(), ["a", "b", "c"]);
        let log = fitted.fit_log().pca.as_ref().unwrap();
        assert_eq!(log.n_inputs, 3);
        assert!(log.cumulative_ratio < 1.0 && log.cumulative_ratio > 0.9);
        let params = FeatureParams::for_linear().pca(Some(PcaComponents::Count(4)));
        assert_eq!(
            params.fit(&t, &schema_of(&t)),
            Err(FeatureError::TooManyComponents {
                requested: 4,
                available: 3
            })
        );
    }
}
