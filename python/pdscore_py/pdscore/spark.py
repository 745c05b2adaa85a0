"""Scoring a pyspark DataFrame with pdscore: ``pdscore.spark.score(df, model_path)``.

pyspark (>= 3.3, for ``DataFrame.mapInArrow``) is imported only when :func:`score` is called;
``import pdscore`` does not need it.
"""

from __future__ import annotations

import os
from typing import Any, Iterator, Optional, Union

from ._arrow import cached_model, check_ids, score_arrow

__all__ = ["OUTPUT_SCHEMA", "output_schema", "score"]

#: The schema of the DataFrame that :func:`score` returns (a Spark DDL string).
OUTPUT_SCHEMA = "id string, pd double, decision boolean"


def output_schema(reasons: int = 0) -> str:
    """The DDL schema of :func:`score`'s result with `reasons` reason columns."""
    return OUTPUT_SCHEMA + "".join(f", reason_{k} string" for k in range(1, reasons + 1))


def score(
    df: Any,
    model_path: Union[str, "os.PathLike[str]"],
    *,
    id_column: Optional[str] = None,
    reasons: int = 0,
) -> Any:
    """A DataFrame (id, pd, decision) with one row per row of `df`, scored by pdscore.

    `df` is scored with ``DataFrame.mapInArrow``: each Python worker process loads the model
    from `model_path` once (a module-level cache keyed by the path) and scores every Arrow
    RecordBatch it receives with :meth:`pdscore.Model.score_batch`, so the PDs equal those of
    ``pdscore predict`` to the bit. `model_path` must be readable at that path on every
    executor (a shared file system, ``/dbfs/...`` or ``/Volumes/...`` on Databricks).

    The id is the model's id column (as the CLI); `id_column` names another input column to
    use instead (cast to string), and is required when the model was trained without an id.
    With `reasons=N`, the columns ``reason_1..reason_N`` follow (as in
    ``pdscore predict --reasons N``). The model is loaded on the driver too, to check it
    before the job starts.
    """
    path = os.fspath(model_path)
    check_ids(cached_model(path), id_column)
    if id_column is not None and id_column not in df.columns:
        raise ValueError(f"pdscore: no column `{id_column}` in the DataFrame")

    def score_batches(batches: Iterator[Any]) -> Iterator[Any]:
        model = cached_model(path)
        for batch in batches:
            if batch.num_rows:
                yield score_arrow(model, batch, id_column, reasons)

    return df.mapInArrow(score_batches, output_schema(reasons))
