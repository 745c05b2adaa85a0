#!/usr/bin/env bash
# Side-by-side comparison of pdscore's gradient boosting with LightGBM (`lightgbm_300`) on the
# exported peer folds and the synthetic 100k file, at 1 and 2 threads, in one session.
#
#   PDSCORE_PYTHON=python3 PEER_DATA=target/peer-data crates/models/benches/peers/gbm_compare.sh [THREADS...]
#
# Needs the folds of benches/peers/export_peer_folds.py under $PEER_DATA/{credit_risk,taiwan_credit},
# writes $PEER_DATA/synthetic_100k with gbm_synthetic.py when absent, and the Python packages of
# benches/peers/model_cv.py (numpy, scikit-learn, lightgbm, threadpoolctl, imbalanced-learn, xgboost).
set -euo pipefail
root="$(cd "$(dirname "$0")/../../../.." && pwd)"
py="${PDSCORE_PYTHON:-python3}"
data="${PEER_DATA:-$root/target/peer-data}"
peer_script="${PEER_SCRIPT:-$root/../shared/tools/peer_baseline.py}"
out="${OUT_DIR:-$root/target/peer-cv}"
threads=("$@")
[ ${#threads[@]} -eq 0 ] && threads=(1 2)
mkdir -p "$out"
[ -d "$data/synthetic_100k" ] || "$py" "$root/crates/models/benches/peers/gbm_synthetic.py" --out "$data/synthetic_100k"
(cd "$root" && cargo build --release -p pdscore-models --example peer_cv)
# A private copy: the shared target directory may be rebuilt by other checkouts meanwhile.
bin="$out/peer_cv_gbm"
cp "${CARGO_TARGET_DIR:-$root/target}/release/examples/peer_cv" "$bin"
for t in "${threads[@]}"; do
  for ds in credit_risk taiwan_credit synthetic_100k; do
    json="$out/${ds}_gbm_t$t.json"
    "$bin" --data "$data/$ds" --kind tree_native --model gbm --threads "$t" --out "$json" 2>/dev/null
    "$py" "$root/benches/peers/model_cv.py" --data "$data/$ds" --kind tree_native --peer lightgbm_300 \
      --ours "$json" --n-jobs "$t" --peer-script "$peer_script" --json "$out/${ds}_compare_t$t.json"
  done
done
