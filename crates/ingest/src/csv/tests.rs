//! The regular fast path against the general path: on the same body, the same table or the
//! same errors.

use proptest::prelude::*;

use super::convert::MissingTokens;
use super::general::{build_table, read_plain_general, tokenize_parallel};
use super::header::parse_header;
use super::options::ReadOptions;
use super::plan::Plan;
use super::read::read_csv;
use super::regular::{read_plain_regular, read_plain_regular_inferred};
use crate::error::IngestError;
use crate::schema::Schema;
use crate::table::{ColumnData, ColumnKind, Table};

/// The header of the generated files and the schema that reads them: an id, a target, and
/// one feature of each kind (two numeric).
const HEADER: [&str; 6] = ["id", "label", "x", "y", "flag", "group"];

fn schema() -> Schema {
    Schema::new()
        .with_id("id")
        .with_target("label", None)
        .with_kind("x", ColumnKind::Numeric)
        .with_kind("y", ColumnKind::Numeric)
        .with_kind("flag", ColumnKind::Boolean)
        .with_kind("group", ColumnKind::Categorical)
}

/// Cells that exercise every branch of the conversions: short and long numbers, signs,
/// exponents, dots at the ends, infinities, missing tokens, junk, padding, canonical
/// levels, long levels and invalid UTF-8.
const CELLS: [&[u8]; 34] = [
    b"0",
    b"1",
    b"-0",
    b"42",
    b"-7",
    b"15.4799",
    b"16.939657",
    b"12345678",
    b"123456789",
    b"0.5",
    b"1.",
    b".5",
    b"-.5",
    b"5e+05",
    b"1e400",
    b"inf",
    b"-inf",
    b"NaN",
    b"NA",
    b"",
    b"null",
    b" NA ",
    b"None",
    b"abc",
    b"1 2",
    b" 3.25 ",
    b"True",
    b"false",
    b"1.0",
    b"-3.00",
    b"Diversified entertainment",
    b"no_match",
    b"\xff\xfe",
    b"a\xffb",
];

fn body_strategy() -> impl Strategy<Value = (Vec<u8>, bool, bool)> {
    let row = proptest::collection::vec(0..CELLS.len(), HEADER.len());
    (
        proptest::collection::vec(row, 1..40),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(rows, crlf, final_newline)| {
            let mut body = Vec::new();
            for (r, cells) in rows.iter().enumerate() {
                if r > 0 {
                    body.extend_from_slice(if crlf { b"\r\n" } else { b"\n" });
                }
                for (c, &cell) in cells.iter().enumerate() {
                    if c > 0 {
                        body.push(b';');
                    }
                    body.extend_from_slice(CELLS[cell]);
                }
            }
            if final_newline {
                body.extend_from_slice(if crlf { b"\r\n" } else { b"\n" });
            }
            (body, crlf, final_newline)
        })
}

/// A comparable rendering of a read (tables hold `NaN`, which is not equal to itself).
fn render(result: &Result<Table, IngestError>) -> String {
    match result {
        Ok(table) => format!("{table:?}"),
        Err(e) => format!("error: {e:?}"),
    }
}

fn plan() -> Plan {
    let header: Vec<String> = HEADER.iter().map(|h| (*h).to_owned()).collect();
    Plan::new(&header, &ReadOptions::new().schema(schema())).expect("plan")
}

proptest! {
    #[test]
    fn regular_path_matches_general_path(
        (body, _crlf, _final_newline) in body_strategy(),
        part_bytes in 1usize..200,
    ) {
        let plan = plan();
        let missing = MissingTokens::new(&ReadOptions::new().missing_tokens);
        let general = read_plain_general(&body, b';', &plan, 2, &missing);
        let regular = read_plain_regular(&body, b';', &plan, 2, &missing, part_bytes);
        prop_assert!(regular.is_some(), "a regular body was declined");
        prop_assert_eq!(render(&regular.expect("checked")), render(&general));
    }
}

