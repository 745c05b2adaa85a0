"""Whole model comparison, pdscore against the Python peer baseline, in the same session.

Runs, one after the other on the same CSV:
  1. `pdscore evaluate --quiet --data FILE --target COL --json OUT` (the 12 default candidates,
     5-fold stratified CV, seed 0), and
  2. the peer: `$PDSCORE_PYTHON <workspace>/../shared/tools/peer_baseline.py --data FILE
     --target COL` (scikit-learn / imbalanced-learn / LightGBM / XGBoost, 5-fold, seed 0),
then prints the wall and CPU seconds of each, the ratio pdscore / peer, the 1-minute load
average before and after, and the best model of each side with its ROC and PR AUC.

Usage:
    $PDSCORE_PYTHON benches/peers/pipeline_vs_peer.py --data FILE --target COL [--id COL]
        [--pdscore target/release/pdscore] [--peer PATH] [--skip-peer]

Build pdscore first: `cargo build --release -p pdscore-cli`.
Needs (for the peer): pip install scikit-learn imbalanced-learn lightgbm xgboost pandas
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def timed(cmd):
    """Runs cmd; returns (wall seconds, CPU seconds of the child)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", required=True)
    parser.add_argument("--target", required=True)
    parser.add_argument("--id")
    parser.add_argument("--pdscore", default=os.path.join(ROOT, "target", "release", "pdscore"))
    parser.add_argument("--peer", default=os.path.join(ROOT, "..", "shared", "tools", "peer_baseline.py"))
    parser.add_argument("--skip-peer", action="store_true")
    args = parser.parse_args()
    out = tempfile.mkdtemp(prefix="pdscore_vs_peer_")
    load_start = os.getloadavg()[0]

    ours_json = os.path.join(out, "pdscore.json")
    cmd = [args.pdscore, "evaluate", "--quiet", "--data", args.data, "--target", args.target,
           "--json", ours_json]
    if args.id:
        cmd += ["--id", args.id]
    ours_wall, ours_cpu = timed(cmd)
    ours = json.load(open(ours_json))
    best = next(m for m in ours["models"] if m["name"] == ours["best"])
    result = {
        "pdscore": {"wall_s": round(ours_wall, 1), "cpu_s": round(ours_cpu, 1), "best": best["name"],
                    "roc_auc": best["roc_auc"], "pr_auc": best["pr_auc"]},
    }
    if not args.skip_peer:
        peer_json = os.path.join(out, "peer.json")
        cmd = [sys.executable, args.peer, "--data", args.data, "--target", args.target,
               "--json", peer_json, "--md", os.path.join(out, "peer.md")]
        if args.id:
            cmd += ["--drop", args.id]
        peer_wall, peer_cpu = timed(cmd)
        peer = json.load(open(peer_json))
        models = peer.get("models") or peer.get("results") or []
        result["peer"] = {"wall_s": round(peer_wall, 1), "cpu_s": round(peer_cpu, 1),
                          "models": len(models)}
        result["ratio_wall"] = round(ours_wall / peer_wall, 3)
        result["ratio_cpu"] = round(ours_cpu / peer_cpu, 3)
    result["loadavg_1min_start_end"] = [round(load_start, 2), round(os.getloadavg()[0], 2)]
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
