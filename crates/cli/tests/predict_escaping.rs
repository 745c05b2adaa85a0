//! `pdscore predict` writes its CSV through the pipeline's scored-row writer: on a file whose
//! ids are hostile (quotes, the delimiter, line breaks, formula starts, formulas after leading
//! spaces, a leading NUL) its output is byte for byte what `ScoredCsv` writes for the
//! library's own scoring of the same file. (The CSV reader trims the whitespace around a
//! cell, so ids with leading spaces, tabs or carriage returns arrive trimmed; the writer's
//! handling of those is pinned by the unit tests of `pdscore_pipeline::output`.)

use std::fmt::Write as _;

use pdscore::ingest::read_csv;
use pdscore::pipeline::{Pipeline, ScoredCsv, write_scored_csv};

mod common;

use common::{dir, ok, s};

const HOSTILE: [&str; 14] = [
    "=1+2",
    "+1",
    "-1",
    "@SUM(A1)",
    "\tx",
    "\r=cmd",
    "  =HYPERLINK(\"http://x\")",
    "   @y",
    "\0=1+2",
    "a;b",
    "say \"hi\"",
    "line\nbreak",
    "=1;\"2\"\n3",
    "plain-id",
];

#[test]
fn predict_csv_and_the_pipeline_writer_agree_on_hostile_ids() {
    let d = dir("predict_escaping");
    let data = d.join("synth.csv");
    ok(&[
        "generate",
        "--rows",
        "600",
        "--seed",
        "11",
        "--out",
        s(&data),
    ]);
    let model = d.join("model.json");
    ok(&[
        "train",
        "--quiet",
        "--data",
        s(&data),
        "--target",
        "default",
        "--model",
        "logreg",
        "--folds",
        "2",
        "--out",
        s(&model),
    ]);

    // The first rows get the hostile ids (quoted in the input), the rest keep theirs.
    let text = std::fs::read_to_string(&data).expect("read data");
    let mut lines = text.lines();
    let header = lines.next().expect("header");
    assert!(header.starts_with("uuid;"), "{header}");
    let mut hostile = format!("{header}\n");
    for (i, line) in lines.take(40).enumerate() {
        let rest = &line[line.find(';').expect("delimiter")..];
        let id = HOSTILE.get(i).copied().unwrap_or("");
        if id.is_empty() {
            hostile.push_str(line);
        } else {
            write!(hostile, "\"{}\"{rest}", id.replace('"', "\"\"")).expect("write to a String");
        }
        hostile.push('\n');
    }
    let input = d.join("hostile.csv");
    std::fs::write(&input, hostile).expect("write hostile input");

    let cli = ok(&[
        "--quiet",
        "predict",
        "--model",
        s(&model),
        "--input",
        s(&input),
        "--rows-per-chunk",
        "3",
    ]);

    let pipeline = Pipeline::load(&model).expect("load");
    let table = read_csv(input.as_path(), &pipeline.read_options()).expect("read hostile input");
    let scored = pipeline.score(&table).expect("score");
    for id in HOSTILE {
        assert!(
            scored.ids.iter().any(|i| i == id.trim()),
            "id {id:?} not read back: {:?}",
            &scored.ids[..16]
        );
    }
    let layout = ScoredCsv::new("uuid", b';').expect("layout");
    let library = write_scored_csv(
        Vec::new(),
        &layout,
        &scored.ids,
        &scored.pd,
        &scored.decision,
    )
    .expect("write");
    assert_eq!(
        library,
        layout.to_vec(&scored.ids, &scored.pd, &scored.decision)
    );
    assert!(
        cli == library,
        "CLI:\n{}\nlibrary:\n{}",
        String::from_utf8_lossy(&cli),
        String::from_utf8_lossy(&library)
    );

    // And the escaping is the documented one.
    let out = String::from_utf8(cli).expect("UTF-8");
    for escaped in [
        "\n'=1+2;",
        "\n'+1;",
        "\n'-1;",
        "\n'@SUM(A1);",
        "\nx;",
        "\n'=cmd;",
        "\n\"'=HYPERLINK(\"\"http://x\"\")\";",
        "\n'@y;",
        "\n'\0=1+2;",
        "\n\"a;b\";",
        "\n\"say \"\"hi\"\"\";",
        "\n\"line\nbreak\";",
        "\n\"'=1;\"\"2\"\"\n3\";",
        "\nplain-id;",
    ] {
        assert!(out.contains(escaped), "{escaped:?} missing from\n{out}");
    }
}