/// Short cells probe the caches untrimmed first: the same values padded and unpadded, in
/// both orders, with line ends `\n` and `\r\n`, read as the general path reads them (the
/// same table, or the same error listing every bad flag).
#[test]
fn padded_and_unpadded_repeats_read_as_the_general_path_reads_them() {
    let plan = plan();
    let missing = MissingTokens::new(&ReadOptions::new().missing_tokens);
    let cells = [
        ("5", "g"),
        (" 5", " g"),
        ("5 ", "g "),
        ("\t5\t", "\tg"),
        (" NA", "NA "),
        ("NA", " NA "),
        ("-1.5 ", " h"),
        ("-1.5", "h"),
        ("1 2", "g h"),
    ];
    // Flags, repeated bad ones included (each must be reported, none cached).
    let flags = [
        "True", " True", "False ", "NA", " NA", "1", "0.0", "maybe", " maybe", "false",
    ];
    for line_end in ["\n", "\r\n"] {
        for order in [false, true] {
            let mut body = String::new();
            for r in 0..4 * cells.len() {
                let (x, group) = if order {
                    cells[cells.len() - 1 - r % cells.len()]
                } else {
                    cells[r % cells.len()]
                };
                body.extend([
                    "id",
                    &r.to_string(),
                    ";0;",
                    x,
                    ";",
                    x,
                    ";",
                    flags[r % flags.len()],
                    ";",
                    group,
                    line_end,
                ]);
            }
            let general = read_plain_general(body.as_bytes(), b';', &plan, 2, &missing);
            let regular = read_plain_regular(body.as_bytes(), b';', &plan, 2, &missing, 64)
                .expect("a regular body");
            assert_eq!(render(&regular), render(&general), "{body}");
            assert!(render(&general).contains("maybe"), "bad flags are reported");
        }
    }
}

/// Thousands of ids (more than the regular path joins with a hash map), all distinct or with
/// repeats and missing ids, read in small parts: the regular path gives the general path's
/// table.
#[test]
fn many_ids_read_as_the_general_path_reads_them() {
    let plan = plan();
    let missing = MissingTokens::new(&ReadOptions::new().missing_tokens);
    for repeats in [false, true] {
        let mut body = Vec::new();
        for row in 0..6000_u32 {
            let id = match row % 1000 {
                999 if repeats => String::from("NA"),
                998 if repeats => format!("{:08x}-repeat", row % 3),
                _ => format!(
                    "{:08x}-4f1c-9e2b-{row:012}",
                    row.wrapping_mul(2_654_435_761)
                ),
            };
            body.extend_from_slice(
                format!(
                    "{id};{};{}.5;{};True;g{}\n",
                    row % 2,
                    row % 13,
                    row,
                    row % 5
                )
                .as_bytes(),
            );
        }
        let general = read_plain_general(&body, b';', &plan, 2, &missing);
        let regular =
            read_plain_regular(&body, b';', &plan, 2, &missing, 4096).expect("a regular body");
        assert_eq!(render(&regular), render(&general), "repeats: {repeats}");
        let table = regular.expect("read");
        let ids = match &table.column("id").expect("id").data {
            ColumnData::Categorical(c) => c.dictionary.len(),
            other => panic!("id read as {other:?}"),
        };
        assert_eq!(ids, if repeats { 6000 - 12 + 3 } else { 6000 });
    }
}

/// Only cells each column reads without error, so that whole tables are compared.
fn clean_body_strategy() -> impl Strategy<Value = Vec<u8>> {
    let text: &[&str] = &[
        "a",
        "Books & Magazines",
        "123456789.00",
        "123456789",
        "Diversified electronics",
        "Diversified entertainment",
        "no_match",
        " F+L ",
        "1.0",
        "1",
        "NA",
        "",
    ];
    let label: &[&str] = &["0", "1", "NA", "", "1.0"];
    let number: &[&str] = &[
        "0",
        "-0",
        "42",
        "15.4799",
        "-16.939657",
        "12345678",
        "123456789.5",
        "1.",
        ".5",
        "5e+05",
        "NaN",
        "NA",
        "",
        " 7 ",
        "0.1",
    ];
    let flag: &[&str] = &["True", "false", "1", "0", "NA", ""];
    let choices = [text, label, number, number, flag, text];
    let row = choices
        .map(|c| proptest::sample::select(c.to_vec()))
        .to_vec();
    proptest::collection::vec(row, 1..60).prop_map(|rows| {
        rows.iter()
            .map(|cells| cells.join(";") + "\n")
            .collect::<String>()
            .into_bytes()
    })
}

