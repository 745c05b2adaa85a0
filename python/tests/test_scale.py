"""pdscore.spark and pdscore.ray on a partitioned Parquet data set; the CLI is the reference.

Spark runs in local[2] mode (Java 17), Ray as a local 2-CPU cluster; both are pip
dependencies installed by python/ci.sh, so these tests run in CI.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

import pdscore

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "data" / "klarna_synth_sample.csv"
PDSCORE_BIN = os.environ.get("PDSCORE_BIN", str(REPO / "target" / "release" / "pdscore"))
N_ROWS = 3000
N_FILES = 4


@pytest.fixture(scope="module")
def model_path(tmp_path_factory):
    out = tmp_path_factory.mktemp("scale-model") / "model.json"
    pdscore.train(SAMPLE, "default", out, id="uuid", model="logreg", folds=2)
    return out


@pytest.fixture(scope="module")
def rows_csv(tmp_path_factory):
    """The first N_ROWS rows of the sample, verbatim (semicolon CSV): the CLI's input."""
    lines = SAMPLE.read_text().splitlines(keepends=True)
    path = tmp_path_factory.mktemp("scale-rows") / "rows.csv"
    path.write_text("".join(lines[: N_ROWS + 1]))
    return path


@pytest.fixture(scope="module")
def parquet_dir(tmp_path_factory, rows_csv):
    """The same rows as N_FILES typed Parquet files (int64, double, bool, string; NA as null)."""
    table = pacsv.read_csv(rows_csv, parse_options=pacsv.ParseOptions(delimiter=";"))
    assert table.num_rows == N_ROWS
    assert table.schema.field("has_paid").type == pa.bool_()
    assert table.column("account_status").null_count > 0
    out = tmp_path_factory.mktemp("scale-parquet")
    step = -(-N_ROWS // N_FILES)
    for i in range(N_FILES):
        pq.write_table(table.slice(i * step, step), out / f"part-{i:05d}.parquet")
    return out


@pytest.fixture(scope="module")
def cli_pd(model_path, rows_csv):
    """id -> PD from `pdscore predict` (JSON numbers parsed to float, as in test_pdscore)."""
    if not Path(PDSCORE_BIN).exists():
        pytest.fail(f"no pdscore CLI at {PDSCORE_BIN} (set PDSCORE_BIN)")
    out = subprocess.run(
        [PDSCORE_BIN, "predict", "--quiet", "--model", str(model_path),
         "--input", str(rows_csv), "--format", "json"],
        check=True, capture_output=True, text=True,
    ).stdout
    rows = json.loads(out)
    assert len(rows) == N_ROWS
    return {r["id"]: (r["pd"], r["decision"]) for r in rows}


def assert_equal_to_cli(rows, cli_pd):
    """rows: (id, pd, decision) triples; equal to the CLI's per id, exactly."""
    got = {i: (p, d) for i, p, d in rows}
    assert len(got) == len(rows) == N_ROWS, "ids missing or duplicated"
    assert got.keys() == cli_pd.keys()
    differ = [i for i in got if got[i][0] != cli_pd[i][0] or got[i][1] != cli_pd[i][1]]
    assert not differ, f"{len(differ)} rows differ from the CLI, e.g. {differ[0]}: " \
        f"{got[differ[0]]} vs {cli_pd[differ[0]]}"


def test_import_pdscore_needs_neither_spark_nor_ray():
    code = (
        "import sys; import pdscore, pdscore.spark, pdscore.ray; "
        "assert 'pyspark' not in sys.modules and 'ray' not in sys.modules, sorted(sys.modules)"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.fixture(scope="module")
def spark():
    pyspark_sql = pytest.importorskip("pyspark.sql")
    # The Python workers must be this interpreter (with pdscore and pyarrow installed).
    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
    session = (
        pyspark_sql.SparkSession.builder.master("local[2]")
        .appName("pdscore-test-scale")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.sql.execution.arrow.maxRecordsPerBatch", "500")
        .config("spark.driver.memory", "1g")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def test_spark_equals_cli(spark, model_path, parquet_dir, cli_pd):
    import pdscore.spark

    df = spark.read.parquet(str(parquet_dir))
    assert df.rdd.getNumPartitions() >= 2
    out = pdscore.spark.score(df, model_path)
    assert [(f.name, f.dataType.simpleString()) for f in out.schema.fields] == [
        ("id", "string"), ("pd", "double"), ("decision", "boolean")]
    rows = [(r["id"], r["pd"], r["decision"]) for r in out.collect()]
    assert_equal_to_cli(rows, cli_pd)


def test_spark_id_column(spark, model_path, parquet_dir, cli_pd):
    import pdscore.spark

    df = spark.read.parquet(str(parquet_dir)).withColumnRenamed("uuid", "customer")
    out = pdscore.spark.score(df, str(model_path), id_column="customer")
    rows = [(r["id"], r["pd"], r["decision"]) for r in out.collect()]
    assert_equal_to_cli(rows, cli_pd)
    with pytest.raises(ValueError, match="nope"):
        pdscore.spark.score(df, model_path, id_column="nope")


def test_spark_reasons_equal_local_scoring(spark, model_path, parquet_dir):
    import pdscore.spark

    df = spark.read.parquet(str(parquet_dir))
    out = pdscore.spark.score(df, model_path, reasons=2)
    assert [f.name for f in out.schema.fields] == ["id", "pd", "decision", "reason_1", "reason_2"]
    got = {r["id"]: (r["pd"], r["reason_1"], r["reason_2"]) for r in out.collect()}
    local = pdscore.load(model_path).score_batch(pq.read_table(parquet_dir), reasons=2)
    want = {
        i: (p, r1, r2)
        for i, p, r1, r2 in zip(*(local.column(n).to_pylist()
                                 for n in ("id", "pd", "reason_1", "reason_2")))
    }
    assert got == want
    assert any(v[1] for v in got.values())


@pytest.fixture(scope="module")
def ray_local():
    ray = pytest.importorskip("ray")
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False,
             configure_logging=False, ignore_reinit_error=True)
    ray.data.DataContext.get_current().enable_progress_bars = False
    yield ray
    ray.shutdown()


def test_ray_equals_cli(ray_local, model_path, parquet_dir, cli_pd):
    import pdscore.ray

    ds = ray_local.data.read_parquet(str(parquet_dir), override_num_blocks=N_FILES)
    # Two actors of half a CPU each: the read tasks need a CPU of the two too.
    out = pdscore.ray.score(ds, model_path, concurrency=2, num_cpus=0.5)
    table = pa.concat_tables(ray_local.get(out.to_arrow_refs()))
    assert table.schema.names == ["id", "pd", "decision"]
    assert table.schema.field("pd").type == pa.float64()
    rows = list(zip(*(table.column(n).to_pylist() for n in ("id", "pd", "decision"))))
    assert_equal_to_cli(rows, cli_pd)
    with_reasons = pa.concat_tables(ray_local.get(
        pdscore.ray.score(ds, model_path, concurrency=2, num_cpus=0.5, reasons=1).to_arrow_refs()))
    assert with_reasons.schema.names == ["id", "pd", "decision", "reason_1"]
    assert with_reasons.num_rows == N_ROWS


def test_model_without_id_needs_id_column(spark, tmp_path, rows_csv, parquet_dir, cli_pd):
    import pdscore.spark

    # Trained on the rows less the uuid column (else pdscore takes uuid as the id).
    noid_csv = tmp_path / "noid.csv"
    noid_csv.write_text("".join(
        line.split(";", 1)[1] for line in rows_csv.read_text().splitlines(keepends=True)))
    model_path = tmp_path / "noid.json"
    model = pdscore.train(noid_csv, "default", model_path, model="logreg", folds=2)
    assert model.card["schema"]["id"] is None
    df = spark.read.parquet(str(parquet_dir))
    with pytest.raises(ValueError, match="id_column"):
        pdscore.spark.score(df, model_path)
    out = pdscore.spark.score(df, model_path, id_column="uuid").toPandas()
    assert sorted(out["id"]) == sorted(cli_pd)
    assert out["pd"].between(0.0, 1.0).all()
