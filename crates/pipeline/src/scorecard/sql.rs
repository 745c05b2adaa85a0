//! The scorecard as one SQL `SELECT`: a `CASE` expression per column, summed into `score`.

use std::fmt::Write as _;

use pdscore_features::BinRule;
use pdscore_ingest::ColumnKind;

use crate::scorecard::{Scorecard, ScorecardColumn};

/// A double-quoted SQL identifier (standard SQL; `"` inside doubled).
///
/// ```
/// use pdscore_pipeline::scorecard_sql::quote_identifier;
/// assert_eq!(quote_identifier("age"), "\"age\"");
/// assert_eq!(quote_identifier("a\"b"), "\"a\"\"b\"");
/// ```
pub fn quote_identifier(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// A single-quoted SQL string literal (standard SQL; `'` inside doubled). MySQL reads a
/// backslash as an escape unless `NO_BACKSLASH_ESCAPES` is set.
///
/// ```
/// use pdscore_pipeline::scorecard_sql::string_literal;
/// assert_eq!(string_literal("O'Brien"), "'O''Brien'");
/// ```
pub fn string_literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// A table name as given when it is a plain (optionally dotted, schema-qualified) identifier,
/// else quoted as one identifier.
///
/// ```
/// use pdscore_pipeline::scorecard_sql::table_name;
/// assert_eq!(table_name("risk.applications"), "risk.applications");
/// assert_eq!(table_name("my table"), "\"my table\"");
/// ```
pub fn table_name(name: &str) -> String {
    let plain = |part: &str| {
        let mut chars = part.chars();
        chars
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
    };
    if name.split('.').all(plain) {
        name.to_owned()
    } else {
        quote_identifier(name)
    }
}

/// A number as an SQL literal: Rust's shortest round-trip decimal form, never an exponent.
fn literal(x: f64) -> String {
    format!("{x}")
}

/// A level of a column as an SQL literal: `TRUE`/`FALSE` for booleans, a string otherwise.
fn level_literal(kind: ColumnKind, level: &str) -> String {
    match (kind, level) {
        (ColumnKind::Boolean, "true") => "TRUE".into(),
        (ColumnKind::Boolean, "false") => "FALSE".into(),
        _ => string_literal(level),
    }
}

fn case_of(column: &ScorecardColumn) -> String {
    let fit = &column.binning;
    let col = quote_identifier(&column.name);
    let points = |bin: usize| literal(column.points[bin]);
    let mut s = format!("CASE WHEN {col} IS NULL THEN {}", points(fit.missing_bin));
    if column.kind == ColumnKind::Numeric {
        for (i, bin) in fit.bins.iter().enumerate() {
            if let BinRule::Special { value } = bin.rule {
                let _ = write!(s, " WHEN {col} = {} THEN {}", literal(value), points(i));
            }
        }
        let ranges = fit.n_ranges();
        for (i, edge) in fit.edges.iter().enumerate().take(ranges.saturating_sub(1)) {
            let _ = write!(s, " WHEN {col} <= {} THEN {}", literal(*edge), points(i));
        }
        let last = if ranges == 0 {
            fit.missing_bin
        } else {
            ranges - 1
        };
        let _ = write!(s, " ELSE {} END", points(last));
    } else {
        let unseen = fit.unseen_bin.unwrap_or(fit.missing_bin);
        for (i, bin) in fit.bins.iter().enumerate() {
            if let BinRule::Levels { levels, .. } = &bin.rule
                && i != unseen
                && !levels.is_empty()
            {
                let list: Vec<String> = levels
                    .iter()
                    .map(|l| level_literal(column.kind, l))
                    .collect();
                let _ = write!(s, " WHEN {col} IN ({}) THEN {}", list.join(", "), points(i));
            }
        }
        let _ = write!(s, " ELSE {} END", points(unseen));
    }
    s
}

impl Scorecard {
    /// The SQL `CASE` expression of the points of column `index` (of [`Scorecard::columns`]):
    /// `NULL` gives the missing-value points; a numeric column tests its special values with
    /// `=`, then its edges in increasing order as a chain of `col <= edge`, the last bin in
    /// `ELSE`; a categorical column tests each bin's levels with `IN (...)` (quoted, escaped
    /// string literals; `TRUE`/`FALSE` for booleans) and gives the bin of unseen levels (see
    /// `pdscore_features::WoeFit`) in `ELSE`. `None` for an index out of range.
    pub fn sql_case(&self, index: usize) -> Option<String> {
        self.columns.get(index).map(case_of)
    }

    /// One `SELECT` over `table` (plain or schema-qualified name, else quoted) returning the
    /// id column (when the pipeline has one) and `score`, the sum of the columns' `CASE`
    /// expressions, in the column order of the card (left to right, as
    /// [`Scorecard::score`] adds them). The table needs the original column names; missing
    /// values must be `NULL`.
    pub fn to_sql(&self, table: &str) -> String {
        let p = &self.params;
        let mut s = String::new();
        let _ = writeln!(
            s,
            "-- pdscore scorecard `{}`: {} points at good:bad odds {}:1, {} points to double the odds.",
            self.candidate.replace(['\n', '\r'], " "),
            literal(p.base_score),
            literal(p.base_odds),
            literal(p.pdo)
        );
        let _ = writeln!(
            s,
            "-- PD (logistic) = 1 / (1 + exp((score - {}) / {}))",
            literal(p.offset()),
            literal(p.factor())
        );
        s.push_str("SELECT\n");
        if let Some(id) = &self.id {
            let _ = writeln!(s, "  {},", quote_identifier(id));
        }
        for (i, column) in self.columns.iter().enumerate() {
            let sep = if i == 0 { "  " } else { "  + " };
            let _ = writeln!(s, "{sep}({})", case_of(column));
        }
        let _ = write!(s, "  AS score\nFROM {};\n", table_name(table));
        s
    }
}
