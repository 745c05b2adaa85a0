//! The one writer of scored rows (`id`, `pd`, `decision`) as CSV, shared by `pdscore predict`,
//! the `predictions.csv` of [`Evaluated::write_all`](crate::Evaluated::write_all) and the web
//! download, so every frontend escapes hostile ids the same way.
//!
//! # The escaping rule
//!
//! Every text cell (the id column's name in the header and each id) goes through
//! [`push_cell`], in this order:
//!
//! 1. **Formula neutralising** (OWASP's advice against CSV/formula injection): when the cell's
//!    first character that is not a space is one of `=`, `+`, `-`, `@`, a tab, a carriage
//!    return, a line feed or NUL, a single quote `'` is put in front of the whole cell
//!    (before any leading spaces). So `=1+2` becomes `'=1+2`, `  =1+2` becomes `'  =1+2`,
//!    `\0=1` becomes `'\0=1` and `-5` becomes `'-5`. Spreadsheets show the quote as a text
//!    marker; other readers get the id with a leading `'`.
//! 2. **Quoting** (RFC 4180): a cell holding the delimiter, a double quote, a line feed or a
//!    carriage return is wrapped in double quotes, and each double quote inside is doubled. The
//!    quote of step 1 goes inside the double quotes: `@x,"y"` becomes `"'@x,""y"""` with `,`
//!    as the delimiter.
//!
//! Every other cell is written as is. `pd` is written with Rust's shortest round-trip `f64`
//! form (`0.0123`, never an exponent) and `decision` as `1` (flagged) or `0`; lines end with
//! `\n`.

mod arrow;
#[cfg(feature = "parquet")]
mod parquet;

pub use arrow::ScoredArrow;
#[cfg(feature = "parquet")]
pub use parquet::ScoredParquetWriter;

use std::borrow::Cow;
use std::io::{self, Write};

use crate::error::{PipelineError, Result};
use crate::explain::Reason;

/// Characters that make a cell risky when they come first (after any leading spaces).
const FORMULA_STARTS: [char; 8] = ['=', '+', '-', '@', '\t', '\r', '\n', '\0'];

/// Whether a cell needs the leading `'` of the escaping rule (step 1).
fn is_risky(cell: &str) -> bool {
    cell.trim_start_matches(' ').starts_with(FORMULA_STARTS)
}

/// Whether a cell needs double quotes with `delimiter` (step 2).
fn needs_quotes(cell: &str, delimiter: u8) -> bool {
    cell.bytes()
        .any(|b| b == delimiter || matches!(b, b'"' | b'\n' | b'\r'))
}

/// Appends one text cell escaped by the rule of the [module docs](self).
///
/// ```
/// use pdscore_pipeline::output::push_cell;
/// let mut line = Vec::new();
/// push_cell(&mut line, "  =HYPERLINK(\"x\")", b';');
/// assert_eq!(line, b"\"'  =HYPERLINK(\"\"x\"\")\"");
/// ```
pub fn push_cell(line: &mut Vec<u8>, cell: &str, delimiter: u8) {
    let risky = is_risky(cell);
    let quoted = needs_quotes(cell, delimiter);
    if quoted {
        line.push(b'"');
    }
    if risky {
        line.push(b'\'');
    }
    if quoted {
        for &b in cell.as_bytes() {
            if b == b'"' {
                line.push(b'"');
            }
            line.push(b);
        }
        line.push(b'"');
    } else {
        line.extend_from_slice(cell.as_bytes());
    }
}

/// One text cell escaped by the rule of the [module docs](self); borrowed when nothing changes.
///
/// ```
/// use pdscore_pipeline::output::escape_cell;
/// assert_eq!(escape_cell("=1+2", b','), "'=1+2");
/// assert_eq!(escape_cell("a,b", b','), "\"a,b\"");
/// assert_eq!(escape_cell("a,b", b';'), "a,b");
/// assert_eq!(escape_cell("@x,\"y\"", b','), "\"'@x,\"\"y\"\"\"");
/// assert_eq!(escape_cell("plain", b','), "plain");
/// ```
pub fn escape_cell(cell: &str, delimiter: u8) -> Cow<'_, str> {
    if !is_risky(cell) && !needs_quotes(cell, delimiter) {
        return Cow::Borrowed(cell);
    }
    let mut line = Vec::with_capacity(cell.len() + 4);
    push_cell(&mut line, cell, delimiter);
    Cow::Owned(into_text(line))
}

/// Text written by this module as a `String`. Escaping only adds ASCII bytes around and between
/// whole UTF-8 cells, so the bytes are always UTF-8 and the lossy branch is never taken (it is
/// there so that no output path can panic).
fn into_text(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// The layout of a scored CSV: the id column's name, the delimiter, and whether the `decision`
/// column is written (the `predictions.csv` of `cargo xtask evaluate` is `<id>;pd` only, as
/// the original task asked).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScoredCsv {
    id_column: String,
    delimiter: u8,
    decision: bool,
    reasons: usize,
}

