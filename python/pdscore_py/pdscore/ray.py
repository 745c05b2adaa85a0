"""Scoring a Ray Dataset with pdscore: ``pdscore.ray.score(ds, model_path)``.

Ray is imported only when :func:`score` is called; ``import pdscore`` does not need it.
"""

from __future__ import annotations

import os
from typing import Any, Optional, Tuple, Union

from ._arrow import cached_model, check_ids, score_arrow

__all__ = ["Scorer", "score"]


class Scorer:
    """The callable class of :func:`score`: one model per Ray actor, pyarrow batches in and out."""

    def __init__(self, model_path: str, id_column: Optional[str] = None, reasons: int = 0) -> None:
        self.model = cached_model(model_path)
        self.id_column = id_column
        self.reasons = reasons

    def __call__(self, batch: Any) -> Any:
        import pyarrow as pa

        return pa.Table.from_batches([score_arrow(self.model, batch, self.id_column, self.reasons)])


def score(
    ds: Any,
    model_path: Union[str, "os.PathLike[str]"],
    *,
    id_column: Optional[str] = None,
    reasons: int = 0,
    concurrency: Union[int, Tuple[int, int], None] = None,
    batch_size: Optional[int] = None,
    num_cpus: Optional[float] = None,
    **ray_remote_args: Any,
) -> Any:
    """A Dataset (id, pd, decision) with one row per row of `ds`, scored by pdscore.

    Runs ``ds.map_batches`` with ``batch_format="pyarrow"`` on a pool of actors, each loading
    the model from `model_path` once (the path must be readable on every node) and scoring
    its batches with :meth:`pdscore.Model.score_batch`: the PDs equal those of
    ``pdscore predict`` to the bit. `concurrency` is the number of actors, or (min, max) for
    an autoscaling pool (default: Ray's autoscaling pool from 1 actor); each actor reserves
    `num_cpus` CPUs (Ray's default: 1; leave room for the read tasks when the pool fills the
    cluster). Further keyword arguments go to ``map_batches`` as Ray remote arguments.
    `id_column` and `reasons` as in :func:`pdscore.spark.score`.
    """
    import ray

    path = os.fspath(model_path)
    check_ids(cached_model(path), id_column)
    if concurrency is None:
        compute = ray.data.ActorPoolStrategy()  # autoscaling from 1 actor
    elif isinstance(concurrency, int):
        compute = ray.data.ActorPoolStrategy(size=concurrency)
    else:
        low, high = concurrency
        compute = ray.data.ActorPoolStrategy(min_size=low, max_size=high)
    return ds.map_batches(
        Scorer,
        batch_format="pyarrow",
        batch_size=batch_size,
        compute=compute,
        fn_constructor_args=(path, id_column, reasons),
        num_cpus=num_cpus,
        **ray_remote_args,
    )
