#!/usr/bin/env python3
"""Side-by-side model comparison on identical cross-validation matrices.

Reads the fold matrices written by export_peer_folds.py and the out-of-fold scores and timings a
pdscore model wrote with `cargo run --release -p pdscore-models --example peer_cv`, fits the peer
model (the classifier part of ../shared/tools/peer_baseline.py's pipeline, with its sampler if it
has one) on the same matrices in this session, and prints ROC AUC, PR AUC (mean ± std over folds,
scikit-learn's functions for both), fit seconds and predict rows/s, with ratios.

    $PDSCORE_PYTHON benches/peers/model_cv.py --data target/peer-data/credit_risk --kind tree_native \
        --peer lightgbm_300 --ours target/peer-cv/credit_risk_gbm.json [--n-jobs 1] [--json OUT]
"""

import argparse
import importlib.util
import json
import os
import sys
import time

import numpy as np


def load_peer(path):
    spec = importlib.util.spec_from_file_location("peer_baseline", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def fold_metrics(y, p, folds):
    from sklearn.metrics import average_precision_score, roc_auc_score
    roc = [roc_auc_score(y[te], p[te]) for _, te in folds]
    pr = [average_precision_score(y[te], p[te]) for _, te in folds]
    return (float(np.mean(roc)), float(np.std(roc, ddof=1)), float(np.mean(pr)), float(np.std(pr, ddof=1)))


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    default_peer = os.path.normpath(os.path.join(here, "..", "..", "..", "shared", "tools", "peer_baseline.py"))
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", required=True)
    ap.add_argument("--kind", required=True)
    ap.add_argument("--peer", required=True)
    ap.add_argument("--ours", required=True)
    ap.add_argument("--n-jobs", type=int, default=1)
    ap.add_argument("--peer-script", default=default_peer)
    ap.add_argument("--json", default=None)
    args = ap.parse_args()
    peer = load_peer(args.peer_script)
    meta = json.load(open(os.path.join(args.data, "meta.json")))
    nf = meta["kinds"][args.kind]
    y = np.fromfile(os.path.join(args.data, "y.bin"), dtype="<f8").astype(int)
    folds = []
    for k in range(meta["folds"]):
        tr = np.fromfile(os.path.join(args.data, f"fold{k}_train_idx.bin"), dtype="<f8").astype(int)
        te = np.fromfile(os.path.join(args.data, f"fold{k}_test_idx.bin"), dtype="<f8").astype(int)
        folds.append((tr, te))

    from sklearn.base import clone
    from sklearn.pipeline import Pipeline
    from threadpoolctl import threadpool_limits
    pipe, desc = peer.build_models([], [], meta["seed"], args.n_jobs)[args.peer]
    steps = pipe.steps[1:]  # drop the preprocessing: the matrices are already preprocessed
    oof = np.full(len(y), np.nan)
    fit_s = pred_s = 0.0
    with threadpool_limits(limits=args.n_jobs, user_api="openmp"):
        for k, (tr, te) in enumerate(folds):
            xa = np.fromfile(os.path.join(args.data, args.kind, f"fold{k}_train.bin"), dtype="<f8").reshape(-1, nf)
            xb = np.fromfile(os.path.join(args.data, args.kind, f"fold{k}_test.bin"), dtype="<f8").reshape(-1, nf)
            est = clone(type(pipe)(steps)) if len(steps) > 1 else clone(steps[0][1])
            t0 = time.perf_counter()
            est.fit(xa, y[tr])
            t1 = time.perf_counter()
            oof[te] = est.predict_proba(xb)[:, 1]
            t2 = time.perf_counter()
            fit_s += t1 - t0
            pred_s += t2 - t1
    ours = json.load(open(args.ours))
    p_ours = np.array([np.nan if v is None else v for v in ours["oof"]], dtype=float)
    if np.isnan(p_ours).any():
        sys.exit("ours: out-of-fold scores contain NaN/null")
    ours_fit = sum(f["fit_s"] for f in ours["folds"])
    ours_pred = sum(f["predict_s"] for f in ours["folds"])
    m_ours = fold_metrics(y, p_ours, folds)
    m_peer = fold_metrics(y, oof, folds)
    rows = len(y)
    print(f"data {args.data}  kind {args.kind}  peer {args.peer} ({desc})  n_jobs {args.n_jobs}  ours threads {ours.get('threads')}")
    print(f"| model | ROC AUC | PR AUC | fit s (all folds) | predict rows/s |")
    print(f"|---|---|---|---|---|")
    print(f"| pdscore {ours['model']} | {m_ours[0]:.4f} ± {m_ours[1]:.4f} | {m_ours[2]:.4f} ± {m_ours[3]:.4f} | {ours_fit:.2f} | {rows / ours_pred:,.0f} |")
    print(f"| peer {args.peer} | {m_peer[0]:.4f} ± {m_peer[1]:.4f} | {m_peer[2]:.4f} ± {m_peer[3]:.4f} | {fit_s:.2f} | {rows / pred_s:,.0f} |")
    print(f"ratios: ROC AUC diff {m_ours[0] - m_peer[0]:+.4f}, PR AUC diff {m_ours[2] - m_peer[2]:+.4f}, "
          f"fit time ours/peer {ours_fit / fit_s:.2f}x, predict speed ours/peer {pred_s / ours_pred:.2f}x")
    if args.json:
        json.dump({"ours": {"model": ours["model"], "roc": m_ours[:2], "pr": m_ours[2:], "fit_s": ours_fit,
                            "predict_rows_per_s": rows / ours_pred},
                   "peer": {"model": args.peer, "roc": m_peer[:2], "pr": m_peer[2:], "fit_s": fit_s,
                            "predict_rows_per_s": rows / pred_s}}, open(args.json, "w"), indent=1)


if __name__ == "__main__":
    main()
