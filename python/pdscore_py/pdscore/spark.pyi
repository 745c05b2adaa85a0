import os
from typing import Any, Optional, Union

OUTPUT_SCHEMA: str

def output_schema(reasons: int = ...) -> str: ...

def score(
    df: Any,
    model_path: Union[str, os.PathLike[str]],
    *,
    id_column: Optional[str] = ...,
    reasons: int = ...,
) -> Any: ...
