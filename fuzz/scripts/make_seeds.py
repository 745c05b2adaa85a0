"""Writes the small seed corpora of the pdscore fuzz targets from the shipped sample.

Usage (from the workspace root):
    "${PDSCORE_PYTHON:-python3}" fuzz/scripts/make_seeds.py [MODEL_FILE]

Standard library only. MODEL_FILE, when given, is a pipeline file saved by `pdscore train`; the
model_file_load corpus then gets the whole file, its bare content, and a few mutations of it.
"""

import hashlib
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "fuzz" / "corpus"
SAMPLE = ROOT / "data" / "klarna_synth_sample.csv"


def write(target: str, name: str, data: bytes) -> None:
    folder = CORPUS / target
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(data)


def csv_seeds(lines: list[str]) -> None:
    header, rows = lines[0], lines[1:]
    labelled = [r for r in rows if r.split(";")[1] != "NA"][:3]
    unlabelled = [r for r in rows if r.split(";")[1] == "NA"][:2]
    write("csv_ingest_transform", "klarna_5_rows.csv",
          ("\n".join([header, *labelled, *unlabelled]) + "\n").encode())
    comma = [l.replace(";", ",") for l in [header, *labelled]]
    write("csv_ingest_transform", "klarna_comma.csv", ("\n".join(comma) + "\n").encode())
    quoted = [";".join(f'"{c}"' for c in l.split(";")) for l in [header, labelled[0]]]
    write("csv_ingest_transform", "klarna_quoted_crlf.csv", ("\r\n".join(quoted) + "\r\n").encode())
    write("csv_ingest_transform", "small_inferred.csv",
          b"id,x,flag,cat\na,1.5,True,u\nb,NA,False,\"v,w\"\nc,-3e2,,u\n")
    return header, labelled


def json_seeds(header: str, labelled: list[str]) -> None:
    names = header.split(";")
    rows = []
    for line in labelled[:2]:
        row = {}
        for name, cell in zip(names, line.split(";")):
            if cell in ("", "NA"):
                row[name] = None
                continue
            try:
                row[name] = json.loads(cell)
            except ValueError:
                row[name] = cell
        rows.append(row)
    write("json_api_body", "klarna_2_rows.json", json.dumps({"rows": rows}, separators=(",", ":")).encode())
    write("json_api_body", "types.json",
          b'{"rows": [{"id": "a", "x": 1.5, "ok": true, "m": null}, {"id": "b,c", "x": -2}]}')
    write("json_api_body", "multiline.json", b'{"rows": [{"a": "x\\ny"}, {"a": "z\\"q"}]}')


def model_seeds(model: Path) -> None:
    data = model.read_bytes()
    write("model_file_load", "logreg_model.json", data)
    key = b'"pipeline":'
    content = data[data.index(key) + len(key):].rstrip()[:-1]
    assert hashlib.sha256(content).hexdigest() in data[:200].decode()
    write("model_file_load", "logreg_content.json", content)
    write("model_file_load", "truncated.json", data[: len(data) // 2])
    doc = json.loads(content)
    doc["threshold"] = -1.0
    write("model_file_load", "content_bad_threshold.json", json.dumps(doc, separators=(",", ":")).encode())


def main() -> None:
    lines = SAMPLE.read_text().splitlines()
    header, labelled = csv_seeds(lines)
    json_seeds(header, labelled)
    if len(sys.argv) > 1:
        model_seeds(Path(sys.argv[1]))


if __name__ == "__main__":
    main()
