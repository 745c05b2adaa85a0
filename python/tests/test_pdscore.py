"""Tests of the pdscore Python package; the `pdscore` CLI binary is the reference."""

import io
import json
import math
import os
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

import pdscore

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "data" / "klarna_synth_sample.csv"
PDSCORE_BIN = os.environ.get("PDSCORE_BIN", str(REPO / "target" / "release" / "pdscore"))
N_ROWS = 400


@pytest.fixture(scope="session")
def model_path(tmp_path_factory):
    out = tmp_path_factory.mktemp("model") / "model.json"
    model = pdscore.train(SAMPLE, "default", out, id="uuid", model="logreg", folds=3)
    assert isinstance(model, pdscore.Model)
    assert out.exists()
    return out


@pytest.fixture(scope="session")
def model(model_path):
    return pdscore.load(model_path)


@pytest.fixture(scope="session")
def rows_csv(tmp_path_factory):
    """The first N_ROWS rows of the sample, verbatim (semicolon CSV)."""
    lines = SAMPLE.read_text().splitlines(keepends=True)
    path = tmp_path_factory.mktemp("rows") / "rows.csv"
    path.write_text("".join(lines[: N_ROWS + 1]))
    return path


@pytest.fixture(scope="session")
def cli_output(model_path, rows_csv):
    if not Path(PDSCORE_BIN).exists():
        pytest.skip(f"no pdscore CLI at {PDSCORE_BIN} (set PDSCORE_BIN)")
    out = subprocess.run(
        [PDSCORE_BIN, "predict", "--quiet", "--model", str(model_path),
         "--input", str(rows_csv), "--format", "json"],
        check=True, capture_output=True, text=True,
    ).stdout
    return json.loads(out)


def frame_text(rows_csv):
    # Every cell as its text, so nothing is re-formatted on the way back to CSV.
    return pd.read_csv(rows_csv, sep=";", dtype=str, keep_default_na=False)


def test_pandas_polars_pyarrow_equal_cli_bit_for_bit(model, rows_csv, cli_output):
    expected = np.array([r["pd"] for r in cli_output], dtype=np.float64)
    assert len(expected) == N_ROWS
    df = frame_text(rows_csv)
    inputs = {
        "pandas": df,
        "polars": pl.read_csv(rows_csv, separator=";", infer_schema=False),
        "pyarrow table": pa.Table.from_pandas(df, preserve_index=False),
        "pyarrow batch": pa.RecordBatch.from_pandas(df, preserve_index=False),
        "bytes": rows_csv.read_bytes(),
    }
    for name, data in inputs.items():
        got = model.predict_proba(data)
        assert got.dtype == np.float64, name
        assert got.tobytes() == expected.tobytes(), name


def test_typed_pandas_frame_equals_cli(model, rows_csv, cli_output):
    # The usual `pd.read_csv` (numbers parsed, NA as NaN) gives the same PDs too.
    expected = np.array([r["pd"] for r in cli_output], dtype=np.float64)
    df = pd.read_csv(rows_csv, sep=";")
    assert df.isna().any().any(), "the sample should have missing values"
    got = model.predict_proba(df)
    np.testing.assert_array_equal(got, expected)


def test_nan_and_none_are_empty_cells(model, rows_csv):
    df = frame_text(rows_csv).head(5)
    col = "account_amount_added_12_24m"
    empty = df.copy()
    empty[col] = ""
    nan = df.copy()
    nan[col] = np.nan
    none = df.copy()
    none[col] = None
    a = model.predict_proba(empty)
    np.testing.assert_array_equal(model.predict_proba(nan), a)
    np.testing.assert_array_equal(model.predict_proba(none), a)
    np.testing.assert_array_equal(model.predict_proba(pl.from_pandas(nan)), a)


def test_row_alone_equals_batch(model, rows_csv):
    df = frame_text(rows_csv)
    batch = model.predict_proba(df)
    for i in (0, 7, N_ROWS - 1):
        alone = model.predict_proba(df.iloc[[i]])
        assert alone.tobytes() == batch[i : i + 1].tobytes()


def test_score_batch(model, rows_csv, cli_output):
    batch = model.score_batch(pa.RecordBatch.from_pandas(frame_text(rows_csv), preserve_index=False))
    assert isinstance(batch, pa.RecordBatch)
    assert batch.schema == pa.schema(
        [("id", pa.string()), ("pd", pa.float64()), ("decision", pa.bool_())]
    )
    assert batch.column("id").to_pylist() == [r["id"] for r in cli_output]
    assert batch.column("pd").to_pylist() == [r["pd"] for r in cli_output]
    assert batch.column("decision").to_pylist() == [r["decision"] for r in cli_output]
    t = model.threshold
    assert batch.column("decision").to_pylist() == [p >= t for p in batch.column("pd").to_pylist()]


def test_card_and_threshold(model):
    card = model.card
    assert isinstance(card, dict)
    assert card["model"]["candidate"] == "logreg"
    assert math.isclose(card["threshold"]["value"], model.threshold)
    assert 0.0 < model.threshold < 1.0


