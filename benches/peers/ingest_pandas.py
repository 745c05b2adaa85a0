"""Times pandas `read_csv(sep=';')` on the synthetic Klarna file the `ingest` criterion bench
reads, in the same session, for a side-by-side figure.

Usage:
    $PDSCORE_PYTHON benches/peers/ingest_pandas.py FILE.csv [--repeats 10]

FILE.csv: the path the bench prints (`<target>/pdscore-ingest-bench/klarna_synth_100k_seed42.csv`), or any
file written by `pdscore generate`. Prints the median, min and max wall time, MB/s and the median CPU
time per read (`time.process_time`: user + system of the whole process) as JSON.

Needs: pip install pandas
"""

import argparse
import json
import os
import statistics
import time

import pandas as pd


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("file")
    parser.add_argument("--repeats", type=int, default=10)
    args = parser.parse_args()
    size = os.path.getsize(args.file)
    pd.read_csv(args.file, sep=";")  # warm the page cache and pandas
    times = []
    cpu_times = []
    for _ in range(args.repeats):
        start = time.perf_counter()
        cpu_start = time.process_time()
        df = pd.read_csv(args.file, sep=";")
        cpu_times.append(time.process_time() - cpu_start)
        times.append(time.perf_counter() - start)
    median = statistics.median(times)
    print(json.dumps({
        "pandas": pd.__version__,
        "file": args.file,
        "bytes": size,
        "shape": list(df.shape),
        "repeats": args.repeats,
        "median_ms": round(median * 1e3, 1),
        "min_ms": round(min(times) * 1e3, 1),
        "max_ms": round(max(times) * 1e3, 1),
        "mb_per_s": round(size / median / 1e6, 1),
        "median_cpu_ms": round(statistics.median(cpu_times) * 1e3, 1),
    }, indent=1))


if __name__ == "__main__":
    main()
