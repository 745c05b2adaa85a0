"""pdscore: calibrated probability of default per row, from Python.

The scoring goes through the same Rust code path as the ``pdscore predict`` CLI: the
data is written to CSV bytes here and read by ``pdscore::ingest::read_csv`` with the
model's read options, so the PDs equal the CLI's to the bit.
"""

from __future__ import annotations

import io
import json
import os
from typing import Any, List, Optional, Sequence, Union

from . import _pdscore
from ._pdscore import PdscoreError

__all__ = ["Model", "PdscoreError", "load", "evaluate", "train"]

PathLike = Union[str, "os.PathLike[str]"]


def _to_csv_bytes(data: Any) -> bytes:
    """CSV bytes of a pandas/polars DataFrame, a pyarrow Table/RecordBatch, or bytes/str."""
    if isinstance(data, (bytes, bytearray, memoryview)):
        return bytes(data)
    if isinstance(data, str):
        return data.encode("utf-8")
    module = type(data).__module__.split(".")[0]
    if module == "pandas":
        # Missing values (NaN, None, NaT) become empty cells: na_rep defaults to "".
        return data.to_csv(index=False, na_rep="").encode("utf-8")
    if module == "polars":
        return data.write_csv().encode("utf-8")
    if module == "pyarrow":
        import pyarrow.csv as pacsv

        sink = io.BytesIO()
        pacsv.write_csv(data, sink)
        return sink.getvalue()
    raise TypeError(
        "pdscore: expected a pandas or polars DataFrame, a pyarrow Table or RecordBatch, "
        f"or CSV bytes; got {type(data).__name__}"
    )


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
        """P(default) of each row, as a float64 numpy array (a list without numpy)."""
        return _as_array(self._raw.predict_proba(_to_csv_bytes(data)))

    def score_batch(self, batch: Any) -> Any:
        """A ``pyarrow.RecordBatch`` with ``id`` (string), ``pd`` (float64), ``decision`` (bool)."""
        import pyarrow as pa

        ids, pd, decision = self._raw.score(_to_csv_bytes(batch))
        return pa.RecordBatch.from_arrays(
            [
                pa.array(ids, type=pa.string()),
                pa.array(pd, type=pa.float64()),
                pa.array(decision, type=pa.bool_()),
            ],
            names=["id", "pd", "decision"],
        )

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
