#!/usr/bin/env python3
"""Seeded Klarna-like synthetic matrix for the gradient-boosting speed comparison.

Writes ROWS x 40 features (numeric amounts and counts with skew, ordinal category codes,
binary flags, 5-60 % missing values in a third of the columns), 1.43 % positives from a
non-linear label (thresholds, an interaction, a saturating term, a missingness effect), in the
fold layout of benches/peers/export_peer_folds.py (kind `tree_native`, NaN kept), so that
crates/models/examples/peer_cv.rs and benches/peers/model_cv.py run on it unchanged:

    $PDSCORE_PYTHON crates/models/benches/peers/gbm_synthetic.py --out target/peer-data/synthetic_100k

Needs numpy and scikit-learn (StratifiedKFold). Same seed, same bytes.
"""

import argparse
import json
import os

import numpy as np


def generate(rows, seed):
    rng = np.random.default_rng(seed)
    cols = []
    # 14 skewed amounts (log-normal), 8 counts (Poisson), 6 ratios in [0, 1]
    for _ in range(14):
        cols.append(rng.lognormal(mean=rng.uniform(3, 8), sigma=rng.uniform(0.5, 1.5), size=rows))
    for _ in range(8):
        cols.append(rng.poisson(lam=rng.uniform(0.3, 6), size=rows).astype(float))
    for _ in range(6):
        cols.append(rng.beta(rng.uniform(0.5, 3), rng.uniform(0.5, 3), size=rows))
    # 6 ordinal category codes (3 to 40 levels, skewed frequencies), 6 binary flags
    for levels in (3, 5, 8, 12, 20, 40):
        probs = rng.dirichlet(np.full(levels, 0.7))
        cols.append(rng.choice(levels, size=rows, p=probs).astype(float))
    for _ in range(6):
        cols.append((rng.random(rows) < rng.uniform(0.05, 0.5)).astype(float))
    x = np.column_stack(cols)
    # Missing values: 13 columns, 5 % to 60 %, missingness partly informative (below).
    miss_cols = rng.choice(x.shape[1], size=13, replace=False)
    missing = np.zeros_like(x, dtype=bool)
    for j in miss_cols:
        missing[:, j] = rng.random(rows) < rng.uniform(0.05, 0.6)
    z = np.log1p(x)
    zs = (z - z.mean(axis=0)) / (z.std(axis=0) + 1e-12)
    logit = (
        1.2 * np.tanh(zs[:, 0])
        - 0.9 * (zs[:, 1] > 0.8)
        + 0.8 * zs[:, 2] * zs[:, 3]
        + 0.7 * (x[:, 15] >= 3)
        - 0.6 * zs[:, 22]
        + 0.9 * np.isin(x[:, 28 + 4], [1, 4, 7, 11]).astype(float)
        + 0.6 * x[:, 34]
        + 0.5 * np.sin(2 * zs[:, 5])
        + 0.8 * missing[:, miss_cols[0]]
        - 0.5 * missing[:, miss_cols[1]]
        + 0.4 * rng.standard_normal(rows)
    )
    # Intercept solved by bisection so that the expected positive rate is 1.43 %.
    lo, hi = -20.0, 5.0
    for _ in range(60):
        mid = (lo + hi) / 2
        if (1 / (1 + np.exp(-(logit + mid)))).mean() < 0.0143:
            lo = mid
        else:
            hi = mid
    p = 1 / (1 + np.exp(-(logit + lo)))
    y = (rng.random(rows) < p).astype(float)
    x[missing] = np.nan
    return x, y


def main():
    from sklearn.model_selection import StratifiedKFold

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    x, y = generate(args.rows, args.seed)
    os.makedirs(os.path.join(args.out, "tree_native"), exist_ok=True)
    y.astype("<f8").tofile(os.path.join(args.out, "y.bin"))
    # Also the whole matrix, for single-fit measurements (memory, criterion).
    x.astype("<f8").tofile(os.path.join(args.out, "tree_native", "all.bin"))
    skf = StratifiedKFold(n_splits=args.folds, shuffle=True, random_state=args.seed)
    for k, (tr, te) in enumerate(skf.split(x, y)):
        tr.astype("<f8").tofile(os.path.join(args.out, f"fold{k}_train_idx.bin"))
        te.astype("<f8").tofile(os.path.join(args.out, f"fold{k}_test_idx.bin"))
        x[tr].astype("<f8").tofile(os.path.join(args.out, "tree_native", f"fold{k}_train.bin"))
        x[te].astype("<f8").tofile(os.path.join(args.out, "tree_native", f"fold{k}_test.bin"))
    meta = {"data": "gbm_synthetic.py", "rows": args.rows, "positives": int(y.sum()),
            "folds": args.folds, "seed": args.seed, "kinds": {"tree_native": x.shape[1]},
            "missing_share": float(np.isnan(x).mean())}
    with open(os.path.join(args.out, "meta.json"), "w") as f:
        json.dump(meta, f, indent=1)
    print(json.dumps(meta))


if __name__ == "__main__":
    main()
