#!/usr/bin/env python3
"""Peer timing for `crates/features/benches/transform.rs`: scikit-learn's ColumnTransformer
`transform` on the same Klarna-format file.

Pipeline (the usual sklearn counterpart of `FeatureParams::for_linear()`):
  numeric + boolean: SimpleImputer(median, add_indicator=True) -> StandardScaler
  categorical:       OneHotEncoder(handle_unknown="ignore", min_frequency=10, dense output)
Fit once on the file, then time `transform` on the whole file (the fit is not timed, as in the
Rust bench). Reports the median and minimum of the repeats and rows/s.

Requires: numpy, pandas, scikit-learn (pip install numpy pandas scikit-learn).
Usage (the Rust bench writes the CSV first, into $CARGO_TARGET_DIR or <root>/target):
  cargo bench -p pdscore-features --bench transform -- --sample-size 10
  "${PDSCORE_PYTHON:-python3}" benches/peers/features_sklearn.py \
      "${CARGO_TARGET_DIR:-target}/pdscore-bench/klarna_synth_100k.csv" [repeats]
"""

import json
import statistics
import sys
import time

import numpy as np
import pandas as pd
import sklearn
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

# Same kinds as the Klarna schema used by the Rust bench: integer status codes are categorical.
CATEGORICAL = [
    "account_status",
    "account_worst_status_0_3m",
    "account_worst_status_12_24m",
    "account_worst_status_3_6m",
    "account_worst_status_6_12m",
    "merchant_category",
    "merchant_group",
    "name_in_email",
    "status_last_archived_0_24m",
    "status_2nd_last_archived_0_24m",
    "status_3rd_last_archived_0_24m",
    "status_max_archived_0_6_months",
    "status_max_archived_0_12_months",
    "status_max_archived_0_24_months",
    "worst_status_active_inv",
]
BOOLEAN = ["has_paid"]
NOT_FEATURES = {"uuid", "default"}  # id and target


def main() -> None:
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    path = sys.argv[1]
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    with open(path, encoding="utf-8") as f:
        header = f.readline()
    delimiter = ";" if header.count(";") > header.count(",") else ","
    # "NA" and empty cells are missing (pandas defaults), as in the ingest reader.
    frame = pd.read_csv(path, sep=delimiter, dtype={c: "string" for c in CATEGORICAL})
    for c in CATEGORICAL:
        # The ingest reader canonicalises integer codes written as floats ("1.0" -> "1").
        frame[c] = frame[c].str.replace(r"^(-?\d+)\.0+$", r"\1", regex=True)
    for c in CATEGORICAL:
        # OneHotEncoder wants object columns with np.nan for missing.
        frame[c] = frame[c].astype(object).where(frame[c].notna(), np.nan)
    for c in BOOLEAN:
        frame[c] = frame[c].map({True: 1.0, False: 0.0, "True": 1.0, "False": 0.0})
    numeric = [c for c in frame.columns if c not in NOT_FEATURES and c not in CATEGORICAL]
    transformer = ColumnTransformer(
        [
            (
                "numeric",
                make_pipeline(
                    SimpleImputer(strategy="median", add_indicator=True), StandardScaler()
                ),
                numeric,
            ),
            (
                "categorical",
                OneHotEncoder(handle_unknown="ignore", min_frequency=10, sparse_output=False),
                CATEGORICAL,
            ),
        ],
        sparse_threshold=0.0,
    )
    transformer.fit(frame)
    out = transformer.transform(frame)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        transformer.transform(frame)
        times.append(time.perf_counter() - start)
    median = statistics.median(times)
    result = {
        "peer": f"scikit-learn {sklearn.__version__} ColumnTransformer.transform",
        "rows": int(frame.shape[0]),
        "outputs": int(out.shape[1]),
        "repeats": repeats,
        "median_ms": round(median * 1e3, 2),
        "min_ms": round(min(times) * 1e3, 2),
        "rows_per_s_median": round(frame.shape[0] / median),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
