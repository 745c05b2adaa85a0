#!/usr/bin/env python3
"""Scorecard comparison: pdscore's `scorecard` candidate against scorecardpy on identical folds.

Reads the CSV the way ../shared/tools/peer_baseline.py does (its `load`, imported as a module),
takes the fold of every row from pdscore's out-of-fold file (`row,fold,model,y,score`, as
written by `Evaluated::oof_csv()`, row = 0-based data row of the CSV), and fits on each outer
training fold the scorecard a scorecardpy user writes:

    bins = scorecardpy.woebin(train, y)             # defaults: tree method, 20 initial bins
                                                    # (count_distr_limit 0.05, stop_limit 0.1,
                                                    # bin_num_limit 8), missing as its own bin
    X_woe = scorecardpy.woebin_ply(X, bins)         # each value -> the WoE of its bin
    LogisticRegression(C=1, lbfgs, max_iter=2000)   # on the *_woe columns

A test-fold value with no bin from the training fold (a level or a missing value the fold never
saw) gets WoE 0, i.e. no evidence either way, and is counted.

Then it referees both sides with the same scikit-learn code: per-fold ROC AUC and PR AUC
(average precision), mean and sample std (ddof=1), and the paired per-fold ROC AUC differences
(pdscore - scorecardpy), mean and standard error.

scorecardpy 0.1.9.7 does not run on pandas 3 (its woebin calls pandas APIs removed there), so
this script runs in its own environment (pandas < 3; `cargo xtask bench-peers --scorecard`
makes `target/scorecard-venv`).

    $PYTHON benches/peers/scorecard_cv.py --data FILE --target COL [--drop ID] [--sep ,] \\
        --pdscore-oof target/bench-peers/scorecard/<data>/pdscore_oof.csv \\
        [--pdscore-model scorecard] [--pdscore-fit-s S] --json OUT.json [--n-jobs 1] [--seed 0]
"""

import argparse
import importlib.util
import os
import sys
import time
import warnings

import numpy as np


