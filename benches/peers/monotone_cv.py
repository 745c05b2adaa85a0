#!/usr/bin/env python3
"""Monotone constraints: what they cost a GBM, pdscore's and LightGBM's, on identical folds.

Reads two out-of-fold files written by `pdscore evaluate --models gbm --oof FILE` (`row,fold,
model,y,score`), one fitted without and one with `--monotone`, and reports per model the per-fold
ROC AUC and PR AUC (average precision) as mean ± sample std (ddof=1), and the paired per-fold
difference constrained - unconstrained (mean, sample std, standard error = std / sqrt(k)).

With --data/--target/--monotone it also fits LightGBM on the same folds (the fold of every row
taken from the first file), without and with the same constraints (`monotone_constraints`,
method `basic` unless --method says otherwise), and reports the same figures for it: LightGBM's
side of "how much does this constraint set cost". LightGBM gets the columns as numbers, text
columns as ordinal codes (missing stays missing), with n_estimators=300, learning_rate=0.05,
min_child_samples=40 (pdscore's default `gbm` recipe, without its early stopping).

    $PDSCORE_PYTHON benches/peers/monotone_cv.py --free free_oof.csv --constrained mono_oof.csv \\
        [--data FILE --target COL --monotone col=+1,col=-1 [--method basic] [--n-jobs 1]]
"""

import argparse

import numpy as np
import pandas as pd
from sklearn.metrics import average_precision_score, roc_auc_score


def parse_monotone(text):
    out = {}
    for item in text.split(","):
        name, direction = item.strip().rsplit("=", 1)
        out[name.strip()] = int(direction)
    return out


def fold_metrics(y, score, fold):
    rows = []
    for k in sorted(np.unique(fold)):
        m = fold == k
        rows.append((roc_auc_score(y[m], score[m]), average_precision_score(y[m], score[m])))
    return np.array(rows)


def report(name, free, constrained):
    k = len(free)
    for label, i in (("ROC AUC", 0), ("PR AUC", 1)):
        d = constrained[:, i] - free[:, i]
        print(
            f"{name:9s} {label}: unconstrained {free[:, i].mean():.4f} ± {free[:, i].std(ddof=1):.4f}, "
            f"constrained {constrained[:, i].mean():.4f} ± {constrained[:, i].std(ddof=1):.4f}, "
            f"paired difference {d.mean():+.4f} ± {d.std(ddof=1):.4f} "
            f"(se {d.std(ddof=1) / np.sqrt(k):.4f}; folds {np.round(d, 4).tolist()})"
        )


def lightgbm_oof(x, y, fold, constraints, method, n_jobs):
    import lightgbm as lgb

    score = np.zeros(len(y))
    for k in sorted(np.unique(fold)):
        test = fold == k
        model = lgb.LGBMClassifier(
            n_estimators=300,
            learning_rate=0.05,
            min_child_samples=40,
            monotone_constraints=constraints,
            monotone_constraints_method=method,
            n_jobs=n_jobs,
            verbose=-1,
        )
        model.fit(x[~test], y[~test])
        score[test] = model.predict_proba(x[test])[:, 1]
    return score


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--free", required=True)
    ap.add_argument("--constrained", required=True)
    ap.add_argument("--data")
    ap.add_argument("--target")
    ap.add_argument("--monotone")
    ap.add_argument("--method", default="basic")
    ap.add_argument("--n-jobs", type=int, default=1)
    args = ap.parse_args()

    a = pd.read_csv(args.free).sort_values("row")
    b = pd.read_csv(args.constrained).sort_values("row")
    if not ((a.row.values == b.row.values).all() and (a.fold.values == b.fold.values).all()):
        raise SystemExit("the two files do not have the same rows in the same folds")
    y, fold = a.y.values, a.fold.values
    report("pdscore", fold_metrics(y, a.score.values, fold), fold_metrics(y, b.score.values, fold))

    if args.data:
        df = pd.read_csv(args.data)
        target = df.pop(args.target).values
        if not (target[a.row.values] == y).all():
            raise SystemExit("the labels of --data do not match the out-of-fold file")
        for c in df.columns:
            if not pd.api.types.is_numeric_dtype(df[c]):
                df[c] = df[c].astype("category").cat.codes.replace(-1, np.nan).astype(float)
        x = df.values[a.row.values]
        wanted = parse_monotone(args.monotone)
        unknown = set(wanted) - set(df.columns)
        if unknown:
            raise SystemExit(f"unknown columns in --monotone: {sorted(unknown)}")
        constraints = [wanted.get(c, 0) for c in df.columns]
        free = lightgbm_oof(x, y, fold, [0] * len(constraints), args.method, args.n_jobs)
        con = lightgbm_oof(x, y, fold, constraints, args.method, args.n_jobs)
        report("lightgbm", fold_metrics(y, free, fold), fold_metrics(y, con, fold))


if __name__ == "__main__":
    main()
