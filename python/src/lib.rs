//! Python bindings of pdscore (module `pdscore._pdscore`); the public API is the pure-Python
//! package `pdscore` around it.
//!
//! Data crosses as Arrow (module `arrow`): the Python side turns pandas, polars and pyarrow
//! inputs into a pyarrow `Table`, whose batches are imported here through the C Data
//! Interface and read by `pdscore_ingest::table_from_record_batch` with the model's schema;
//! scoring runs with the GIL released. CSV bytes are still accepted (`*_csv` methods).

mod arrow;

use std::path::PathBuf;

use arrow_array::RecordBatch;
use pdscore::ingest::{read_csv, table_from_record_batch};
use pdscore::pipeline::{CvSpec, EvaluateSpec, InputSpec, Pipeline, Reason, ScoredArrow, evaluate};
use pyo3::create_exception;
use pyo3::exceptions::PyException;
use pyo3::prelude::*;

create_exception!(
    _pdscore,
    PdscoreError,
    PyException,
    "An error from pdscore."
);

/// The error and its whole chain of causes, one per line.
fn err(context: &str, e: &(dyn std::error::Error + 'static)) -> PyErr {
    let mut msg = format!("{context}: {e}");
    let mut source = e.source();
    while let Some(s) = source {
        msg.push_str(&format!("\n  caused by: {s}"));
        source = s.source();
    }
    PdscoreError::new_err(msg)
}

/// A loaded pipeline file.
#[pyclass(frozen, module = "pdscore._pdscore")]
struct RawModel {
    pipeline: Pipeline,
}

fn read(pipeline: &Pipeline, csv: &[u8]) -> PyResult<pdscore::ingest::Table> {
    read_csv(csv, &pipeline.read_options()).map_err(|e| err("cannot read the input", &e))
}

/// Reads each batch with the model's schema and passes it to `each` with its first row number.
fn each_table(
    pipeline: &Pipeline,
    batches: &[RecordBatch],
    mut each: impl FnMut(&pdscore::ingest::Table, u64) -> PyResult<()>,
) -> PyResult<()> {
    let options = pipeline.read_options();
    let mut first_row = 0u64;
    for batch in batches {
        let table = table_from_record_batch(batch, &options, first_row)
            .map_err(|e| err("cannot read the input", &e))?;
        each(&table, first_row)?;
        first_row += batch.num_rows() as u64;
    }
    Ok(())
}

#[pymethods]
impl RawModel {
    /// P(default) of each row of an object with `__arrow_c_stream__` (a pyarrow Table).
    fn predict_proba(&self, py: Python<'_>, data: &Bound<'_, PyAny>) -> PyResult<Vec<f64>> {
        let batches = arrow::import_stream(data)?;
        py.allow_threads(|| {
            let mut pd = Vec::new();
            each_table(&self.pipeline, &batches, |table, _| {
                let part = self
                    .pipeline
                    .predict_proba(table)
                    .map_err(|e| err("cannot score the input", &e))?;
                pd.extend(part);
                Ok(())
            })?;
            Ok(pd)
        })
    }

    /// The scored rows of an object with `__arrow_c_stream__` as one Arrow batch: `id_name`
    /// (string), `pd` (float64), `decision` (bool), and `reason_1..reason_{reasons}`.
    #[pyo3(signature = (data, reasons=0, id_name="id"))]
    fn score(
        &self,
        py: Python<'_>,
        data: &Bound<'_, PyAny>,
        reasons: usize,
        id_name: &str,
    ) -> PyResult<arrow::ArrowBatch> {
        let batches = arrow::import_stream(data)?;
        py.allow_threads(|| {
            let (mut ids, mut pd, mut decision) = (Vec::new(), Vec::new(), Vec::new());
            let mut explained: Vec<Vec<Reason>> = Vec::new();
            each_table(&self.pipeline, &batches, |table, first_row| {
                let fail = |e: pdscore::pipeline::PipelineError| err("cannot score the input", &e);
                let scored = self.pipeline.score_from(table, first_row).map_err(fail)?;
                if reasons > 0 {
                    let explanation = self.pipeline.explain(table).map_err(fail)?;
                    explained.extend((0..table.n_rows()).map(|r| explanation.reasons(r, reasons)));
                }
                ids.extend(scored.ids);
                pd.extend(scored.pd);
                decision.extend(scored.decision);
                Ok(())
            })?;
            let batch = ScoredArrow::new(id_name)
                .with_reasons(reasons)
                .batch(
                    ids.iter().map(|s| Some(s.as_str())),
                    &pd,
                    &decision,
                    &explained,
                )
                .map_err(|e| err("cannot build the scored batch", &e))?;
            Ok(arrow::ArrowBatch::new(batch))
        })
    }

    /// P(default) of each row of the CSV bytes.
    fn predict_proba_csv(&self, py: Python<'_>, csv: &[u8]) -> PyResult<Vec<f64>> {
        py.allow_threads(|| {
            let table = read(&self.pipeline, csv)?;
            self.pipeline
                .predict_proba(&table)
                .map_err(|e| err("cannot score the input", &e))
        })
    }

    /// (ids, pd, decision) of each row of the CSV bytes.
    fn score_csv(
        &self,
        py: Python<'_>,
        csv: &[u8],
    ) -> PyResult<(Vec<String>, Vec<f64>, Vec<bool>)> {
        py.allow_threads(|| {
            let table = read(&self.pipeline, csv)?;
            let s = self
                .pipeline
                .score(&table)
                .map_err(|e| err("cannot score the input", &e))?;
            Ok((s.ids, s.pd, s.decision))
        })
    }

    /// The model card as JSON.
    fn card_json(&self) -> PyResult<String> {
        serde_json::to_string(self.pipeline.card())
            .map_err(|e| err("cannot serialise the model card", &e))
    }

    #[getter]
    fn threshold(&self) -> f64 {
        self.pipeline.threshold()
    }
}

/// Loads a pipeline file.
#[pyfunction]
fn load(py: Python<'_>, path: PathBuf) -> PyResult<RawModel> {
    py.allow_threads(|| {
        Pipeline::load(&path)
            .map(|pipeline| RawModel { pipeline })
            .map_err(|e| err(&format!("cannot load `{}`", path.display()), &e))
    })
}

#[allow(clippy::too_many_arguments)]
fn spec(
    path: PathBuf,
    target: String,
    id: Option<String>,
    positive: Option<String>,
    folds: usize,
    seed: u64,
    models: Option<Vec<String>>,
    target_rate: Option<f64>,
) -> EvaluateSpec {
    let input = InputSpec::new(path, target).positive(positive).id(id);
    let mut spec = EvaluateSpec::new(input);
    spec.cv = CvSpec::default().folds(folds).seed(seed);
    spec.models = models;
    spec.target_rate = target_rate;
    spec
}

/// Compares the candidates; returns the results as JSON, writing the reports to `out` if given.
#[pyfunction]
#[pyo3(signature = (path, target, id=None, positive=None, folds=5, seed=0, models=None, out=None))]
#[allow(clippy::too_many_arguments)]
fn evaluate_json(
    py: Python<'_>,
    path: PathBuf,
    target: String,
    id: Option<String>,
    positive: Option<String>,
    folds: usize,
    seed: u64,
    models: Option<Vec<String>>,
    out: Option<PathBuf>,
) -> PyResult<String> {
    py.allow_threads(|| {
        let context = format!("cannot evaluate on `{}`", path.display());
        let spec = spec(path, target, id, positive, folds, seed, models, None);
        let evaluated = evaluate(&spec, None).map_err(|e| err(&context, &e))?;
        if let Some(dir) = &out {
            evaluated.write_all(dir).map_err(|e| {
                err(
                    &format!("cannot write the reports to `{}`", dir.display()),
                    &e,
                )
            })?;
        }
        let results = evaluated.results().map_err(|e| err(&context, &e))?;
        serde_json::to_string(&results).map_err(|e| err("cannot serialise the results", &e))
    })
}

/// Trains like `pdscore train` and saves the pipeline to `out`; returns the model card JSON.
#[pyfunction]
#[pyo3(signature = (path, target, out, id=None, positive=None, model="best".to_string(), folds=5, seed=0, target_rate=None))]
#[allow(clippy::too_many_arguments)]
fn train_json(
    py: Python<'_>,
    path: PathBuf,
    target: String,
    out: PathBuf,
    id: Option<String>,
    positive: Option<String>,
    model: String,
    folds: usize,
    seed: u64,
    target_rate: Option<f64>,
) -> PyResult<String> {
    py.allow_threads(|| {
        let context = format!("cannot train on `{}`", path.display());
        let models = (model != "best").then(|| vec![model]);
        let spec = spec(path, target, id, positive, folds, seed, models, target_rate);
        let evaluated = evaluate(&spec, None).map_err(|e| err(&context, &e))?;
        evaluated
            .pipeline
            .save(&out)
            .map_err(|e| err(&format!("cannot save the model to `{}`", out.display()), &e))?;
        serde_json::to_string(evaluated.pipeline.card())
            .map_err(|e| err("cannot serialise the model card", &e))
    })
}

#[pymodule]
fn _pdscore(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("PdscoreError", m.py().get_type::<PdscoreError>())?;
    m.add_class::<RawModel>()?;
    m.add_class::<arrow::ArrowBatch>()?;
    m.add_function(wrap_pyfunction!(load, m)?)?;
    m.add_function(wrap_pyfunction!(evaluate_json, m)?)?;
    m.add_function(wrap_pyfunction!(train_json, m)?)?;
    Ok(())
}
