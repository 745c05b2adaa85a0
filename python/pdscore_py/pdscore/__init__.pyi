import os
from typing import Any, Optional, Sequence, Union

PathLike = Union[str, os.PathLike[str]]

class PdscoreError(Exception): ...

class Model:
    def predict_proba(self, data: Any) -> Any: ...
    def score_batch(self, batch: Any, reasons: int = ...) -> Any: ...
    @property
    def card(self) -> dict: ...
    @property
    def threshold(self) -> float: ...

def load(path: PathLike) -> Model: ...
def evaluate(
    path: PathLike,
    target: str,
    id: Optional[str] = ...,
    folds: int = ...,
    seed: int = ...,
    models: Optional[Sequence[str]] = ...,
    out: Optional[PathLike] = ...,
    positive: Optional[str] = ...,
) -> dict: ...
def train(
    path: PathLike,
    target: str,
    out: PathLike,
    id: Optional[str] = ...,
    model: str = ...,
    folds: int = ...,
    seed: int = ...,
    positive: Optional[str] = ...,
    target_rate: Optional[float] = ...,
) -> Model: ...
