//! Reading well-formed inputs: quoting, CRLF, BOM, kind inference, schemas, chunked reading.

use std::fmt::Write as _;
use std::path::PathBuf;

use pdscore_ingest::{
    ColumnData, ColumnKind, CsvChunks, ReadOptions, Schema, read_csv, read_csv_with_report,
};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn numeric<'a>(table: &'a pdscore_ingest::Table, name: &str) -> &'a [f64] {
    match table.column(name).map(|c| &c.data) {
        Some(ColumnData::Numeric(v)) => v,
        other => panic!("`{name}` is not numeric: {other:?}"),
    }
}

fn texts(table: &pdscore_ingest::Table, name: &str) -> Vec<Option<String>> {
    match table.column(name).map(|c| &c.data) {
        Some(ColumnData::Categorical(c)) => (0..c.codes.len())
            .map(|r| c.value(r).map(str::to_owned))
            .collect(),
        other => panic!("`{name}` is not categorical: {other:?}"),
    }
}

#[test]
fn quoted_fields_crlf_and_bom() {
    let read = read_csv_with_report(fixture("quoted_crlf_bom.csv"), &ReadOptions::new())
        .expect("readable");
    assert_eq!(read.delimiter, b',');
    let t = read.table;
    assert_eq!(
        t.column_names().collect::<Vec<_>>(),
        ["id", "text", "amount", "flag"]
    );
    assert_eq!(
        texts(&t, "text"),
        [
            Some("a, b".to_owned()),
            Some("say \"hi\"".to_owned()),
            Some("multi\r\nline".to_owned())
        ]
    );
    let amount = numeric(&t, "amount");
    assert_eq!(amount[0], 500_000.0);
    assert!(amount[1].is_nan());
    assert_eq!(amount[2], -1.5);
    assert_eq!(
        t.column("flag").map(|c| &c.data),
        Some(&ColumnData::Boolean(vec![Some(true), Some(false), None]))
    );
}

