#!/usr/bin/env python3
"""Calibration comparison: pdscore's out-of-fold PDs against scikit-learn's CalibratedClassifierCV.

Reads the CSV the way ../shared/tools/peer_baseline.py does (its `load`, imported as a module),
takes the fold of every row from pdscore's out-of-fold file (`row,fold,model,y,score`, as written
by `Evaluated::oof_csv()`, row = 0-based data row of the CSV), so that both sides are scored on
IDENTICAL folds, and fits on each outer training fold:

  - CalibratedClassifierCV(<peer pipeline>, method=M, cv=3) for each peer in --calibrated and each
    method M in --methods, wrapping the WHOLE peer pipeline of peer_baseline.build_models
    (preprocessing + sampler + model), so the inner folds refit the preprocessing too; named
    `<peer>+<method>`;
  - for reference, the uncalibrated peer pipelines (peer_baseline.MODEL_ORDER, or --models).

Then it referees both sides with the same scikit-learn / numpy code, per model:
  per-fold ROC AUC and PR AUC (average precision), mean and sample std (ddof=1);
  pooled out-of-fold log loss (sklearn.metrics.log_loss) and Brier score;
  ECE over 10 equal-count bins of the pooled predictions:
      o = argsort(p, stable); groups = array_split(arange(n), 10);
      ECE = sum over groups g of len(g)/n * |mean(y[o][g]) - mean(p[o][g])|;
  mean PD against the observed default rate; per-fold log loss; fit seconds (peers: summed over
  the outer folds, inner calibration fits included; pdscore: per candidate, from --pdscore-run).
For pdscore's selected model against the best peer by pooled log loss it reports the paired
per-fold log-loss differences (pdscore - peer): mean and standard error (std ddof=1 / sqrt(k)).

Threads: --n-jobs is passed to the peer models (n_jobs of RF / LightGBM / XGBoost) and is the
OpenMP limit (threadpoolctl); BLAS is held to one thread, since its threads only add spin-waiting on
these small linear fits (logistic regression on 4,000 rows took 50x longer with two OpenBLAS threads
on a busy two-CPU machine) and pdscore's linear models use none. Run it with
OMP_WAIT_POLICY=PASSIVE (xtask does): LightGBM, XGBoost and scikit-learn each bring an OpenMP
runtime whose idle threads otherwise spin between the many small fits of CalibratedClassifierCV
(there, with two threads on a busy machine, 10-20x longer fits).

    $PDSCORE_PYTHON benches/peers/calibrated_cv.py --data FILE --target COL [--drop ID] [--sep ,] \\
        --pdscore-oof target/bench-peers/calibration/<data>/pdscore_oof.csv \\
        [--pdscore-run target/bench-peers/calibration/<data>/pdscore_run.json] \\
        --json OUT.json [--peer-oof PEERS_OOF.csv] [--n-jobs 1] [--seed 0] [--models a,b]
    $PDSCORE_PYTHON benches/peers/calibrated_cv.py --list-models

`cargo xtask bench-peers --calibration only|also` runs pdscore's side in process and then this
script, and prints the table. Needs numpy, pandas, scikit-learn, imbalanced-learn, lightgbm,
xgboost, threadpoolctl.
"""

import argparse
import importlib.util
import json
import os
import sys
import time
import warnings

import numpy as np

DEFAULT_CALIBRATED = "lightgbm_300,rf_200_balsub,logreg_balanced"
# The stacking peer of the "beat the peers" issue: LightGBM + logistic regression + random
# forest -> logistic regression, cv=5.
DEFAULT_STACKING = "lightgbm_300,logreg,rf_200_balsub"
DEFAULT_METHODS = "isotonic,sigmoid"
ECE_BINS = 10


