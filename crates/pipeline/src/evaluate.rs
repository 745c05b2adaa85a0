//! The whole "evaluate" job shared by `pdscore evaluate`, `pdscore train` and
//! `cargo xtask evaluate`: read a labelled CSV, compare candidates, refit the chosen one, and
//! write the reports and outputs.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use pdscore_metrics::GradeRow;
use serde::Serialize;

use crate::calibration::CalibrationSpec;
use crate::candidate::{Candidate, CvSpec, default_candidates};
use crate::card::CvRow;
use crate::compare::{Comparison, Progress, compare};
use crate::data::{LabelledData, take_rows};
use crate::ensemble::EnsembleSpec;
use crate::error::{PipelineError, Result};
use crate::input::{InputSpec, TrainingInput, read_training_csv};
use crate::monotone::{MonotoneSpec, apply_to_candidates};
use crate::nested::NestedEvaluation;
use crate::out_of_time::{OutOfTime, OutOfTimeSpec};
use crate::output::ScoredCsv;
use crate::pipeline::{Pipeline, TrainOptions};

/// What to evaluate.
#[derive(Debug, Clone, PartialEq)]
pub struct EvaluateSpec {
    /// The labelled CSV and its column roles.
    pub input: InputSpec,
    /// Cross-validation, threshold policy and selection rule. Default: [`CvSpec::default`].
    pub cv: CvSpec,
    /// Restrict the default candidates to these names (in this order). Default: all. A list
    /// of nothing but `ensemble` stacks every other default candidate (they are compared too).
    pub models: Option<Vec<String>>,
    /// How the `ensemble` candidate is built. Default: [`EnsembleSpec::default`] (3 members).
    pub ensemble: EnsembleSpec,
    /// Which candidate to save: `None` (default) for the best.
    pub save: Option<String>,
    /// A long-run default rate to move the saved model's PDs to (see
    /// [`TrainOptions::target_rate`]). Default: `None`.
    pub target_rate: Option<f64>,
    /// Creation time for the model card (tests); default: the clock.
    pub created_at: Option<String>,
    /// Out-of-time validation beside the CV: the time column (then never a feature) and the
    /// start of the test period. Default: `None`.
    pub out_of_time: Option<OutOfTimeSpec>,
    /// Monotone constraints on input columns (`--monotone`), for every candidate that can
    /// honour them; the others are left out of a default comparison with a warning, and are an
    /// error when named in `models`. Default: `None`.
    pub monotone: Option<MonotoneSpec>,
}

impl EvaluateSpec {
    /// A spec with the defaults for `input`.
    pub fn new(input: InputSpec) -> Self {
        EvaluateSpec {
            input,
            cv: CvSpec::default(),
            models: None,
            ensemble: EnsembleSpec::default(),
            save: None,
            target_rate: None,
            created_at: None,
            out_of_time: None,
            monotone: None,
        }
    }

    /// The candidate list: the default candidates (seeded with the CV seed, the ensemble built
    /// by `ensemble`), filtered by `models` (when only ensembles are named, every other default
    /// candidate comes first, to stack), with the monotone constraints set (see
    /// [`EvaluateSpec::monotone`]).
    ///
    /// # Errors
    /// [`PipelineError::UnknownCandidate`] for a name that is not a default candidate;
    /// [`PipelineError::InvalidParam`] for a bad ensemble spec or a named candidate that cannot
    /// honour the constraints.
    pub fn candidates(&self) -> Result<Vec<Candidate>> {
        Ok(self.candidates_and_warnings()?.0)
    }

    /// [`EvaluateSpec::candidates`] and a warning for each candidate left out because it cannot
    /// honour the monotone constraints.
    fn candidates_and_warnings(&self) -> Result<(Vec<Candidate>, Vec<String>)> {
        self.ensemble.check()?;
        let mut all = default_candidates(self.cv.seed);
        for c in &mut all {
            if c.ensemble.is_some() {
                c.ensemble = Some(self.ensemble);
            }
        }
        let mut candidates = select_candidates(all.clone(), self.models.as_deref())?;
        let mut named = self.models.is_some();
        if !candidates.is_empty() && candidates.iter().all(|c| c.ensemble.is_some()) {
            let mut members: Vec<Candidate> =
                all.into_iter().filter(|c| c.ensemble.is_none()).collect();
            members.extend(candidates);
            candidates = members;
            // the members were not named: those that cannot honour constraints are left out
            named = false;
        }
        match &self.monotone {
            None => Ok((candidates, Vec::new())),
            Some(spec) => apply_to_candidates(candidates, spec, named),
        }
    }
}