#[test]
fn inference_rules() {
    let csv = b"zero_one;words;mixed;codes;empty\n0;True;1;1.0;NA\n1;false;a;2;\n1;TRUE;2;1;null\n";
    let t = read_csv(csv, &ReadOptions::new()).expect("readable");
    let kinds: Vec<ColumnKind> = Schema::infer(&t, None, None)
        .expect("schema")
        .features
        .iter()
        .map(|f| f.kind)
        .collect();
    assert_eq!(
        kinds,
        [
            ColumnKind::Numeric,
            ColumnKind::Boolean,
            ColumnKind::Categorical,
            ColumnKind::Numeric,
            ColumnKind::Numeric
        ]
    );
    // Declared categorical, integral codes are canonicalised: `1.0` and `1` are one level.
    let schema = Schema::infer(&t, None, None)
        .expect("schema")
        .with_kind("codes", ColumnKind::Categorical);
    let t = read_csv(csv, &ReadOptions::new().schema(schema)).expect("readable");
    match &t.column("codes").expect("codes").data {
        ColumnData::Categorical(c) => {
            assert_eq!(c.dictionary, ["1", "2"]);
            assert_eq!(c.codes, [0, 1, 0]);
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn schema_infer_sets_roles() {
    let t = read_csv(b"id,y,x\na,1,2\nb,0,3\n", &ReadOptions::new()).expect("ok");
    let s = Schema::infer(&t, Some("y"), Some("id")).expect("schema");
    assert_eq!(s.id.as_deref(), Some("id"));
    assert_eq!(s.target.as_ref().map(|t| t.column.as_str()), Some("y"));
    assert_eq!(s.features.len(), 1);
    // Reading with the inferred schema keeps the id text as written.
    let t = read_csv(b"id,y,x\n01.0,1,2\n", &ReadOptions::new().schema(s)).expect("ok");
    assert_eq!(texts(&t, "id"), [Some("01.0".to_owned())]);
}

#[test]
fn custom_missing_tokens_and_delimiter() {
    let options = ReadOptions::new().delimiter(b'\t').missing_tokens(["?"]);
    let t = read_csv(b"a\tb\n?\tx\n1\tNA\n", &options).expect("ok");
    assert!(numeric(&t, "a")[0].is_nan());
    assert_eq!(
        texts(&t, "b"),
        [Some("x".to_owned()), Some("NA".to_owned())]
    );
}

#[test]
fn large_plain_input_is_read_in_parallel_chunks_with_correct_lines() {
    // ~2 MB, so the parallel path splits it into several chunks; one bad cell near the end.
    let mut csv = String::from("i;x\n");
    for i in 0..150_000 {
        writeln!(csv, "{i};{}", f64::from(i) * 0.5).expect("write to string");
    }
    csv.push_str("150000;oops\n");
    let schema = Schema::new()
        .with_kind("i", ColumnKind::Numeric)
        .with_kind("x", ColumnKind::Numeric);
    let err = read_csv(csv.as_bytes(), &ReadOptions::new().schema(schema)).expect_err("bad");
    match err {
        pdscore_ingest::IngestError::BadValues { examples, .. } => {
            assert_eq!(examples[0].line, 150_002);
        }
        other => panic!("unexpected {other:?}"),
    }
    csv.truncate(csv.len() - "150000;oops\n".len());
    let t = read_csv(csv.as_bytes(), &ReadOptions::new()).expect("ok");
    assert_eq!(t.n_rows(), 150_000);
    let i = numeric(&t, "i");
    assert!(i.iter().enumerate().all(|(r, v)| *v == r as f64));
}

#[test]
fn chunked_reading_matches_whole_reading() {
    let csv = std::fs::read(fixture("quoted_crlf_bom.csv")).expect("fixture");
    let whole = read_csv(csv.as_slice(), &ReadOptions::new()).expect("whole");
    let schema = Schema::infer(&whole, None, Some("id")).expect("schema");
    let options = ReadOptions::new().schema(schema);
    let whole = read_csv(csv.as_slice(), &options).expect("whole");
    let chunks: Vec<_> = CsvChunks::new(csv.as_slice(), &options, 2)
        .expect("header")
        .collect::<Result<_, _>>()
        .expect("chunks");
    assert_eq!(chunks.len(), 2);
    assert_eq!(chunks[0].first_line, 2);
    assert_eq!(chunks[1].first_line, 4);
    assert_eq!(chunks[1].first_row, 2);
    let ids: Vec<Option<&str>> = chunks
        .iter()
        .flat_map(|c| c.ids().expect("id column").collect::<Vec<_>>())
        .collect();
    assert_eq!(ids, [Some("1"), Some("2"), Some("3")]);
    let amounts: Vec<f64> = chunks
        .iter()
        .flat_map(|c| numeric(&c.table, "amount").to_vec())
        .collect();
    let expected = numeric(&whole, "amount");
    assert_eq!(amounts.len(), expected.len());
    assert!(
        amounts
            .iter()
            .zip(expected)
            .all(|(a, b)| a == b || (a.is_nan() && b.is_nan()))
    );
}

#[test]
fn chunked_reading_reports_a_bad_batch_and_goes_on() {
    let csv = b"a,b\n1,2\nx,3\n4,5\n";
    let schema = Schema::new()
        .with_kind("a", ColumnKind::Numeric)
        .with_kind("b", ColumnKind::Numeric);
    let results: Vec<_> = CsvChunks::new(&csv[..], &ReadOptions::new().schema(schema), 1)
        .expect("header")
        .collect();
    assert_eq!(results.len(), 3);
    assert!(results[0].is_ok());
    match &results[1] {
        Err(pdscore_ingest::IngestError::BadValues { examples, .. }) => {
            assert_eq!(examples[0].line, 3);
        }
        other => panic!("unexpected {other:?}"),
    }
    assert!(results[2].is_ok());
}

#[test]
fn chunked_reading_fixes_inferred_kinds_from_the_first_batch() {
    let csv = b"a\n1\n2\nx\n";
    let results: Vec<_> = CsvChunks::new(&csv[..], &ReadOptions::new(), 2)
        .expect("header")
        .collect();
    assert!(results[0].is_ok());
    assert!(
        results[1].is_err(),
        "`x` is not numeric like the first batch"
    );
}

#[test]
fn chunked_reading_of_a_synthetic_file_equals_the_whole_read() {
    use pdscore_ingest::synth::{SynthParams, generate};
    let mut bytes = Vec::new();
    generate(
        &SynthParams::new()
            .labelled_rows(2_500)
            .unlabelled_rows(200)
            .seed(4),
        &mut bytes,
    )
    .expect("generate");
    let options = ReadOptions::new().schema(Schema::klarna());
    let whole = read_csv(bytes.as_slice(), &options).expect("whole");
    let chunks: Vec<_> = CsvChunks::new(bytes.as_slice(), &options, 700)
        .expect("header")
        .collect::<Result<_, _>>()
        .expect("chunks");
    assert_eq!(
        chunks.iter().map(|c| c.table.n_rows()).collect::<Vec<_>>(),
        [700, 700, 700, 600]
    );
    assert_eq!(chunks[3].first_line, 2 + 2_100);
    for (index, column) in whole.columns().iter().enumerate() {
        let mut row = 0;
        for chunk in &chunks {
            let part = &chunk.table.columns()[index];
            assert_eq!(part.name, column.name);
            for r in 0..part.data.len() {
                let same = match (&column.data, &part.data) {
                    (ColumnData::Numeric(a), ColumnData::Numeric(b)) => {
                        a[row + r] == b[r] || (a[row + r].is_nan() && b[r].is_nan())
                    }
                    (ColumnData::Boolean(a), ColumnData::Boolean(b)) => a[row + r] == b[r],
                    (ColumnData::Categorical(a), ColumnData::Categorical(b)) => {
                        a.value(row + r) == b.value(r)
                    }
                    _ => false,
                };
                assert!(same, "column {} row {}", column.name, row + r);
            }
            row += part.data.len();
        }
        assert_eq!(row, whole.n_rows());
    }
}

#[test]
fn typed_fast_path_handles_crlf_blank_lines_and_no_final_newline() {
    let schema = Schema::new()
        .with_kind("a", ColumnKind::Numeric)
        .with_kind("b", ColumnKind::Categorical);
    let options = ReadOptions::new().schema(schema);
    let t = read_csv(&b"a;b\r\n1;x\r\n\r\n2;1.0\r\n\n3;y"[..], &options).expect("ok");
    assert_eq!(numeric(&t, "a"), [1.0, 2.0, 3.0]);
    assert_eq!(
        texts(&t, "b"),
        [
            Some("x".to_owned()),
            Some("1".to_owned()),
            Some("y".to_owned())
        ]
    );
    match read_csv(&b"a;b\r\n1;x\r\n\r\nz;y\r\n"[..], &options) {
        Err(pdscore_ingest::IngestError::BadValues { examples, .. }) => {
            assert_eq!(examples[0].line, 4);
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn chunks_of_regular_and_irregular_batches_match_the_whole_read() {
    // 50 rows; a blank line after row 20 sends that batch down the general path, the others
    // take the regular one; CRLF line ends in the middle; no line end at the very end.
    let mut csv = String::from("id;x;g\n");
    for r in 0..50_u32 {
        let level = ["a", "b", "1.0", "NA", "1"][r as usize % 5];
        let end = if (30..35).contains(&r) { "\r\n" } else { "\n" };
        write!(csv, "r{r};{};{level}{end}", f64::from(r) * 0.25 - 3.0).expect("write");
        if r == 20 {
            csv.push('\n');
        }
    }
    csv.pop();
    let schema = Schema::new()
        .with_id("id")
        .with_kind("x", ColumnKind::Numeric)
        .with_kind("g", ColumnKind::Categorical);
    let options = ReadOptions::new().schema(schema);
    let whole = read_csv(csv.as_bytes(), &options).expect("whole");
    let line_of = |row: usize| row as u64 + if row > 20 { 3 } else { 2 };
    let mut row = 0;
    for chunk in CsvChunks::new(csv.as_bytes(), &options, 7).expect("chunks") {
        let chunk = chunk.expect("chunk");
        assert_eq!(chunk.first_row, row as u64);
        assert_eq!(chunk.first_line, line_of(row));
        let n = chunk.table.n_rows();
        let rows: Vec<usize> = (row..row + n).collect();
        assert_eq!(
            chunk.table,
            whole.take_rows_compacted(&rows),
            "rows {row}.."
        );
        row += n;
    }
    assert_eq!(row, 50);
}
