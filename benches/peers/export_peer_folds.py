#!/usr/bin/env python3
"""Export the peer baseline's exact cross-validation inputs for model-level comparisons.

For each fold of StratifiedKFold(k, shuffle=True, random_state=seed) (the folds of
../shared/tools/peer_baseline.py), fit the peer's preprocessing on the training rows only and
write the transformed train and test matrices, so that a pdscore model and its scikit-learn /
LightGBM equivalent can be compared on identical numbers.

Output layout (little-endian f64, row-major; the loader is crates/models/benches/common/peer_data.rs):

    OUT/meta.json                      {"rows", "folds", "kinds": {kind: n_features}, ...}
    OUT/y.bin                          all labels as f64 0/1, in file order
    OUT/fold{k}_train_idx.bin          row indices (f64) of fold k's training rows
    OUT/fold{k}_test_idx.bin           row indices of fold k's test rows
    OUT/{kind}/fold{k}_train.bin       preprocessed training matrix
    OUT/{kind}/fold{k}_test.bin        preprocessed test matrix

Kinds are the peer's: linear (median impute + indicator, scaling, one-hot), tree_impute (median
impute + indicator, ordinal codes), tree_native (NaN kept, ordinal codes).

Usage (needs numpy, pandas, scikit-learn, imbalanced-learn, lightgbm, xgboost, threadpoolctl):

    $PDSCORE_PYTHON benches/peers/export_peer_folds.py --data ../shared/data/credit_risk/credit_risk_dataset.csv \
        --target loan_status --out target/peer-data/credit_risk
    $PDSCORE_PYTHON benches/peers/export_peer_folds.py --data ../shared/data/taiwan_credit/UCI_Credit_Card.csv \
        --target default.payment.next.month --drop ID --out target/peer-data/taiwan_credit
"""

import argparse
import importlib.util
import json
import os
import sys

import numpy as np


def load_peer(path):
    spec = importlib.util.spec_from_file_location("peer_baseline", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    default_peer = os.path.normpath(os.path.join(here, "..", "..", "..", "shared", "tools", "peer_baseline.py"))
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", required=True)
    ap.add_argument("--target", required=True)
    ap.add_argument("--positive", default=None)
    ap.add_argument("--sep", default=",")
    ap.add_argument("--drop", nargs="*", default=[])
    ap.add_argument("--na", default=None)
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", required=True)
    ap.add_argument("--peer-script", default=default_peer)
    args = ap.parse_args()
    if not os.path.exists(args.peer_script):
        sys.exit(f"peer script not found: {args.peer_script}")
    peer = load_peer(args.peer_script)

    from sklearn.model_selection import StratifiedKFold

    X, y, num_cols, cat_cols, _ = peer.load(args)
    folds = list(StratifiedKFold(n_splits=args.folds, shuffle=True, random_state=args.seed)
                 .split(np.zeros(len(y)), y))
    os.makedirs(args.out, exist_ok=True)
    np.asarray(y, dtype="<f8").tofile(os.path.join(args.out, "y.bin"))
    kinds = {}
    for k, (tr, te) in enumerate(folds):
        np.asarray(tr, dtype="<f8").tofile(os.path.join(args.out, f"fold{k}_train_idx.bin"))
        np.asarray(te, dtype="<f8").tofile(os.path.join(args.out, f"fold{k}_test_idx.bin"))
        for kind in ("linear", "tree_impute", "tree_native"):
            pre = peer.make_pre(kind, num_cols, cat_cols)
            a = np.ascontiguousarray(pre.fit_transform(X.iloc[tr]), dtype="<f8")
            b = np.ascontiguousarray(pre.transform(X.iloc[te]), dtype="<f8")
            os.makedirs(os.path.join(args.out, kind), exist_ok=True)
            a.tofile(os.path.join(args.out, kind, f"fold{k}_train.bin"))
            b.tofile(os.path.join(args.out, kind, f"fold{k}_test.bin"))
            kinds[kind] = int(a.shape[1])
    meta = {"data": args.data, "target": args.target, "rows": int(len(y)), "positives": int(np.sum(y)),
            "folds": args.folds, "seed": args.seed, "kinds": kinds}
    with open(os.path.join(args.out, "meta.json"), "w") as f:
        json.dump(meta, f, indent=1)
    print(json.dumps(meta))


if __name__ == "__main__":
    main()
