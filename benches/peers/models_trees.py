#!/usr/bin/env python3
"""scikit-learn peers of `crates/models/benches/trees.rs`, timed on the same data.

Run the Rust bench first: it writes its synthetic 100,000 x 40 data set (1.43% positives, some
NaN) to target/bench-data/trees_100k.bin (row-major float64 matrix, then the labels as float64).
This script fits and scores scikit-learn's equivalents on that file and prints the median fit and
predict_proba times over --repeats runs:

    cargo bench -p pdscore-models --bench trees -- --sample-size 10
    $PDSCORE_PYTHON benches/peers/models_trees.py [--n-jobs 1] [--repeats 3] [--json OUT]

With --predict-only each model is fitted once (fit not timed; with --cache DIR the fitted model is
pickled there, keyed by the data file's hash, and reused by later runs) and predict_proba is timed --repeats
times, which is what the prediction-speed comparison needs without refitting slow models.

Needs: numpy, scikit-learn (>= 1.4 for NaN support in trees), threadpoolctl.
AdaBoostClassifier rejects NaN, so it gets a median-imputed copy (imputation not timed).
"""

import argparse
import copy
import json
import os
import statistics
import time

import numpy as np

ROWS, FEATURES = 100_000, 40
FOREST_TREES, LARGE_FOREST_TREES, ADABOOST_ROUNDS = 50, 200, 200  # as in crates/models/benches/trees.rs


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    default = os.path.normpath(os.path.join(here, "..", "..", "target", "bench-data", "trees_100k.bin"))
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default=default)
    ap.add_argument("--n-jobs", type=int, default=1)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--models", default="decision_tree,random_forest_50_balsub,adaboost_200",
                    help="comma-separated subset of the models to time (also: random_forest_200_balsub)")
    ap.add_argument("--predict-only", action="store_true",
                    help="fit each model once, untimed, and time only predict_proba")
    ap.add_argument("--cache", default=None,
                    help="with --predict-only: directory where fitted models are pickled and reused")
    ap.add_argument("--json", default=None)
    args = ap.parse_args()

    raw = np.fromfile(args.data, dtype="<f8")
    x = raw[: ROWS * FEATURES].reshape(ROWS, FEATURES)
    y = raw[ROWS * FEATURES:].astype(int)
    assert len(y) == ROWS, "unexpected file size"
    x_imputed = np.where(np.isnan(x), np.nanmedian(x, axis=0), x)

    from sklearn.ensemble import AdaBoostClassifier, RandomForestClassifier
    from sklearn.tree import DecisionTreeClassifier
    from threadpoolctl import threadpool_limits

    peers = {
        "decision_tree": (lambda: DecisionTreeClassifier(random_state=0), x),
        "random_forest_50_balsub": (lambda: RandomForestClassifier(
            n_estimators=FOREST_TREES, class_weight="balanced_subsample", n_jobs=args.n_jobs,
            random_state=0), x),
        "random_forest_200_balsub": (lambda: RandomForestClassifier(
            n_estimators=LARGE_FOREST_TREES, class_weight="balanced_subsample", n_jobs=args.n_jobs,
            random_state=0), x),
        "adaboost_200": (lambda: AdaBoostClassifier(n_estimators=ADABOOST_ROUNDS, random_state=0),
                         x_imputed),
    }
    print(f"data {args.data}: {ROWS} x {FEATURES}, {y.sum()} positives, n_jobs {args.n_jobs}, "
          f"median of {args.repeats}")
    print("| model | fit s (median) | predict s (median) | predict rows/s | fit CPU s | predict CPU s |")
    print("|---|---|---|---|---|---|")
    results, fitted = {}, {}
    order = sorted(peers, key=lambda name: name != "random_forest_200_balsub")  # 200 first: reused
    with threadpool_limits(limits=args.n_jobs):
        for name in order:
            make, data = peers[name]
            if name not in args.models.split(","):
                continue
            if args.predict_only:
                if name == "random_forest_50_balsub" and "random_forest_200_balsub" in fitted:
                    # Same seeds: the 50-tree forest is the first 50 trees of the 200-tree one.
                    est = copy.copy(fitted["random_forest_200_balsub"])
                    est.estimators_ = est.estimators_[:FOREST_TREES]
                    est.n_estimators = FOREST_TREES
                else:
                    est = fitted_once(name, make, data, y, args.cache, args.data)
                fitted[name] = est
                fits, fit_cpu = [float("nan")], [float("nan")]
                preds, pred_cpu = [], []
                est.predict_proba(data)  # warm-up
                for _ in range(args.repeats):
                    c1, t1 = time.process_time(), time.perf_counter()
                    est.predict_proba(data)
                    c2, t2 = time.process_time(), time.perf_counter()
                    preds.append(t2 - t1)
                    pred_cpu.append(c2 - c1)
            else:
                fits, preds, fit_cpu, pred_cpu = [], [], [], []
                for _ in range(args.repeats):
                    est = make()
                    c0, t0 = time.process_time(), time.perf_counter()
                    est.fit(data, y)
                    c1, t1 = time.process_time(), time.perf_counter()
                    est.predict_proba(data)
                    c2, t2 = time.process_time(), time.perf_counter()
                    fits.append(t1 - t0)
                    preds.append(t2 - t1)
                    fit_cpu.append(c1 - c0)
                    pred_cpu.append(c2 - c1)
            fit_s, pred_s = statistics.median(fits), statistics.median(preds)
            fc, pc = statistics.median(fit_cpu), statistics.median(pred_cpu)
            results[name] = {"fit_s": fit_s, "predict_s": pred_s, "fit_cpu_s": fc, "predict_cpu_s": pc,
                             "fit_all": fits, "predict_all": preds, "predict_cpu_all": pred_cpu}
            print(f"| sklearn {name} | {fit_s:.3f} | {pred_s:.4f} | {ROWS / pred_s:,.0f} | {fc:.3f} | {pc:.4f} |")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1)


def fitted_once(name, make, data, y, cache, data_path):
    """Fits `make()` on (data, y), or loads it from `cache` when fitted there on the same file."""
    import hashlib
    import pickle

    path = None
    if cache:
        with open(data_path, "rb") as f:
            key = hashlib.sha256(f.read()).hexdigest()[:12]  # the bench rewrites the same bytes
        os.makedirs(cache, exist_ok=True)
        path = os.path.join(cache, f"{name}_{key}.pkl")
        if os.path.exists(path):
            with open(path, "rb") as f:
                return pickle.load(f)
    est = make()
    est.fit(data, y)
    if path:
        with open(path, "wb") as f:
            pickle.dump(est, f)
    return est


if __name__ == "__main__":
    main()