def load_peer(path):
    spec = importlib.util.spec_from_file_location("peer_baseline", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def ece_equal_count(y, p, bins=ECE_BINS):
    """Expected calibration error over `bins` equal-count bins of the sorted predictions."""
    n = len(p)
    o = np.argsort(p, kind="stable")
    ys, ps = y[o], p[o]
    return float(sum(len(g) / n * abs(ys[g].mean() - ps[g].mean())
                     for g in np.array_split(np.arange(n), bins) if len(g)))


def referee(y, p, tests):
    """Every figure of one model's out-of-fold predictions `p` (the same code for both sides)."""
    from sklearn.metrics import average_precision_score, brier_score_loss, log_loss, roc_auc_score

    roc = [float(roc_auc_score(y[te], p[te])) for te in tests]
    pr = [float(average_precision_score(y[te], p[te])) for te in tests]
    fold_ll = [float(log_loss(y[te], p[te], labels=[0, 1])) for te in tests]

    def ms(v):
        return [float(np.mean(v)), float(np.std(v, ddof=1)) if len(v) > 1 else 0.0]

    return {
        "roc": ms(roc), "pr": ms(pr),
        "log_loss": float(log_loss(y, p, labels=[0, 1])),
        "brier": float(brier_score_loss(y, p)),
        "ece": ece_equal_count(y, p),
        "mean_pd": float(np.mean(p)),
        "fold_roc": roc, "fold_pr": pr, "fold_log_loss": fold_ll,
    }


def paired(a, b):
    """Mean and standard error of the per-fold differences a - b."""
    d = np.asarray(a) - np.asarray(b)
    se = float(np.std(d, ddof=1) / np.sqrt(len(d))) if len(d) > 1 else float("nan")
    return {"diff_per_fold": [float(v) for v in d], "mean": float(d.mean()), "se": se}


def file_rows_of_labelled(args, n_labelled):
    """The 0-based data row of the CSV of each row peer_baseline.load keeps (it drops the rows
    whose target is missing and renumbers the rest)."""
    import pandas as pd
    na_values = args.na.split(",") if args.na else None
    t = pd.read_csv(args.data, sep=args.sep, na_values=na_values, usecols=[args.target])[args.target]
    rows = np.flatnonzero(t.notna().to_numpy())
    if len(rows) != n_labelled:
        sys.exit(f"internal: {len(rows)} rows with a target, but peer_baseline.load kept {n_labelled}")
    return rows


def read_pdscore_oof(path, file_rows, y):
    """pdscore's OOF file -> (fold of each labelled row, {model: scores}) aligned to `file_rows`,
    checking that it covers exactly the same rows with the same labels."""
    import pandas as pd
    oof = pd.read_csv(path, dtype={"row": np.int64, "fold": np.int64, "model": str, "y": np.int64,
                                   "score": float})
    missing = {"row", "fold", "model", "y", "score"} - set(oof.columns)
    if missing:
        sys.exit(f"{path}: no column(s) {sorted(missing)}; expected row,fold,model,y,score")
    pos = {int(r): i for i, r in enumerate(file_rows)}
    fold = None
    scores = {}
    for model, g in oof.groupby("model", sort=False):
        rows = g["row"].to_numpy()
        if len(rows) != len(file_rows) or set(rows.tolist()) != set(pos):
            extra = sorted(set(rows.tolist()) - set(pos))[:5]
            sys.exit(f"{path}: model {model} covers {len(rows)} rows, the CSV has {len(file_rows)} labelled "
                     f"rows (rows only in the OOF file, first ones: {extra}); are --sep / --na / --drop the "
                     "ones pdscore read the file with?")
        at = np.array([pos[int(r)] for r in rows])
        if not np.array_equal(g["y"].to_numpy(), y[at]):
            bad = int(np.flatnonzero(g["y"].to_numpy() != y[at])[0])
            sys.exit(f"{path}: model {model}: row {int(rows[bad])} has y={int(g['y'].iloc[bad])} in the OOF "
                     f"file but {int(y[at[bad]])} in the CSV (different --positive?)")
        f = np.empty(len(file_rows), dtype=np.int64)
        f[at] = g["fold"].to_numpy()
        if fold is None:
            fold = f
        elif not np.array_equal(fold, f):
            sys.exit(f"{path}: model {model} has other folds than the first model")
        p = np.empty(len(file_rows))
        p[at] = g["score"].to_numpy()
        if not np.all(np.isfinite(p)):
            sys.exit(f"{path}: model {model} has non-finite scores")
        scores[str(model)] = p
    if fold is None:
        sys.exit(f"{path}: no rows")
    return fold, scores


def fit_cv(name, make, X, y, folds):
    """Fits `make()` on each training fold and scores the test fold; returns (oof, fit seconds,
    warnings seen)."""
    oof = np.full(len(y), np.nan)
    fit_s = 0.0
    caught = set()
    for k, (tr, te) in enumerate(folds):
        est = make()
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            t0 = time.perf_counter()
            est.fit(X.iloc[tr], y[tr])
            t1 = time.perf_counter()
            oof[te] = est.predict_proba(X.iloc[te])[:, 1]
        caught.update(f"{x.category.__name__}: {str(x.message)[:120]}" for x in w)
        fit_s += t1 - t0
        print(f"  peer {name} fold {k + 1}/{len(folds)}: fit {t1 - t0:.2f} s", file=sys.stderr, flush=True)
    return oof, fit_s, sorted(caught)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    default_peer = os.path.normpath(os.path.join(here, "..", "..", "..", "shared", "tools", "peer_baseline.py"))
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", help="the labelled CSV pdscore read")
    ap.add_argument("--target", help="target column")
    ap.add_argument("--positive", default=None, help="target value meaning default [0/1 target: 1]")
    ap.add_argument("--sep", default=",", help="field separator (the one pdscore detected) [,]")
    ap.add_argument("--drop", nargs="*", default=[], help="columns left out of the features (pdscore's id)")
    ap.add_argument("--na", default=None, help="extra NA strings, comma-separated (as peer_baseline.py)")
    ap.add_argument("--pdscore-oof", help="pdscore's out-of-fold file: row,fold,model,y,score")
    ap.add_argument("--pdscore-run", default=None,
                    help="JSON with pdscore's `selected` candidate and per-candidate `fit_seconds`")
    ap.add_argument("--selected", default=None, help="pdscore's selected candidate (overrides --pdscore-run)")
    ap.add_argument("--calibrated", default=DEFAULT_CALIBRATED,
                    help=f"peers wrapped in CalibratedClassifierCV [{DEFAULT_CALIBRATED}]")
    ap.add_argument("--methods", default=DEFAULT_METHODS, help=f"calibration methods [{DEFAULT_METHODS}]")
    ap.add_argument("--cv", type=int, default=3, help="inner folds of CalibratedClassifierCV [3]")
    ap.add_argument("--stacking", default=DEFAULT_STACKING,
                    help="base peers of a StackingClassifier (logistic regression on their out-of-fold "
                         f"probabilities, cv=5); 'none' for none [{DEFAULT_STACKING}]")
    ap.add_argument("--models", default=None,
                    help="uncalibrated reference peers, comma-separated [all of MODEL_ORDER]; 'none' for none")
    ap.add_argument("--seed", type=int, default=0, help="random_state of the peer models and samplers [0]")
    ap.add_argument("--n-jobs", type=int, default=1, help="threads of the peer models and thread pools [1]")
    ap.add_argument("--peer-script", default=default_peer, help="path of peer_baseline.py")
    ap.add_argument("--json", help="output JSON")
    ap.add_argument("--peer-oof", default=None, help="also write the peers' OOF predictions (row,fold,model,y,score)")
    ap.add_argument("--list-models", action="store_true",
                    help="print peer_baseline.py's model names, one a line, and exit")
    args = ap.parse_args()
    if not os.path.exists(args.peer_script):
        sys.exit(f"peer script not found: {args.peer_script}")
    peer = load_peer(args.peer_script)
    if args.list_models:
        print("\n".join(peer.MODEL_ORDER))
        return
    for need in ("data", "target", "pdscore_oof", "json"):
        if getattr(args, need) is None:
            ap.error(f"--{need.replace('_', '-')} is required")
    if args.n_jobs < 1:
        ap.error("--n-jobs must be at least 1")

    from sklearn.base import clone
    from sklearn.calibration import CalibratedClassifierCV
    from threadpoolctl import threadpool_limits

    started = time.perf_counter()
    load_start = os.getloadavg()[0]
    X, y, num_cols, cat_cols, label = peer.load(args)
    file_rows = file_rows_of_labelled(args, len(y))
    fold, ours = read_pdscore_oof(args.pdscore_oof, file_rows, y)
    k_values = sorted(set(fold.tolist()))
    if k_values != list(range(len(k_values))) or len(k_values) < 2:
        sys.exit(f"{args.pdscore_oof}: folds {k_values[:10]} are not 0..k-1 with k >= 2")
    folds = [(np.flatnonzero(fold != k), np.flatnonzero(fold == k)) for k in k_values]
    tests = [te for _, te in folds]

    run = json.load(open(args.pdscore_run)) if args.pdscore_run else {}
    selected = args.selected or run.get("selected")
    if selected is not None and selected not in ours:
        sys.exit(f"selected model {selected!r} is not in {args.pdscore_oof} ({sorted(ours)})")
    ours_fit = run.get("fit_seconds", {})

    models = peer.build_models(num_cols, cat_cols, args.seed, args.n_jobs)
    calibrated = [m for m in args.calibrated.split(",") if m]
    methods = [m for m in args.methods.split(",") if m]
    if args.models == "none":
        reference = []
    elif args.models:
        reference = [m for m in args.models.split(",") if m]
    else:
        reference = list(peer.MODEL_ORDER)
    stacked = [] if args.stacking == "none" else [m for m in args.stacking.split(",") if m]
    bad = [m for m in calibrated + reference + stacked if m not in models]
    if bad:
        sys.exit(f"unknown peer models {bad}; choose from {list(models)}")
    bad = [m for m in methods if m not in ("isotonic", "sigmoid")]
    if bad:
        sys.exit(f"unknown calibration methods {bad}; choose from isotonic, sigmoid")

    # (name, base peer, calibration method or None, estimator factory)
    jobs = [(f"{base}+{method}", base, method,
             lambda base=base, method=method: CalibratedClassifierCV(clone(models[base][0]), method=method,
                                                                     cv=args.cv))
            for base in calibrated for method in methods]
    jobs += [(base, base, None, lambda base=base: clone(models[base][0])) for base in reference]
    if stacked:
        from sklearn.ensemble import StackingClassifier
        from sklearn.linear_model import LogisticRegression

        name = "stacking(" + "+".join(stacked) + ")"
        jobs.append((name, name, None, lambda: StackingClassifier(
            estimators=[(m, clone(models[m][0])) for m in stacked],
            final_estimator=LogisticRegression(max_iter=1000), cv=5, stack_method="predict_proba")))
        models[name] = (None, "StackingClassifier(" + ", ".join(stacked) + " -> LogisticRegression, cv=5)")

    results, failed, peer_oof = [], [], {}
    for name, r in ours.items():
        results.append({"side": "pdscore", "model": name, "base": name, "calibration": None,
                        "description": "pdscore candidate", "fit_s": ours_fit.get(name),
                        "warnings": [], **referee(y, r, tests)})
    with threadpool_limits(limits=args.n_jobs, user_api="openmp"), threadpool_limits(limits=1, user_api="blas"):
        for name, base, method, make in jobs:
            try:
                oof, fit_s, caught = fit_cv(name, make, X, y, folds)
            except Exception as e:  # noqa: BLE001 (one failing peer must not end the run)
                print(f"  peer {name} failed: {e!r}", file=sys.stderr, flush=True)
                failed.append([name, repr(e)])
                continue
            desc = models[base][1]
            if method:
                desc = f"CalibratedClassifierCV({desc}, method='{method}', cv={args.cv})"
            r = {"side": "peer", "model": name, "base": base, "calibration": method, "description": desc,
                 "fit_s": fit_s, "warnings": caught[:10], **referee(y, oof, tests)}
            print(f"  peer {name}: log loss {r['log_loss']:.4f}, ECE {r['ece']:.4f}, "
                  f"ROC AUC {r['roc'][0]:.4f}, fit {fit_s:.1f} s", file=sys.stderr, flush=True)
            results.append(r)
            peer_oof[name] = oof

    peers = [r for r in results if r["side"] == "peer"]
    best_peer = min(peers, key=lambda r: r["log_loss"]) if peers else None
    sel = next((r for r in results if r["side"] == "pdscore" and r["model"] == selected), None)
    verdict = None
    if sel and best_peer:
        verdict = {"pdscore": sel["model"], "peer": best_peer["model"],
                   "pdscore_log_loss": sel["log_loss"], "peer_log_loss": best_peer["log_loss"],
                   **paired(sel["fold_log_loss"], best_peer["fold_log_loss"])}
    env = peer.env_info(args.n_jobs)
    report = {
        "data": args.data, "target": args.target, "positive": label, "dropped": list(args.drop),
        "rows": int(len(y)), "positives": int(y.sum()), "default_rate": float(y.mean()),
        "folds": len(folds), "fold_source": os.path.abspath(args.pdscore_oof), "identical_folds": True,
        "seed": args.seed, "n_jobs": args.n_jobs,
        "thread_limits": {"openmp": args.n_jobs, "blas": 1}, "calibration_cv": args.cv, "ece_bins": ECE_BINS,
        "selected": selected, "best_peer": best_peer["model"] if best_peer else None, "verdict": verdict,
        "models": results, "failed": failed,
        "versions": {"python": env["python"], **env["versions"]}, "threadpools": env["threadpools"],
        "thread_env": env["thread_env"],
        "loadavg_1min_start_end": [load_start, os.getloadavg()[0]],
        "wall_s": time.perf_counter() - started,
    }
    os.makedirs(os.path.dirname(os.path.abspath(args.json)), exist_ok=True)
    with open(args.json, "w") as f:
        json.dump(report, f, indent=1)
    if args.peer_oof and peer_oof:
        import pandas as pd
        frames = [pd.DataFrame({"row": file_rows, "fold": fold, "model": name, "y": y, "score": p})
                  for name, p in peer_oof.items()]
        pd.concat(frames).to_csv(args.peer_oof, index=False, float_format="%.17g")
    if verdict:
        print(f"pdscore's selected model {verdict['pdscore']} log loss {verdict['pdscore_log_loss']:.4f} vs best "
              f"peer {verdict['peer_log_loss']:.4f} ({verdict['peer']}); paired fold difference "
              f"{verdict['mean']:+.4f} ± {verdict['se']:.4f}")
    print(f"wrote {args.json}")


if __name__ == "__main__":
    main()
