import os
from typing import Any, Optional, Tuple, Union

class Scorer:
    def __init__(
        self, model_path: str, id_column: Optional[str] = ..., reasons: int = ...
    ) -> None: ...
    def __call__(self, batch: Any) -> Any: ...

def score(
    ds: Any,
    model_path: Union[str, os.PathLike[str]],
    *,
    id_column: Optional[str] = ...,
    reasons: int = ...,
    concurrency: Union[int, Tuple[int, int], None] = ...,
    batch_size: Optional[int] = ...,
    num_cpus: Optional[float] = ...,
    **ray_remote_args: Any,
) -> Any: ...
