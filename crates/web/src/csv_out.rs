//! Writing results as CSV, with cells escaped against CSV (formula) injection.

use std::borrow::Cow;
use std::fmt::Write as _;

use crate::store::StoredResult;

/// Escapes one cell for a spreadsheet: a cell starting with `=`, `+`, `-`, `@`, a tab or a
/// carriage return gets a leading single quote (OWASP's advice against formula injection), then
/// a cell holding a comma, a quote or a line break is quoted (RFC 4180): `=1+2` becomes `'=1+2`,
/// `a,b` becomes `"a,b"`, and `@x,"y"` becomes `"'@x,""y"""`.
pub fn escape_cell(cell: &str) -> Cow<'_, str> {
    let risky = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let needs_quotes = cell.contains([',', '"', '\n', '\r']);
    if !risky && !needs_quotes {
        return Cow::Borrowed(cell);
    }
    let mut out = String::with_capacity(cell.len() + 4);
    if needs_quotes {
        out.push('"');
    }
    if risky {
        out.push('\'');
    }
    if needs_quotes {
        out.push_str(&cell.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(cell);
    }
    Cow::Owned(out)
}

/// The results as CSV text: a header `<id column>,pd,decision`, then one line per row in file
/// order (`decision` is 1 for a row flagged as a likely defaulter, else 0).
pub fn results_csv(result: &StoredResult) -> String {
    let mut out = String::with_capacity(result.len() * 64 + 64);
    let _ = writeln!(out, "{},pd,decision", escape_cell(&result.id_column));
    for ((id, pd), decision) in result.ids.iter().zip(&result.pd).zip(&result.decision) {
        let _ = writeln!(out, "{},{pd},{}", escape_cell(id), u8::from(*decision));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_risky_first_character_is_escaped() {
        for (cell, want) in [
            ("=SUM(A1)", "'=SUM(A1)"),
            ("+1", "'+1"),
            ("-1", "'-1"),
            ("@cmd", "'@cmd"),
            ("\tx", "'\tx"),
            ("\rx", "\"'\rx\""),
            ("x=1", "x=1"),
            ("", ""),
        ] {
            assert_eq!(escape_cell(cell), want, "cell {cell:?}");
        }
    }

    #[test]
    fn documented_examples() {
        assert_eq!(escape_cell("=1+2"), "'=1+2");
        assert_eq!(escape_cell("a,b"), "\"a,b\"");
        assert_eq!(escape_cell("@x,\"y\""), "\"'@x,\"\"y\"\"\"");
        assert_eq!(escape_cell("plain"), "plain");
    }

    #[test]
    fn quotes_are_doubled_inside_quoted_cells() {
        assert_eq!(escape_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(escape_cell("line\nbreak"), "\"line\nbreak\"");
    }
}
