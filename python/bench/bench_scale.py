"""Scores N rows of Parquet through Spark local[2]: pdscore (pdscore.spark.score, mapInArrow)
versus LightGBM in a pandas UDF, on comparable gradient-boosting models trained on the sample.

Not run in CI. Needs the python/ci.sh venv plus lightgbm:

    python/target/python-venv/bin/pip install lightgbm==4.6.0
    python/target/python-venv/bin/python python/bench/bench_scale.py --rows 1000000

Prints rows/s of each job and their ratio, and of a third job that moves the same columns
through mapInArrow without scoring (Spark's and Arrow's share of the pdscore job's time). Each job writes its output to Spark's `noop` sink,
so every row is scored and nothing is written; the Parquet data and models are built first
(not timed) in --workdir.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Iterator

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

import pdscore
import pdscore.spark

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "data" / "klarna_synth_sample.csv"
TARGET, ID = "default", "uuid"


def read_sample() -> pa.Table:
    return pacsv.read_csv(SAMPLE, parse_options=pacsv.ParseOptions(delimiter=";"))


def write_parquet(sample: pa.Table, rows: int, files: int, out: Path) -> None:
    """`rows` rows: the sample repeated, each copy's ids suffixed so they stay unique."""
    out.mkdir(parents=True, exist_ok=True)
    per_file = -(-rows // files)
    n = sample.num_rows
    for f in range(files):
        start, stop = f * per_file, min(rows, (f + 1) * per_file)
        pieces, i = [], start
        while i < stop:
            offset, take = i % n, min(stop - i, n - i % n)
            piece = sample.slice(offset, take)
            ids = pc.binary_join_element_wise(piece.column(ID), pa.scalar(f"-{i // n}"), "")
            pieces.append(piece.set_column(piece.schema.get_field_index(ID), ID, ids))
            i += take
        pq.write_table(pa.concat_tables(pieces), out / f"part-{f:05d}.parquet")


def train_lightgbm(sample: pa.Table, rounds: int):
    import lightgbm as lgb

    df = sample.to_pandas().drop(columns=[ID])
    categories = {}
    for c in df.columns:
        if df[c].dtype == object or pd.api.types.is_string_dtype(df[c]):
            df[c] = df[c].astype("category")  # levels of all the rows, scored ones too
            categories[c] = list(df[c].cat.categories)
        elif df[c].dtype == bool:
            df[c] = df[c].astype(float)
    df = df[df[TARGET].notna()]
    y = df.pop(TARGET).astype(int)
    params = dict(objective="binary", learning_rate=0.05, num_leaves=31, min_child_samples=40,
                  verbose=-1, seed=0)
    booster = lgb.train(params, lgb.Dataset(df, y), num_boost_round=rounds)
    return booster.model_to_string(), list(df.columns), categories


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=5_000_000, help="rows to score (issue: 5M)")
    ap.add_argument("--files", type=int, default=8, help="Parquet files")
    ap.add_argument("--model", default="gbm", help="pdscore candidate (default gbm)")
    ap.add_argument("--rounds", type=int, default=0,
                    help="LightGBM rounds (default: as many trees as the pdscore gbm)")
    ap.add_argument("--workdir", type=Path, default=None)
    ap.add_argument("--repeat", type=int, default=1, help="timed runs of each job (best kept)")
    args = ap.parse_args()

    work = args.workdir or Path(tempfile.mkdtemp(prefix="pdscore-bench-scale-"))
    work.mkdir(parents=True, exist_ok=True)
    sample = read_sample()
    data = work / f"data-{args.rows}"
    if not data.exists():
        t = time.perf_counter()
        write_parquet(sample, args.rows, args.files, data)
        print(f"wrote {args.rows:,} rows in {args.files} Parquet files in "
              f"{time.perf_counter() - t:.1f}s: {data}")

    model_path = work / f"pdscore-{args.model}.json"
    if not model_path.exists():
        pdscore.train(SAMPLE, TARGET, model_path, id=ID, model=args.model, folds=2)
    model = pdscore.load(model_path)
    print(f"pdscore model: {model.card['model']['description']}")
    rounds = args.rounds or _trees(model) or 300
    booster_text, features, categories = train_lightgbm(sample, rounds)
    print(f"LightGBM model: {rounds} rounds, 31 leaves, learning rate 0.05")

    os.environ["PYSPARK_PYTHON"] = sys.executable
    from pyspark.sql import SparkSession
    from pyspark.sql import functions as F
    from pyspark.sql.functions import pandas_udf

    spark = (
        SparkSession.builder.master("local[2]")
        .appName("pdscore-bench-scale")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.driver.memory", "2g")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    df = spark.read.parquet(str(data))
    n = df.count()

    @pandas_udf("double")
    def lgb_pd(batches: Iterator[pd.DataFrame]) -> Iterator[pd.Series]:
        import lightgbm as lgb

        booster = lgb.Booster(model_str=booster_text)  # once per partition, the usual recipe
        for x in batches:
            for c, cats in categories.items():
                x[c] = pd.Categorical(x[c], categories=cats)
            for c in x.columns:
                if x[c].dtype == bool:
                    x[c] = x[c].astype(float)
            yield pd.Series(booster.predict(x[features]))

    threshold = model.threshold
    model_columns = [c["name"] for c in model.card["schema"]["columns"]] + [ID]
    model_columns = [c for c in df.columns if c in set(model_columns)]

    def passthrough(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for batch in batches:  # the same columns cross to Python as in the pdscore job
            n_rows = batch.num_rows
            yield pa.RecordBatch.from_arrays(
                [batch.column(ID).cast(pa.string()), pa.array([0.0] * n_rows),
                 pa.array([False] * n_rows)], names=["id", "pd", "decision"])

    jobs = {
        "pdscore (mapInArrow)": lambda: pdscore.spark.score(df, model_path),
        "LightGBM (pandas UDF)": lambda: df.select(
            F.col(ID).alias("id"), lgb_pd(F.struct(*features)).alias("pd")
        ).withColumn("decision", F.col("pd") >= F.lit(threshold)),
        "mapInArrow, no scoring": lambda: df.select(*model_columns).mapInArrow(
            passthrough, "id string, pd double, decision boolean"),
    }
    rates = {}
    for name, job in jobs.items():
        best = float("inf")
        for _ in range(args.repeat):
            t = time.perf_counter()
            job().write.format("noop").mode("overwrite").save()
            best = min(best, time.perf_counter() - t)
        rates[name] = n / best
        print(f"{name:24s} {n:,} rows in {best:7.1f}s: {rates[name]:>10,.0f} rows/s")
    a, b, c = rates.values()
    print(f"ratio pdscore / LightGBM: {a / b:.2f}")
    print(f"time per row: pdscore {1e6 / a:.2f} us, of which Spark + Arrow transfer "
          f"(mapInArrow without scoring) {1e6 / c:.2f} us")
    spark.stop()


def _trees(model: "pdscore.Model") -> int:
    """The number of trees of a pdscore gbm, from its description (0 if not found)."""
    import re

    m = re.search(r"(\d+) trees", model.card["model"]["description"])
    return int(m.group(1)) if m else 0


if __name__ == "__main__":
    main()