impl ScoredCsv {
    /// The layout `<id_column><d>pd<d>decision` with delimiter `d`.
    ///
    /// # Errors
    /// [`PipelineError::InvalidParam`] for a delimiter that would make the output ambiguous:
    /// a non-ASCII byte, a letter or digit, `.`, a quote (`"` or `'`), a formula character
    /// (`=`, `+`, `-`, `@`), a line break or NUL. Tab, space, `,`, `;`, `|` and other ASCII
    /// punctuation are accepted.
    pub fn new(id_column: impl Into<String>, delimiter: u8) -> Result<Self> {
        let ok = delimiter == b'\t'
            || delimiter == b' '
            || (delimiter.is_ascii_punctuation()
                && !matches!(delimiter, b'.' | b'"' | b'\'' | b'=' | b'+' | b'-' | b'@'));
        if !ok {
            return Err(PipelineError::InvalidParam {
                name: "delimiter",
                value: format!("{:?}", char::from(delimiter)),
                reason: "a scored CSV is delimited by a tab, a space or ASCII punctuation other \
                         than . \" ' = + - @"
                    .to_owned(),
            });
        }
        Ok(ScoredCsv {
            id_column: id_column.into(),
            delimiter,
            decision: true,
            reasons: 0,
        })
    }

    /// The same layout with `n` reason columns after the others, `reason_1..reason_n`: the
    /// principal reasons of each row, largest first, each as `column (+0.412)` (the column and
    /// its signed contribution to the model's score; see [`crate::explain`]). A row with fewer
    /// reasons leaves the last cells empty.
    ///
    /// ```
    /// use pdscore_pipeline::{Reason, ScoredCsv};
    /// let layout = ScoredCsv::new("uuid", b',')?.with_reasons(2);
    /// let mut text = Vec::new();
    /// layout.push_header(&mut text);
    /// let reason = Reason { column: "debt_ratio".into(), contribution: 0.4123 };
    /// layout.push_row_explained(&mut text, "a1", 0.03, false, &[reason]);
    /// assert_eq!(text, b"uuid,pd,decision,reason_1,reason_2\na1,0.03,0,debt_ratio (+0.412),\n");
    /// # Ok::<(), pdscore_pipeline::PipelineError>(())
    /// ```
    pub fn with_reasons(mut self, n: usize) -> Self {
        self.reasons = n;
        self
    }

    /// The number of reason columns ([`with_reasons`](Self::with_reasons)).
    pub fn reasons(&self) -> usize {
        self.reasons
    }

    /// The same layout without the `decision` column: `<id_column><d>pd`.
    pub fn without_decision(mut self) -> Self {
        self.decision = false;
        self
    }

    /// The delimiter.
    pub fn delimiter(&self) -> u8 {
        self.delimiter
    }

    /// Appends the header line (with its `\n`).
    pub fn push_header(&self, line: &mut Vec<u8>) {
        let d = self.delimiter;
        push_cell(line, &self.id_column, d);
        line.push(d);
        line.extend_from_slice(b"pd");
        if self.decision {
            line.push(d);
            line.extend_from_slice(b"decision");
        }
        for k in 1..=self.reasons {
            line.push(d);
            // `write!` into a Vec cannot fail.
            let _ = write!(line, "reason_{k}");
        }
        line.push(b'\n');
    }

    /// Appends one row's line (with its `\n`); `decision` is ignored by a layout
    /// [`without_decision`](Self::without_decision).
    pub fn push_row(&self, line: &mut Vec<u8>, id: &str, pd: f64, decision: bool) {
        self.push_row_explained(line, id, pd, decision, &[]);
    }

    /// Appends one row's line with its reasons (with its `\n`): the first
    /// [`reasons`](Self::reasons) of `reasons` fill the reason cells, escaped like ids; extra
    /// ones are ignored, missing ones leave empty cells.
    pub fn push_row_explained(
        &self,
        line: &mut Vec<u8>,
        id: &str,
        pd: f64,
        decision: bool,
        reasons: &[Reason],
    ) {
        let d = self.delimiter;
        push_cell(line, id, d);
        line.push(d);
        // `write!` into a Vec cannot fail.
        let _ = write!(line, "{pd}");
        if self.decision {
            line.push(d);
            line.push(if decision { b'1' } else { b'0' });
        }
        for k in 0..self.reasons {
            line.push(d);
            if let Some(reason) = reasons.get(k) {
                push_cell(line, &reason.to_string(), d);
            }
        }
        line.push(b'\n');
    }

