//! The state shared by every request: the pipeline, the limits, the result store, the job and
//! upload semaphores, the compiled templates and what the pages show of the model.

use std::sync::Arc;

use minijinja::Environment;
use pdscore::pipeline::Pipeline;
use tokio::sync::Semaphore;

use crate::config::Limits;
use crate::model_view::ModelView;
use crate::store::ResultStore;

/// `bytes` in whole KiB, rounded up: the unit of the upload-bytes semaphore.
pub(crate) fn kib(bytes: usize) -> usize {
    bytes.div_ceil(1024)
}

/// Shared state of every request.
pub(crate) struct AppState {
    pub(crate) pipeline: Arc<Pipeline>,
    pub(crate) limits: Limits,
    pub(crate) store: ResultStore,
    pub(crate) jobs: Arc<Semaphore>,
    pub(crate) uploads: Arc<Semaphore>,
    pub(crate) templates: Environment<'static>,
    pub(crate) model: ModelView,
    pub(crate) template_csv: String,
    pub(crate) card_json: Vec<u8>,
}
