"""Shared by the Spark and Ray recipes: a per-process model cache and Arrow batch scoring."""

from __future__ import annotations

import threading
from typing import Any, Dict, Optional

from . import Model, load

_MODELS: Dict[str, Model] = {}
_LOCK = threading.Lock()


def cached_model(path: str) -> Model:
    """The model at `path`, loaded once per Python process (keyed by the path as given)."""
    model = _MODELS.get(path)
    if model is None:
        with _LOCK:
            model = _MODELS.get(path)
            if model is None:
                model = load(path)
                _MODELS[path] = model
    return model


def check_ids(model: Model, id_column: Optional[str]) -> None:
    """Refuses a model without an id column when no `id_column` is given.

    Without an id, pdscore numbers the rows from 0 in each batch, which is meaningless once
    the rows are split over batches and workers.
    """
    if id_column is None and not model.card["schema"].get("id"):
        raise ValueError(
            "pdscore: the model has no id column (it was trained without `id`): "
            "pass id_column= to name the input column that identifies the rows"
        )


def score_arrow(model: Model, batch: Any, id_column: Optional[str], reasons: int = 0) -> Any:
    """Scores a pyarrow RecordBatch or Table; a RecordBatch (id, pd, decision, and
    reason_1..reason_N with `reasons`) back.

    Only the columns the model reads are passed on (the id and the features): the other
    columns are ignored by the model anyway, and leaving out the target spares a per-batch
    evaluation. With `id_column`, the ids are that column's values cast to string. The PDs
    are those of `Model.score_batch` on the whole batch.
    """
    import pyarrow as pa

    schema = model.card["schema"]
    features = {c["name"] for c in schema["columns"]}
    model_id = schema.get("id")
    names = [n for n in batch.schema.names if n in features]
    arrays = [batch.column(n) for n in names]
    if model_id:
        # The reader requires the model's id column: the input's, else the id_column's values.
        source = model_id if model_id in batch.schema.names else id_column
        if source is not None:
            names.append(model_id)
            arrays.append(batch.column(source))
    scored = model.score_batch(type(batch).from_arrays(arrays, names=names), reasons=reasons)
    if id_column is not None:
        ids = batch.column(id_column)
        if isinstance(ids, pa.ChunkedArray):
            ids = ids.combine_chunks()
        scored = pa.RecordBatch.from_arrays(
            [ids.cast(pa.string())] + scored.columns[1:],
            names=scored.schema.names,
        )
    return scored
