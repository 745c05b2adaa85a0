#!/usr/bin/env bash
# Builds the pdscore Python wheel, installs it in a venv and runs the pytest suite.
# Usage (from anywhere): bash python/ci.sh
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(dirname "$HERE")"
VENV="$HERE/target/python-venv"
PY="${PYTHON:-python3}"

if [ ! -x "$VENV/bin/python" ]; then
    "$PY" -m venv "$VENV"
fi
"$VENV/bin/pip" install --quiet --upgrade pip
"$VENV/bin/pip" install --quiet maturin pytest pandas pyarrow polars numpy
# The scale-out recipes (tests/test_scale.py): Spark in local mode (needs Java 17) and Ray.
start=$(date +%s)
"$VENV/bin/pip" install --quiet "pyspark==4.1.1" "ray[data]==2.60.0"
echo "pyspark and ray installed in $(( $(date +%s) - start ))s"
if ! command -v java >/dev/null && [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    echo "ci.sh: installing a Java 17 runtime for pyspark"
    DEBIAN_FRONTEND=noninteractive apt-get install -y openjdk-17-jre-headless >/dev/null 2>&1 ||
        { apt-get update >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y openjdk-17-jre-headless >/dev/null; }
fi
if ! command -v java >/dev/null; then
    echo "ci.sh: no java on PATH: pyspark needs a Java 17 runtime (apt-get install openjdk-17-jre-headless)" >&2
    exit 1
fi

start=$(date +%s)
rm -rf "$HERE/target/wheels"
"$VENV/bin/maturin" build --release -m "$HERE/Cargo.toml" --out "$HERE/target/wheels"
"$VENV/bin/pip" install --quiet --force-reinstall --no-deps "$HERE"/target/wheels/pdscore-*.whl
echo "wheel built and installed in $(( $(date +%s) - start ))s"

export PDSCORE_BIN="${PDSCORE_BIN:-$REPO/target/release/pdscore}"
if [ ! -x "$PDSCORE_BIN" ]; then
    (cd "$REPO" && cargo build --release -p pdscore-cli)
fi

start=$(date +%s)
cd "$HERE"
"$VENV/bin/python" -m pytest -q tests
echo "pytest passed in $(( $(date +%s) - start ))s"
