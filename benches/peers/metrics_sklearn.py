"""Peer timing for `cargo bench -p pdscore-metrics --bench metrics`.

Times scikit-learn's roc_auc_score and average_precision_score on the same 1,000,000 scores the
Rust bench generates (SplitMix64 stream, reproduced bit for bit with numpy), and prints the
values so they can be checked against the Rust ones.

Needs: numpy, scikit-learn (pip install numpy scikit-learn).
Run:   ${PDSCORE_PYTHON:-python3} benches/peers/metrics_sklearn.py [repeats]
"""

import statistics
import sys
import time

import numpy as np
from sklearn.metrics import average_precision_score, roc_auc_score

N = 1_000_000
SCORE_SEED = 42
LABEL_SEED = 4242
MASK = np.uint64(0xFFFFFFFFFFFFFFFF)


def splitmix64(seed: int, n: int) -> np.ndarray:
    """The first n outputs of SplitMix64 started at seed (uint64 arithmetic wraps)."""
    i = np.arange(1, n + 1, dtype=np.uint64)
    z = np.uint64(seed) + i * np.uint64(0x9E3779B97F4A7C15)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return (z ^ (z >> np.uint64(31))) & MASK


def unit(seed: int, n: int) -> np.ndarray:
    return (splitmix64(seed, n) >> np.uint64(11)).astype(np.float64) * (1.0 / (1 << 53))


def main() -> None:
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    with np.errstate(over="ignore"):
        scores = unit(SCORE_SEED, N)
        labels = (unit(LABEL_SEED, N) < 0.0286 * scores).astype(np.int64)
    print(f"n={N} positives={int(labels.sum())} first_scores={scores[:3].tolist()}")
    for name, fn in [
        ("roc_auc_score", roc_auc_score),
        ("average_precision_score", average_precision_score),
    ]:
        value = fn(labels, scores)
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            fn(labels, scores)
            times.append(time.perf_counter() - start)
        print(
            f"{name}: value={value!r} median={statistics.median(times) * 1e3:.2f} ms "
            f"min={min(times) * 1e3:.2f} ms over {repeats} runs"
        )


if __name__ == "__main__":
    main()