proptest! {
    #[test]
    fn regular_path_matches_general_path_on_clean_tables(
        body in clean_body_strategy(),
        part_bytes in 1usize..300,
    ) {
        let plan = plan();
        let missing = MissingTokens::new(&ReadOptions::new().missing_tokens);
        let general = read_plain_general(&body, b';', &plan, 2, &missing);
        prop_assert!(general.is_ok());
        let regular = read_plain_regular(&body, b';', &plan, 2, &missing, part_bytes);
        prop_assert_eq!(render(&regular.expect("regular")), render(&general));
    }
}

/// A file of four columns, each of one flavour (numbers, boolean words, 0/1, text, all
/// missing), so inference meets every kind.
fn inferred_file_strategy() -> impl Strategy<Value = Vec<u8>> {
    const FLAVOURS: [&[&str]; 5] = [
        &[
            "0",
            "-1.5",
            "15.4799",
            "5e+05",
            "NA",
            "",
            "NaN",
            "123456789",
        ],
        &["True", "false", "1", "0", "NA", ""],
        &["0", "1", "NA", "", "1.0"],
        &["a", "1", "Books & Magazines", "NA", "2.0", ""],
        &["NA", "", "null"],
    ];
    proptest::collection::vec(0..FLAVOURS.len(), 4)
        .prop_flat_map(|flavours| {
            let row = flavours
                .iter()
                .map(|&f| proptest::sample::select(FLAVOURS[f].to_vec()))
                .collect::<Vec<_>>();
            proptest::collection::vec(row, 1..60)
        })
        .prop_map(|rows| {
            let mut file = String::from("a;b;c;d\n");
            for cells in rows {
                file += &cells.join(";");
                file.push('\n');
            }
            file.into_bytes()
        })
}

/// The general inferring read (tokenize, gather facts, convert), as `read_bytes` does for
/// a body the regular path declines.
fn read_inferred_general(file: &[u8]) -> Result<Table, IngestError> {
    let options = ReadOptions::new();
    let (header, consumed, lines) = parse_header(file, b';', true)?.expect("a header");
    let plan = Plan::new(&header, &options)?;
    let missing = MissingTokens::new(&options.missing_tokens);
    let (chunks, ragged) = tokenize_parallel(&file[consumed..], b';', plan.n_file_cols, 1 + lines)?;
    build_table(&plan, &chunks, ragged, &missing)
}

proptest! {
    #[test]
    fn regular_inference_matches_general_inference(
        file in inferred_file_strategy(),
        part_bytes in 1usize..200,
    ) {
        let general = render(&read_inferred_general(&file));
        prop_assert_eq!(&render(&read_csv(file.as_slice(), &ReadOptions::new())), &general);
        let options = ReadOptions::new();
        let (header, consumed, _) = parse_header(&file, b';', true)
            .expect("header")
            .expect("a header");
        let plan = Plan::new(&header, &options).expect("plan");
        let missing = MissingTokens::new(&options.missing_tokens);
        let regular = read_plain_regular_inferred(
            &file[consumed..], b';', &plan, 2, &missing, part_bytes,
        );
        prop_assert_eq!(render(&regular.expect("regular")), general);
    }
}

#[test]
fn irregular_bodies_take_the_general_path_with_its_errors() {
    let plan = plan();
    let missing = MissingTokens::new(&ReadOptions::new().missing_tokens);
    let quoted = b"a;1;2;3;True;g\nb;1;2;3;True;\"g;h\"\n";
    assert!(read_plain_regular(quoted, b';', &plan, 2, &missing, 16).is_none());
    for body in [
        &b"a;1;2;3;True;g\n\nb;1;2;3;True;g\n"[..],
        b"a;1;2;3;True;g\nb;1;2\nc;1;2;3;True;g;extra\n",
        b"a;1;2;3;True;g\n\r\n",
    ] {
        assert!(read_plain_regular(body, b';', &plan, 2, &missing, 16).is_none());
        let mut file = HEADER.join(";").into_bytes();
        file.push(b'\n');
        file.extend_from_slice(body);
        let whole = read_csv(file.as_slice(), &ReadOptions::new().schema(schema()));
        let general = read_plain_general(body, b';', &plan, 2, &missing);
        assert_eq!(render(&whole), render(&general));
    }
}