def test_bad_input_raises_pdscore_error(model):
    with pytest.raises(pdscore.PdscoreError) as e:
        model.predict_proba(pd.DataFrame({"uuid": ["a"], "nonsense": [1.0]}))
    msg = str(e.value)
    assert "account_amount_added_12_24m" in msg or "missing" in msg.lower(), msg
    with pytest.raises(pdscore.PdscoreError, match="no_such_file"):
        pdscore.load("no_such_file.json")
    with pytest.raises(pdscore.PdscoreError, match="nope"):
        pdscore.evaluate(SAMPLE, "nope", id="uuid", models=["logreg"], folds=3)
    with pytest.raises(TypeError):
        model.predict_proba(42)


def test_evaluate(tmp_path):
    out = tmp_path / "reports"
    results = pdscore.evaluate(SAMPLE, "default", id="uuid", folds=3, models=["logreg"], out=out)
    assert isinstance(results, dict)
    for key in ("best", "leader", "models", "selection_metric", "calibration", "grades"):
        assert key in results, (key, sorted(results))
    assert any(out.iterdir()), "no reports written"


def test_typed_inputs_of_every_kind_equal_cli(model, rows_csv, cli_output):
    # Typed columns (floats, ints, bools, strings, dictionaries, string views) cross as Arrow
    # and are read by the model's schema: the PDs are the CLI's to the bit.
    expected = np.array([r["pd"] for r in cli_output], dtype=np.float64)
    df = pd.read_csv(rows_csv, sep=";")
    categorical = df.copy()
    for col in ("merchant_category", "merchant_group", "name_in_email"):
        categorical[col] = categorical[col].astype("category")
    table = pa.Table.from_pandas(df, preserve_index=False)
    inputs = {
        "pandas category dtype": categorical,
        "polars typed": pl.read_csv(rows_csv, separator=";"),
        "pyarrow typed table": table,
        "pyarrow dictionary batch": pa.Table.from_pandas(categorical, preserve_index=False)
        .combine_chunks()
        .to_batches()[0],
        "record batch reader": pa.RecordBatchReader.from_batches(
            table.schema, table.to_batches(max_chunksize=97)
        ),
        "string view": table.cast(
            pa.schema(
                [
                    pa.field(f.name, pa.string_view()) if pa.types.is_string(f.type) else f
                    for f in table.schema
                ]
            )
        ),
    }
    for name, data in inputs.items():
        got = model.predict_proba(data)
        assert got.tobytes() == expected.tobytes(), name


def test_score_batch_over_several_batches_keeps_order(model, rows_csv, cli_output):
    table = pa.Table.from_pandas(pd.read_csv(rows_csv, sep=";"), preserve_index=False)
    scored = model.score_batch(table.to_batches(max_chunksize=50)[0])
    assert scored.num_rows == 50
    whole = model.score_batch(pa.Table.from_batches(table.to_batches(max_chunksize=33)))
    assert whole.column("id").to_pylist() == [r["id"] for r in cli_output]
    assert whole.column("pd").to_pylist() == [r["pd"] for r in cli_output]


def test_score_batch_reasons_equal_cli(model_path, model, rows_csv):
    if not Path(PDSCORE_BIN).exists():
        pytest.skip(f"no pdscore CLI at {PDSCORE_BIN} (set PDSCORE_BIN)")
    out = subprocess.run(
        [PDSCORE_BIN, "predict", "--quiet", "--model", str(model_path),
         "--input", str(rows_csv), "--format", "json", "--reasons", "3"],
        check=True, capture_output=True, text=True,
    ).stdout
    cli = json.loads(out)
    batch = model.score_batch(
        pa.Table.from_pandas(pd.read_csv(rows_csv, sep=";"), preserve_index=False), reasons=3
    )
    assert batch.schema.names == ["id", "pd", "decision", "reason_1", "reason_2", "reason_3"]
    assert batch.column("pd").to_pylist() == [r["pd"] for r in cli]
    for k in range(3):
        want = [
            f"{r['reasons'][k]['column']} ({r['reasons'][k]['contribution']:+.3f})"
            if k < len(r["reasons"]) else None
            for r in cli
        ]
        assert batch.column(f"reason_{k + 1}").to_pylist() == want, k
    assert any(r["reasons"] for r in cli)


def test_unsupported_types_and_bad_values_name_the_column(model, rows_csv):
    df = pd.read_csv(rows_csv, sep=";").head(3)
    dated = df.copy()
    dated["age"] = pd.to_datetime("2020-01-01")
    with pytest.raises(pdscore.PdscoreError, match="`age`.*timestamp|`age`.*Timestamp"):
        model.predict_proba(dated)
    infinite = df.copy()
    infinite["time_hours"] = [1.0, np.inf, 2.0]
    with pytest.raises(pdscore.PdscoreError, match=r"`time_hours`.*row 1"):
        model.predict_proba(infinite)
    with pytest.raises(pdscore.PdscoreError, match="missing required columns"):
        model.score_batch(pa.table({"uuid": ["a"]}))
