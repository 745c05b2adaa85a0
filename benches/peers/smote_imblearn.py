"""Peer of `crates/resample/benches/smote.rs`: imbalanced-learn's SMOTE on the same data.

Same steps as the Rust bench: the 7 numeric columns of credit_risk_dataset.csv, median-imputed,
standard-scaled (StandardScaler), then SMOTE(k_neighbors=5, random_state=0).fit_resample, timed
over repeated runs (one warm-up run first). Prints the median, min and max wall time, and the
median CPU time of the process per run (robust to other load on a shared machine).

Needs: numpy, pandas, scikit-learn, imbalanced-learn.
Run from the workspace root:
    "${PDSCORE_PYTHON:-python3}" benches/peers/smote_imblearn.py [--repeats 10] [--data FILE]
The data file defaults to $PDSCORE_DATA_DIR/credit_risk/credit_risk_dataset.csv, else
shared/data/credit_risk/credit_risk_dataset.csv beside the workspace root or one of its ancestors.
"""

import argparse
import os
import pathlib
import statistics
import sys
import time

import imblearn
import numpy as np
import pandas as pd
import sklearn
from imblearn.over_sampling import SMOTE
from sklearn.impute import SimpleImputer
from sklearn.preprocessing import StandardScaler

FILE = pathlib.Path("credit_risk") / "credit_risk_dataset.csv"
FEATURES = ["person_age", "person_income", "person_emp_length", "loan_amnt", "loan_int_rate",
            "loan_percent_income", "cb_person_cred_hist_length"]


def default_data_file():
    if "PDSCORE_DATA_DIR" in os.environ:
        return pathlib.Path(os.environ["PDSCORE_DATA_DIR"]) / FILE
    root = pathlib.Path(__file__).resolve().parents[2]
    for directory in root.parents:
        candidate = directory / "shared" / "data" / FILE
        if candidate.is_file():
            return candidate
    return None


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=10)
    parser.add_argument("--data", type=pathlib.Path, default=None)
    args = parser.parse_args()
    path = args.data or default_data_file()
    if path is None or not path.is_file():
        print(f"skipped: {FILE} not found", file=sys.stderr)
        return 0

    frame = pd.read_csv(path)
    x = frame[FEATURES].to_numpy(dtype=float)
    y = frame["loan_status"].to_numpy() == 1
    x = SimpleImputer(strategy="median").fit_transform(x)
    x = StandardScaler().fit_transform(x)

    smote = SMOTE(k_neighbors=5, random_state=0)
    x_res, y_res = smote.fit_resample(x, y)  # warm-up
    times, cpu_times = [], []
    for _ in range(args.repeats):
        start, cpu_start = time.perf_counter(), time.process_time()
        smote.fit_resample(x, y)
        times.append(time.perf_counter() - start)
        cpu_times.append(time.process_time() - cpu_start)
    print(f"imbalanced-learn {imblearn.__version__}, scikit-learn {sklearn.__version__}, "
          f"numpy {np.__version__}")
    print(f"credit_risk: {x.shape[0]} rows x {x.shape[1]} columns, {int(y.sum())} positives -> "
          f"{len(y_res)} rows ({len(y_res) - len(y)} synthetic)")
    print(f"SMOTE(k_neighbors=5).fit_resample over {args.repeats} runs: "
          f"median {statistics.median(times) * 1e3:.1f} ms, "
          f"min {min(times) * 1e3:.1f} ms, max {max(times) * 1e3:.1f} ms")
    print(f"cpu time per fit_resample: median {statistics.median(cpu_times) * 1e3:.1f} ms "
          f"over {args.repeats} runs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
