"""pdscore: calibrated probability of default per row, from Python.

Data crosses into Rust as Arrow, without a copy of its cells: pandas frames through
``pyarrow.Table.from_pandas``, polars frames through ``.to_arrow()``, pyarrow tables and
batches as they are (anything with ``__arrow_c_stream__`` too). The Rust side reads each
batch with the model's schema by the same cell rules as the CSV reader of the
``pdscore predict`` CLI and scores it with the GIL released, so the PDs equal the CLI's to
the bit. CSV bytes (or a str) are still accepted and read by the CLI's CSV reader.
"""

from __future__ import annotations

import json
import os
from typing import Any, List, Optional, Sequence, Union

from . import _pdscore
from ._pdscore import PdscoreError

__all__ = ["Model", "PdscoreError", "load", "evaluate", "train"]

PathLike = Union[str, "os.PathLike[str]"]


def _to_arrow(data: Any) -> Any:
    """A pyarrow Table (or another ``__arrow_c_stream__`` object) for `data`, without copying
    cells where pyarrow can avoid it."""
    module = type(data).__module__.split(".")[0]
    if module == "pandas":
        import pyarrow as pa

        return pa.Table.from_pandas(data, preserve_index=False)
    if module == "polars":
        return data.to_arrow()
    if module == "pyarrow":
        import pyarrow as pa

        if isinstance(data, pa.RecordBatch):
            return pa.Table.from_batches([data])
        if isinstance(data, (pa.Table, pa.RecordBatchReader)):
            return data
    if hasattr(data, "__arrow_c_stream__"):
        return data
    if hasattr(data, "__arrow_c_array__"):
        import pyarrow as pa

        return pa.Table.from_batches([pa.record_batch(data)])
    raise TypeError(
        "pdscore: expected a pandas or polars DataFrame, a pyarrow Table or RecordBatch, "
        f"an Arrow stream, or CSV bytes; got {type(data).__name__}"
    )


def _is_csv(data: Any) -> bool:
    return isinstance(data, (bytes, bytearray, memoryview, str))


def _csv_bytes(data: Any) -> bytes:
    return data.encode("utf-8") if isinstance(data, str) else bytes(data)


def _as_array(values: List[float]) -> Any:
    try:
        import numpy as np
    except ImportError:  # numpy is optional
        return values
    return np.asarray(values, dtype=np.float64)


class Model:
    """A fitted pipeline loaded from a file written by ``pdscore train``."""

    def __init__(self, raw: Any) -> None:
        self._raw = raw
        self._card: Optional[dict] = None

    def predict_proba(self, data: Any) -> Any:
        """P(default) of each row, as a float64 numpy array (a list without numpy).

        `data`: a pandas or polars DataFrame, a pyarrow Table or RecordBatch, any object with
        ``__arrow_c_stream__``, or CSV bytes/str. The model's columns are read by its schema
        (other columns are ignored); a column of a type pdscore cannot read (dates, lists,
        ...) or a required column that is absent raises :class:`PdscoreError`.
        """
        if _is_csv(data):
            return _as_array(self._raw.predict_proba_csv(_csv_bytes(data)))
        return _as_array(self._raw.predict_proba(_to_arrow(data)))

    def score_batch(self, batch: Any, reasons: int = 0) -> Any:
        """A ``pyarrow.RecordBatch`` with ``id`` (string), ``pd`` (float64), ``decision`` (bool)
        and, with ``reasons=N``, ``reason_1..reason_N`` (string, ``column (+0.412)`` as in
        ``pdscore predict --reasons N``; null past a row's last reason).

        `batch`: anything :meth:`predict_proba` accepts except CSV (usually a pyarrow
        RecordBatch or Table). The ids are the model's id column (row numbers without one).
        """
        import pyarrow as pa

        if _is_csv(batch):
            if reasons:
                raise ValueError("pdscore: reasons need Arrow input, not CSV bytes")
            ids, pd, decision = self._raw.score_csv(_csv_bytes(batch))
            return pa.RecordBatch.from_arrays(
                [
                    pa.array(ids, type=pa.string()),
                    pa.array(pd, type=pa.float64()),
                    pa.array(decision, type=pa.bool_()),
                ],
                names=["id", "pd", "decision"],
            )
        return pa.record_batch(self._raw.score(_to_arrow(batch), reasons=reasons))

    @property
    def card(self) -> dict:
        """The model card (as in the model file) as a dict."""
        if self._card is None:
            self._card = json.loads(self._raw.card_json())
        return self._card

    @property
    def threshold(self) -> float:
        """The decision threshold: a row is flagged when ``pd >= threshold``."""
        return self._raw.threshold

    def __repr__(self) -> str:
        return f"<pdscore.Model threshold={self.threshold:.4f}>"


def load(path: PathLike) -> Model:
    """Loads a model file written by ``pdscore train`` or ``pdscore evaluate --out``."""
    return Model(_pdscore.load(os.fspath(path)))


def evaluate(
    path: PathLike,
    target: str,
    id: Optional[str] = None,
    folds: int = 5,
    seed: int = 0,
    models: Optional[Sequence[str]] = None,
    out: Optional[PathLike] = None,
    positive: Optional[str] = None,
) -> dict:
    """Cross-validates the candidates on a labelled CSV; returns the results (as ``--json``).

    Writes the reports to the folder ``out`` when given.
    """
    text = _pdscore.evaluate_json(
        os.fspath(path),
        target,
        id=id,
        positive=positive,
        folds=folds,
        seed=seed,
        models=list(models) if models is not None else None,
        out=os.fspath(out) if out is not None else None,
    )
    return json.loads(text)


def train(
    path: PathLike,
    target: str,
    out: PathLike,
    id: Optional[str] = None,
    model: str = "best",
    folds: int = 5,
    seed: int = 0,
    positive: Optional[str] = None,
    target_rate: Optional[float] = None,
) -> Model:
    """Trains like ``pdscore train`` and saves the model file to ``out``; returns the model."""
    _pdscore.train_json(
        os.fspath(path),
        target,
        os.fspath(out),
        id=id,
        positive=positive,
        model=model,
        folds=folds,
        seed=seed,
        target_rate=target_rate,
    )
    return load(out)
