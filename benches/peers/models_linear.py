#!/usr/bin/env python3
"""scikit-learn's LogisticRegression and MLPClassifier on the rows of crates/models/benches/linear.rs.

The Rust bench writes its seeded 100,000 x 40 data set (1.43 % positives) to
target/bench-data/linear_100k_{x40,y}.f64; run it first, then this script, in the same session:

    CARGO_TARGET_DIR=... cargo bench -p pdscore-models --bench linear -- --sample-size 10
    ${PDSCORE_PYTHON:-python3} benches/peers/models_linear.py [--repeats 10] [--threads N]

Timed like the Rust bench (median of --repeats runs):
- LogisticRegression(C=1, lbfgs, max_iter=2000) fit (the peer baseline's `logreg`), predict_proba;
- MLPClassifier((32,), early_stopping=False, max_iter=10, random_state=0) fit (10 epochs, as the
  Rust bench), predict_proba.
With --rust-json (criterion's target/criterion/linear_100k_x40 estimates are read by default if
present), prints ratios against the Rust medians.

Needs: numpy, scikit-learn, threadpoolctl.
"""

import argparse
import json
import os
import statistics
import time
import warnings

import numpy as np


def median_time(fn, repeats):
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def rust_median(criterion_dir, name):
    path = os.path.join(criterion_dir, name, "new", "estimates.json")
    if not os.path.exists(path):
        return None
    return json.load(open(path))["median"]["point_estimate"] / 1e9


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.normpath(os.path.join(here, "..", ".."))
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data-dir", default=os.path.join(root, "target", "bench-data"))
    ap.add_argument("--criterion-dir", default=os.path.join(
        os.environ.get("CARGO_TARGET_DIR", os.path.join(root, "target")), "criterion", "linear_100k_x40"))
    ap.add_argument("--repeats", type=int, default=10)
    ap.add_argument("--threads", type=int, default=None, help="BLAS/OpenMP threads (default: library default)")
    args = ap.parse_args()

    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import LogisticRegression
    from sklearn.neural_network import MLPClassifier
    from threadpoolctl import threadpool_limits

    x = np.fromfile(os.path.join(args.data_dir, "linear_100k_x40.f64"), dtype="<f8").reshape(-1, 40)
    y = np.fromfile(os.path.join(args.data_dir, "linear_100k_y.f64"), dtype="<f8").astype(int)
    print(f"data {x.shape[0]} x {x.shape[1]}, positives {y.mean():.4%}")
    warnings.simplefilter("ignore", ConvergenceWarning)  # 10 fixed MLP epochs is intended
    rows = x.shape[0]
    results = {}
    with threadpool_limits(limits=args.threads):
        lr = LogisticRegression(C=1.0, max_iter=2000)
        results["logreg_fit"] = median_time(lambda: lr.fit(x, y), args.repeats)
        results["logreg_predict"] = median_time(lambda: lr.predict_proba(x), args.repeats)
        mlp = MLPClassifier(hidden_layer_sizes=(32,), early_stopping=False, max_iter=10, random_state=0)
        results["mlp32_fit_10_epochs"] = median_time(lambda: mlp.fit(x, y), args.repeats)
        results["mlp32_predict"] = median_time(lambda: mlp.predict_proba(x), args.repeats)
    print(f"sklearn logreg: {lr.n_iter_[0]} lbfgs iterations")
    print("| task | scikit-learn median s | pdscore median s | ratio (pdscore / sklearn time) | rows/s sklearn | rows/s pdscore |")
    print("|---|---|---|---|---|---|")
    for name, peer_s in results.items():
        ours = rust_median(args.criterion_dir, name)
        ours_txt = f"{ours:.4f}" if ours is not None else "n/a"
        ratio = f"{ours / peer_s:.3f}" if ours is not None else "n/a"
        rate = "predict" in name
        peer_rate = f"{rows / peer_s:,.0f}" if rate else ""
        ours_rate = f"{rows / ours:,.0f}" if rate and ours is not None else ""
        print(f"| {name} | {peer_s:.4f} | {ours_txt} | {ratio} | {peer_rate} | {ours_rate} |")


if __name__ == "__main__":
    main()