def load_module(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def per_fold(y, p, tests):
    from sklearn.metrics import average_precision_score, roc_auc_score
    roc = [float(roc_auc_score(y[te], p[te])) for te in tests]
    pr = [float(average_precision_score(y[te], p[te])) for te in tests]

    def ms(v):
        return [float(np.mean(v)), float(np.std(v, ddof=1)) if len(v) > 1 else 0.0]

    return {"roc": ms(roc), "pr": ms(pr), "fold_roc": roc, "fold_pr": pr}


def scorecardpy_fold(X_tr, y_tr, X_te, n_jobs):
    """Fits woebin + woebin_ply + LogisticRegression on one training fold; returns the test PDs,
    the number of test cells that had no bin, and the bins' column count."""
    import pandas as pd
    import scorecardpy as sc
    from sklearn.linear_model import LogisticRegression

    train = X_tr.copy()
    train["__target__"] = y_tr
    bins = sc.woebin(train, y="__target__", no_cores=n_jobs, print_info=False)
    w_tr = sc.woebin_ply(X_tr, bins, print_info=False)
    w_te = sc.woebin_ply(X_te, bins, print_info=False)
    cols = sorted(c for c in w_tr.columns if c.endswith("_woe"))
    unbinned = int(w_te[cols].isna().to_numpy().sum())
    lr = LogisticRegression(max_iter=2000)
    lr.fit(w_tr[cols].fillna(0.0).to_numpy(dtype=float), y_tr)
    p = lr.predict_proba(pd.DataFrame(w_te[cols]).fillna(0.0).to_numpy(dtype=float))[:, 1]
    return p, unbinned, len(cols)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    default_peer = os.path.normpath(os.path.join(here, "..", "..", "..", "shared", "tools", "peer_baseline.py"))
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", required=True)
    ap.add_argument("--target", required=True)
    ap.add_argument("--positive")
    ap.add_argument("--sep", default=",")
    ap.add_argument("--na", default=None)
    ap.add_argument("--drop", nargs="*", default=[])
    ap.add_argument("--pdscore-oof", required=True)
    ap.add_argument("--pdscore-model", default="scorecard")
    ap.add_argument("--pdscore-fit-s", type=float, default=None)
    ap.add_argument("--json", required=True)
    ap.add_argument("--n-jobs", type=int, default=1)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--peer-script", default=default_peer)
    args = ap.parse_args()

    import pandas as pd
    import scorecardpy
    import sklearn
    from threadpoolctl import threadpool_limits

    peer = load_module("peer_baseline", args.peer_script)
    cal = load_module("calibrated_cv", os.path.join(here, "calibrated_cv.py"))
    started = time.perf_counter()
    X, y, _num_cols, _cat_cols, _label = peer.load(args)
    file_rows = cal.file_rows_of_labelled(args, len(y))
    fold, ours = cal.read_pdscore_oof(args.pdscore_oof, file_rows, y)
    if args.pdscore_model not in ours:
        sys.exit(f"{args.pdscore_oof} has no model {args.pdscore_model!r} ({sorted(ours)})")
    k_values = sorted(set(fold.tolist()))
    tests = [np.flatnonzero(fold == k) for k in k_values]

    oof = np.full(len(y), np.nan)
    fit_s, unbinned, columns, caught = 0.0, 0, [], set()
    with threadpool_limits(limits=1):
        for k, te in enumerate(tests):
            tr = np.flatnonzero(fold != k_values[k])
            with warnings.catch_warnings(record=True) as w:
                warnings.simplefilter("always")
                t0 = time.perf_counter()
                p, missing_bins, n_cols = scorecardpy_fold(X.iloc[tr], y[tr], X.iloc[te], args.n_jobs)
                t1 = time.perf_counter()
            caught.update(f"{x.category.__name__}: {str(x.message)[:120]}" for x in w)
            oof[te] = p
            fit_s += t1 - t0
            unbinned += missing_bins
            columns.append(n_cols)
            print(f"  scorecardpy fold {k + 1}/{len(tests)}: {t1 - t0:.2f} s", file=sys.stderr, flush=True)

    models = [
        {"side": "pdscore", "model": args.pdscore_model,
         "description": "WoE binning (20 equal-frequency pre-bins, min 5% per bin, monotone, IV >= 0.02) "
                        "-> LogisticRegression(C=1), calibrated",
         "fit_s": args.pdscore_fit_s, **per_fold(y, ours[args.pdscore_model], tests)},
        {"side": "peer", "model": "scorecardpy",
         "description": "scorecardpy.woebin (defaults) + woebin_ply -> sklearn LogisticRegression(C=1)",
         "fit_s": fit_s, **per_fold(y, oof, tests)},
    ]
    d = np.array(models[0]["fold_roc"]) - np.array(models[1]["fold_roc"])
    report = {
        "rows": int(len(y)), "positives": int(y.sum()), "folds": len(tests),
        "fold_source": os.path.abspath(args.pdscore_oof), "identical_folds": True,
        "seed": args.seed, "n_jobs": args.n_jobs,
        "peer_unbinned_test_cells": unbinned, "peer_woe_columns_per_fold": columns,
        "roc_diff": {"per_fold": [float(v) for v in d], "mean": float(d.mean()),
                     "se": float(np.std(d, ddof=1) / np.sqrt(len(d))) if len(d) > 1 else float("nan")},
        "models": models,
        "warnings": sorted(caught)[:10],
        "versions": {"python": sys.version.split()[0], "pandas": pd.__version__, "numpy": np.__version__,
                     "scikit-learn": sklearn.__version__,
                     "scorecardpy": getattr(scorecardpy, "__version__", "?")},
        "wall_s": time.perf_counter() - started,
    }
    import json
    tmp = args.json + ".tmp"
    with open(tmp, "w") as f:
        json.dump(report, f, indent=2)
    os.replace(tmp, args.json)
    for m in models:
        print(f"{m['model']}: ROC AUC {m['roc'][0]:.4f} ± {m['roc'][1]:.4f}, PR AUC {m['pr'][0]:.4f} ± {m['pr'][1]:.4f}")


if __name__ == "__main__":
    main()