    /// The whole CSV (header and one line per row) in memory.
    ///
    /// # Panics
    /// When `ids`, `pd` and `decision` differ in length.
    pub fn to_vec<S: AsRef<str>>(&self, ids: &[S], pd: &[f64], decision: &[bool]) -> Vec<u8> {
        assert_rows(ids.len(), pd.len(), decision.len());
        let mut out = Vec::with_capacity(32 * (ids.len() + 1));
        self.push_header(&mut out);
        for ((id, &p), &dec) in ids.iter().zip(pd).zip(decision) {
            self.push_row(&mut out, id.as_ref(), p, dec);
        }
        out
    }

    /// The whole CSV as text: [`to_vec`](Self::to_vec) as a `String` (the bytes are UTF-8).
    ///
    /// # Panics
    /// When `ids`, `pd` and `decision` differ in length.
    pub fn to_text<S: AsRef<str>>(&self, ids: &[S], pd: &[f64], decision: &[bool]) -> String {
        into_text(self.to_vec(ids, pd, decision))
    }

    /// A [`ScoredWriter`] streaming to `out`, which gets the header at once.
    ///
    /// # Errors
    /// Write errors of `out`.
    pub fn writer<W: Write>(&self, out: W) -> io::Result<ScoredWriter<W>> {
        ScoredWriter::new(out, self.clone())
    }
}

fn assert_rows(ids: usize, pd: usize, decision: usize) {
    assert!(
        ids == pd && pd == decision,
        "scored CSV: {ids} ids, {pd} PDs and {decision} decisions"
    );
}

/// Streams scored rows to any [`io::Write`], one `write_all` per line: give it a
/// [`io::BufWriter`] for a file or a socket. Call [`finish`](Self::finish) at the end.
#[derive(Debug)]
pub struct ScoredWriter<W: Write> {
    layout: ScoredCsv,
    out: W,
    line: Vec<u8>,
}

impl<W: Write> ScoredWriter<W> {
    /// Writes the header of `layout` to `out`.
    ///
    /// # Errors
    /// Write errors of `out`.
    pub fn new(mut out: W, layout: ScoredCsv) -> io::Result<Self> {
        let mut line = Vec::with_capacity(128);
        layout.push_header(&mut line);
        out.write_all(&line)?;
        Ok(ScoredWriter { layout, out, line })
    }

    /// Writes one row.
    ///
    /// # Errors
    /// Write errors of the sink.
    pub fn row(&mut self, id: &str, pd: f64, decision: bool) -> io::Result<()> {
        self.row_explained(id, pd, decision, &[])
    }

    /// Writes one row with its reasons ([`ScoredCsv::push_row_explained`]).
    ///
    /// # Errors
    /// Write errors of the sink.
    pub fn row_explained(
        &mut self,
        id: &str,
        pd: f64,
        decision: bool,
        reasons: &[Reason],
    ) -> io::Result<()> {
        self.line.clear();
        self.layout
            .push_row_explained(&mut self.line, id, pd, decision, reasons);
        self.out.write_all(&self.line)
    }

    /// Flushes the sink and gives it back.
    ///
    /// # Errors
    /// Flush errors of the sink.
    pub fn finish(mut self) -> io::Result<W> {
        self.out.flush()?;
        Ok(self.out)
    }
}

