//! The model as the pages show it: its name, threshold, training facts and the columns an
//! upload must have. Built once when the router is built.

use pdscore::pipeline::Pipeline;
use serde::Serialize;

/// The model as the pages show it.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct ModelView {
    pub(crate) name: String,
    family: String,
    description: String,
    threshold: String,
    created_at: String,
    pdscore_version: String,
    id_column: Option<String>,
    target_column: Option<String>,
    columns: Vec<ColumnView>,
    training_rows: usize,
}

/// One expected column of the upload, as the pages list it.
#[derive(Debug, Clone, Serialize)]
struct ColumnView {
    name: String,
    kind: String,
    role: &'static str,
}

/// The pages' view of `pipeline`: its name, threshold, training facts and expected columns.
pub(crate) fn model_view(pipeline: &Pipeline) -> ModelView {
    let card = pipeline.card();
    let schema = pipeline.schema();
    let mut columns = Vec::new();
    if let Some(id) = &schema.id {
        columns.push(ColumnView {
            name: id.clone(),
            kind: "text".into(),
            role: "id (required)",
        });
    }
    columns.extend(schema.features.iter().map(|f| ColumnView {
        name: f.name.clone(),
        kind: format!("{:?}", f.kind).to_lowercase(),
        role: "feature (required; may be empty)",
    }));
    if let Some(target) = &schema.target {
        columns.push(ColumnView {
            name: target.column.clone(),
            kind: "label".into(),
            role: "target (optional: adds the evaluation)",
        });
    }
    ModelView {
        name: card.model.candidate.clone(),
        family: card.model.family.clone(),
        description: card.model.description.clone(),
        threshold: format!("{:.4}", pipeline.threshold()),
        created_at: card.created_at.clone(),
        pdscore_version: card.pdscore_version.clone(),
        id_column: schema.id.clone(),
        target_column: schema.target.as_ref().map(|t| t.column.clone()),
        columns,
        training_rows: card.training_data.labelled_rows,
    }
}