/// Keeps the candidates named in `names` (in that order); all when `names` is `None`.
///
/// # Errors
/// [`PipelineError::UnknownCandidate`] listing the known names.
pub fn select_candidates(all: Vec<Candidate>, names: Option<&[String]>) -> Result<Vec<Candidate>> {
    let Some(names) = names else {
        return Ok(all);
    };
    names
        .iter()
        .map(|name| {
            all.iter()
                .find(|c| &c.name == name)
                .cloned()
                .ok_or_else(|| PipelineError::UnknownCandidate {
                    name: name.clone(),
                    known: all
                        .iter()
                        .map(|c| c.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", "),
                })
        })
        .collect()
}

/// The outcome of [`evaluate`].
#[derive(Debug, Clone)]
pub struct Evaluated {
    /// The input as read.
    pub input: TrainingInput,
    /// Its labelled rows.
    pub data: LabelledData,
    /// The comparison.
    pub comparison: Comparison,
    /// The chosen candidate refitted on every labelled row.
    pub pipeline: Pipeline,
    /// The out-of-time figures, when asked for.
    pub out_of_time: Option<OutOfTime>,
}

/// The `--json` summary: best model, how it was selected, its honest (nested) figures, its
/// rating grades, and one row per model.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ResultsJson {
    /// The selected candidate.
    pub best: String,
    /// `pr_auc`, `roc_auc` or `log_loss`.
    pub selection_metric: String,
    /// The selection rule in words.
    pub selection_rule: String,
    /// The candidate with the best mean of the selection metric.
    pub leader: String,
    /// The candidates tied with the leader (the leader included).
    pub tied: Vec<String>,
    /// The calibration spec every candidate was calibrated with.
    pub calibration: CalibrationSpec,
    /// The honest figures of the selection procedure: selection nested in each outer fold.
    pub nested: NestedEvaluation,
    /// The best model's pooled out-of-fold PDs in rating grades.
    pub grades: Vec<GradeRow>,
    /// One row per candidate that ran.
    pub models: Vec<CvRow>,
    /// The out-of-time figures, when asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub out_of_time: Option<OutOfTime>,
}

/// Runs the whole job. `progress` is called after each (candidate, fold) fit.
///
/// # Errors
/// Read errors, label errors, comparison and fitting errors.
pub fn evaluate(
    spec: &EvaluateSpec,
    progress: Option<&(dyn Fn(Progress) + Sync)>,
) -> Result<Evaluated> {
    let (candidates, left_out) = spec.candidates_and_warnings()?;
    let mut input = read_training_csv(&spec.input)?;
    if let Some(oot) = &spec.out_of_time {
        // The time column orders the rows; it is never a feature.
        input.schema.features.retain(|f| f.name != oot.column);
    }
    if let Some(monotone) = &spec.monotone {
        monotone.check(&input.schema)?;
        input.warnings.extend(left_out);
    }
    let data = LabelledData::new(&input.table, &input.schema, Some(input.sha256.clone()))?;
    let comparison = compare(&data, &candidates, &spec.cv, progress)?;
    let out_of_time = spec
        .out_of_time
        .as_ref()
        .map(|oot| crate::out_of_time::out_of_time(&data, &comparison, oot))
        .transpose()?;
    let pipeline = Pipeline::fit(
        &data,
        &comparison,
        &TrainOptions {
            created_at: spec.created_at.clone(),
            candidate: spec.save.clone(),
            target_rate: spec.target_rate,
        },
    )?;
    Ok(Evaluated {
        input,
        data,
        comparison,
        pipeline,
        out_of_time,
    })
}

impl Evaluated {
    /// The `--json` summary.
    ///
    /// # Errors
    /// Metric errors of the grade table.
    pub fn results(&self) -> Result<ResultsJson> {
        let c = &self.comparison;
        let name = |i: usize| c.results[i].candidate.name.clone();
        Ok(ResultsJson {
            best: c.best().candidate.name.clone(),
            selection_metric: c.cv.selection.metric.name().to_owned(),
            selection_rule: c.cv.selection.describe(),
            leader: name(c.selection.leader),
            tied: c.selection.tied.iter().map(|&i| name(i)).collect(),
            calibration: c.cv.calibration,
            nested: c.nested.clone(),
            grades: c.grades()?,
            models: c.results.iter().map(CvRow::new).collect(),
            out_of_time: self.out_of_time.clone(),
        })
    }