/// Writes a whole scored CSV (header, then one line per row) to `out` and gives it back
/// flushed.
///
/// # Errors
/// Write errors of `out`.
///
/// # Panics
/// When `ids`, `pd` and `decision` differ in length.
pub fn write_scored_csv<W: Write, S: AsRef<str>>(
    out: W,
    layout: &ScoredCsv,
    ids: &[S],
    pd: &[f64],
    decision: &[bool],
) -> io::Result<W> {
    assert_rows(ids.len(), pd.len(), decision.len());
    let mut writer = layout.writer(out)?;
    for ((id, &p), &dec) in ids.iter().zip(pd).zip(decision) {
        writer.row(id.as_ref(), p, dec)?;
    }
    writer.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(text: &str, delimiter: u8) -> String {
        escape_cell(text, delimiter).into_owned()
    }

    #[test]
    fn plain_cells_are_untouched() {
        for text in [
            "plain",
            "7c9eb134-c395",
            "x=1",
            "a+b",
            "",
            "   ",
            "caf\u{e9}",
            "it's",
        ] {
            assert_eq!(cell(text, b','), text, "{text:?}");
            assert!(matches!(escape_cell(text, b','), Cow::Borrowed(_)));
        }
    }

    #[test]
    fn quotes_are_doubled_inside_quoted_cells() {
        assert_eq!(cell("say \"hi\"", b';'), "\"say \"\"hi\"\"\"");
        assert_eq!(cell("\"", b';'), "\"\"\"\"");
    }

    #[test]
    fn the_delimiter_inside_an_id_is_quoted_and_others_are_not() {
        assert_eq!(cell("a;b", b';'), "\"a;b\"");
        assert_eq!(cell("a,b", b';'), "a,b");
        assert_eq!(cell("a,b", b','), "\"a,b\"");
        assert_eq!(cell("a|b", b'|'), "\"a|b\"");
        assert_eq!(cell("a\tb", b'\t'), "\"a\tb\"");
    }

    #[test]
    fn line_breaks_are_quoted() {
        assert_eq!(cell("line\nbreak", b','), "\"line\nbreak\"");
        assert_eq!(cell("line\r\nbreak", b','), "\"line\r\nbreak\"");
        assert_eq!(cell("end\r", b';'), "\"end\r\"");
    }

    #[test]
    fn every_formula_start_is_neutralised() {
        for (text, want) in [
            ("=SUM(A1)", "'=SUM(A1)"),
            ("+1", "'+1"),
            ("-1", "'-1"),
            ("@cmd", "'@cmd"),
            ("\tx", "'\tx"),
            ("\rx", "\"'\rx\""),
            ("\nx", "\"'\nx\""),
            ("=1;2", "\"'=1;2\""),
        ] {
            assert_eq!(cell(text, b';'), want, "{text:?}");
        }
    }

    #[test]
    fn formulas_after_leading_spaces_are_neutralised() {
        assert_eq!(cell(" =1+2", b';'), "' =1+2");
        assert_eq!(cell("   @SUM(A1)", b';'), "'   @SUM(A1)");
        assert_eq!(cell("  -3", b';'), "'  -3");
        assert_eq!(cell("  \t", b';'), "'  \t");
        assert_eq!(
            cell("  =HYPERLINK(\"http://x\")", b','),
            "\"'  =HYPERLINK(\"\"http://x\"\")\""
        );
        // spaces before ordinary text stay as they are
        assert_eq!(cell("  abc", b';'), "  abc");
    }

    #[test]
    fn a_leading_nul_is_neutralised() {
        assert_eq!(cell("\0", b';'), "'\0");
        assert_eq!(cell("\0=1+2", b';'), "'\0=1+2");
        assert_eq!(cell(" \0x", b';'), "' \0x");
        // NUL later in the cell is left alone
        assert_eq!(cell("a\0", b';'), "a\0");
    }

    #[test]
    fn a_whole_file_has_header_rows_and_optional_decision() {
        let layout = ScoredCsv::new("=uuid", b';').expect("layout");
        let ids = ["a", "=1+2", "x;y"];
        let pd = [0.25, 1.0, 0.0];
        let decision = [false, true, false];
        let text = layout.to_vec(&ids, &pd, &decision);
        assert_eq!(
            String::from_utf8(text.clone()).expect("UTF-8"),
            "'=uuid;pd;decision\na;0.25;0\n'=1+2;1;1\n\"x;y\";0;0\n"
        );
        let streamed = write_scored_csv(Vec::new(), &layout, &ids, &pd, &decision).expect("write");
        assert_eq!(streamed, text);
        assert_eq!(layout.to_text(&ids, &pd, &decision).as_bytes(), text);
        let short = layout.without_decision().to_vec(&ids, &pd, &decision);
        assert_eq!(short, b"'=uuid;pd\na;0.25\n'=1+2;1\n\"x;y\";0\n");
    }

    #[test]
    fn reason_cells_follow_the_row_and_are_escaped() {
        let layout = ScoredCsv::new("id", b',').expect("layout").with_reasons(2);
        let mut text = Vec::new();
        layout.push_header(&mut text);
        let reasons = [
            Reason {
                column: "=cmd".into(),
                contribution: -0.5,
            },
            Reason {
                column: "a,b".into(),
                contribution: 0.25,
            },
            Reason {
                column: "ignored".into(),
                contribution: 0.1,
            },
        ];
        layout.push_row_explained(&mut text, "r1", 0.5, true, &reasons);
        layout.push_row_explained(&mut text, "r2", 0.1, false, &reasons[..1]);
        layout.push_row(&mut text, "r3", 0.0, false);
        assert_eq!(
            String::from_utf8(text).expect("UTF-8"),
            "id,pd,decision,reason_1,reason_2\n\
             r1,0.5,1,'=cmd (-0.500),\"a,b (+0.250)\"\n\
             r2,0.1,0,'=cmd (-0.500),\n\
             r3,0,0,,\n"
        );
    }

    #[test]
    fn ambiguous_delimiters_are_refused() {
        for d in [
            b'"', b'\'', b'.', b'=', b'+', b'-', b'@', b'\n', b'\r', 0, b'a', b'7', 0xC3,
        ] {
            assert!(ScoredCsv::new("id", d).is_err(), "{:?}", char::from(d));
        }
        for d in [b',', b';', b'\t', b'|', b' ', b':'] {
            assert!(ScoredCsv::new("id", d).is_ok(), "{:?}", char::from(d));
        }
    }
}
