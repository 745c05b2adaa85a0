#!/usr/bin/env python3
"""LightGBM peer of `crates/models/benches/explain.rs`: TreeSHAP reason codes, timed on the same data.

Run the Rust bench first: it writes its synthetic 100,000 x 40 data set (Klarna-like, ~1.6% positives,
NaN in a third of the columns) to target/bench-data/explain_100k.bin (row-major float64 matrix, then the
labels as float64). This script fits a LightGBM of the same size as the Rust model (300 trees of 31 leaves,
learning rate 0.05, min_child_samples 40, max_bin 255, no bagging) on that file and times
`Booster.predict(X, pred_contrib=True)` on all 100,000 rows, printing rows per second (median of
--repeats runs):

    RAYON_NUM_THREADS=1 cargo bench -p pdscore-models --bench explain
    $PDSCORE_PYTHON benches/peers/explain_lightgbm.py --threads 1

Needs: numpy, lightgbm.
"""

import argparse
import json
import os
import statistics
import time

import numpy as np

ROWS, FEATURES = 100_000, 40


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    default = os.path.normpath(os.path.join(here, "..", "..", "target", "bench-data", "explain_100k.bin"))
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default=default)
    ap.add_argument("--threads", type=int, default=1, help="LightGBM num_threads (fit and predict)")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--json", default=None)
    args = ap.parse_args()

    raw = np.fromfile(args.data, dtype="<f8")
    x = raw[: ROWS * FEATURES].reshape(ROWS, FEATURES)
    y = raw[ROWS * FEATURES:].astype(int)
    assert len(y) == ROWS, "unexpected file size"

    import lightgbm

    model = lightgbm.LGBMClassifier(
        n_estimators=300,
        learning_rate=0.05,
        num_leaves=31,
        min_child_samples=40,
        max_bin=255,
        n_jobs=args.threads,
        verbose=-1,
    ).fit(x, y)
    booster = model.booster_
    depths = [tree_depth(t["tree_structure"]) for t in booster.dump_model()["tree_info"]]
    print(f"lightgbm {lightgbm.__version__}: {booster.num_trees()} trees, mean depth "
          f"{statistics.mean(depths):.1f}, max {max(depths)}, threads {args.threads}")

    times = []
    for _ in range(args.repeats):
        start = time.perf_counter()
        phi = booster.predict(x, pred_contrib=True, num_threads=args.threads)
        times.append(time.perf_counter() - start)
    seconds = statistics.median(times)
    margin = booster.predict(x, raw_score=True, num_threads=args.threads)
    worst = float(np.max(np.abs(phi.sum(axis=1) - margin)))
    assert phi.shape == (ROWS, FEATURES + 1)
    print(f"pred_contrib on {ROWS} rows: {seconds:.2f} s (median of {args.repeats}), "
          f"{ROWS / seconds:.0f} rows/s (largest |sum - raw| {worst:.1e})")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"rows": ROWS, "threads": args.threads, "seconds": seconds,
                       "rows_per_second": ROWS / seconds, "lightgbm": lightgbm.__version__}, f, indent=2)


def tree_depth(node):
    if "leaf_index" in node or "left_child" not in node:
        return 0
    return 1 + max(tree_depth(node["left_child"]), tree_depth(node["right_child"]))


if __name__ == "__main__":
    main()