    /// The console summary both frontends print: data and CV line, the comparison table,
    /// failed candidates, the best model with the rule that chose it, and the honest figures
    /// of the procedure.
    pub fn summary_text(&self) -> String {
        let c = &self.comparison;
        let rows: Vec<CvRow> = c.results.iter().map(CvRow::new).collect();
        let best = &c.best().candidate.name;
        let mut s = format!(
            "{} labelled rows ({} positive), {}-fold CV, comparison {:.1} s\n",
            c.y.len(),
            c.y.iter().filter(|&&v| v).count(),
            c.cv.folds,
            c.wall_seconds
        );
        s.push_str(&crate::report::table_text(&rows, best));
        for f in &c.failed {
            let _ = writeln!(s, "failed: {}: {}", f.name, f.error);
        }
        let tied: Vec<&str> = c
            .selection
            .tied
            .iter()
            .map(|&i| c.results[i].candidate.name.as_str())
            .collect();
        let _ = writeln!(
            s,
            "best: {best} ({}; leader {}, tied: {})",
            c.cv.selection.describe(),
            c.results[c.selection.leader].candidate.name,
            tied.join(", ")
        );
        let n = &c.nested;
        let _ = writeln!(
            s,
            "honest estimate of this choice (selection nested in each fold): ROC AUC {:.4}±{:.4}, \
             PR AUC {:.4}±{:.4}, log loss {:.4}, mean PD / observed {:.3}, FN {} FP {}; chosen per \
             fold: {}",
            n.roc_auc,
            n.roc_auc_std,
            n.pr_auc,
            n.pr_auc_std,
            n.calibration.log_loss,
            n.calibration.mean_pd_ratio,
            n.confusion.false_negatives,
            n.confusion.false_positives,
            n.chosen.join(", ")
        );
        if let Some(oot) = &self.out_of_time {
            let _ = write!(s, "out of time: {}", oot.markdown());
        }
        s
    }

    /// Every out-of-fold prediction as CSV: `row,fold,model,y,score`, where `row` is the
    /// 0-based data row of the input file, `y` is 0/1 and `score` the calibrated PD.
    pub fn oof_csv(&self) -> String {
        let mut s = String::from("row,fold,model,y,score\n");
        for r in &self.comparison.results {
            for (i, &score) in r.oof.iter().enumerate() {
                let _ = writeln!(
                    s,
                    "{},{},{},{},{score}",
                    self.data.labelled_rows[i],
                    self.comparison.fold_of_row[i],
                    r.candidate.name,
                    u8::from(self.data.y[i])
                );
            }
        }
        s
    }

    /// PDs of the rows whose target is empty, as the original task asked: `<id>;pd`, written
    /// by the shared scored-row writer ([`ScoredCsv`], ids escaped by its rule). `None` when
    /// every row is labelled.
    ///
    /// # Errors
    /// Scoring errors.
    pub fn predictions_csv(&self) -> Result<Option<String>> {
        if self.data.unlabelled_rows.is_empty() {
            return Ok(None);
        }
        let rows = take_rows(&self.input.table, &self.data.unlabelled_rows);
        let scored = self.pipeline.score(&rows)?;
        let id = self.input.schema.id.as_deref().unwrap_or("row");
        let text = ScoredCsv::new(id, b';')?.without_decision().to_text(
            &scored.ids,
            &scored.pd,
            &scored.decision,
        );
        Ok(Some(text))
    }

    /// Writes `report.md`, `report.html`, `results.json`, `oof.csv`, `model.json` and (when
    /// some rows are unlabelled) `predictions.csv` into `dir` (created if needed); returns the
    /// paths written.
    ///
    /// # Errors
    /// I/O, serialisation, plotting and scoring errors.
    pub fn write_all(&self, dir: &Path) -> Result<Vec<PathBuf>> {
        std::fs::create_dir_all(dir).map_err(|source| PipelineError::Io {
            path: dir.to_path_buf(),
            source,
        })?;
        let card = self.pipeline.card();
        let mut written = Vec::new();
        let mut put = |name: &str, bytes: &[u8]| -> Result<()> {
            let path = dir.join(name);
            crate::atomic::write_atomically(&path, bytes).map_err(|source| PipelineError::Io {
                path: path.clone(),
                source,
            })?;
            written.push(path);
            Ok(())
        };
        let mut md = crate::report::markdown(&self.comparison, card)?;
        let mut html = crate::report::html(&self.comparison, card)?;
        if let Some(oot) = &self.out_of_time {
            let _ = write!(md, "\n## Out of time\n\n{}", oot.markdown());
            let section = format!(
                "<h2>Out of time</h2>{}</body>",
                crate::report::html::markdown_table_to_html(&oot.markdown())
            );
            html = html.replacen("</body>", &section, 1);
        }
        put("report.md", md.as_bytes())?;
        put("report.html", html.as_bytes())?;
        put(
            "results.json",
            &serde_json::to_vec_pretty(&self.results()?)?,
        )?;
        put("oof.csv", self.oof_csv().as_bytes())?;
        put("model.json", &self.pipeline.to_bytes()?)?;
        if let Some(p) = self.predictions_csv()? {
            put("predictions.csv", p.as_bytes())?;
        }
        Ok(written)
    }
}
