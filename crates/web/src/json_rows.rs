//! JSON rows (`{"rows": [{...}, ...]}`) turned into CSV text for the ingest reader, so that
//! JSON and CSV input are parsed by the same code with the same rules.
//!
//! The body is read as a stream (serde visitors, no `serde_json::Value` tree of the whole
//! body): rows past the row limit are only counted, keys the model does not read are skipped
//! without being stored, and at most [`MAX_EXAMPLES`] bad values are kept. A small hostile body
//! (one row with thousands of keys, then a million empty objects) therefore costs memory in
//! proportion to what the model reads, not to the product of keys and rows.

use std::collections::{HashMap, HashSet};
use std::fmt;

use pdscore::ingest::{MAX_EXAMPLES, Schema, listed_name};
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

use crate::error::{CellError, WebError};

/// What a JSON body may hold: the columns kept (the model's id, target and features) and the
/// most rows accepted.
#[derive(Debug, Clone)]
pub struct RowsSpec {
    columns: HashSet<String>,
    max_rows: usize,
}

impl RowsSpec {
    /// Keeps the columns `schema` names (id, target, features); more than `max_rows` rows is
    /// [`WebError::TooManyRows`].
    pub fn for_schema(schema: &Schema, max_rows: usize) -> Self {
        let mut columns: HashSet<String> = schema.features.iter().map(|f| f.name.clone()).collect();
        columns.extend(schema.id.clone());
        columns.extend(schema.target.as_ref().map(|t| t.column.clone()));
        RowsSpec { columns, max_rows }
    }

    /// Keeps the columns named in `columns`, at most `max_rows` rows.
    pub fn new<I: IntoIterator<Item = S>, S: Into<String>>(columns: I, max_rows: usize) -> Self {
        RowsSpec {
            columns: columns.into_iter().map(Into::into).collect(),
            max_rows,
        }
    }
}

/// CSV text built from JSON rows, and where each row starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowsCsv {
    /// Comma-separated text with a header line.
    pub text: String,
    /// Physical line (header = 1) on which each row starts.
    pub row_lines: Vec<u64>,
    /// Keys skipped because the model does not read them: at most [`MAX_EXAMPLES`] distinct
    /// names, each cut to 64 characters.
    pub ignored_keys: Vec<String>,
    /// True when more distinct keys were skipped than `ignored_keys` lists.
    pub more_ignored_keys: bool,
    /// The body's `"explain"`: how many reasons to give per row (0 when absent).
    pub explain: usize,
}

impl RowsCsv {
    /// The 1-based row of the JSON body that covers CSV line `line`.
    pub fn row_of_line(&self, line: u64) -> Option<u64> {
        match self.row_lines.binary_search(&line) {
            Ok(i) => Some(i as u64 + 1),
            Err(0) => None,
            Err(i) => Some(i as u64),
        }
    }
}

/// Parses a JSON body and writes its rows as CSV. Columns are the kept keys (see [`RowsSpec`])
/// in order of first appearance (the reader matches columns by name, so order does not
/// matter); a key absent from a row is a missing cell, and a key that no row has is an absent
/// column. Keys are matched after trimming spaces, as CSV header names are. Cells: strings as
/// written, numbers in their JSON spelling, booleans as `True`/`False`, `null` as missing.
///
/// # Errors
/// [`WebError::InvalidJson`] when the body does not parse or is not `{"rows": [...]}`;
/// [`WebError::NoRows`] for an empty list; [`WebError::TooManyRows`] for more rows than the
/// spec allows (counted, not converted); [`WebError::BadJsonValues`] for rows that are not
/// objects and for object or array values of kept keys (at most [`MAX_EXAMPLES`] listed, the
/// rest counted).
///
/// ```
/// use pdscore_web::json_rows::{RowsSpec, rows_to_csv};
///
/// let spec = RowsSpec::new(["id", "x"], 1_000);
/// let csv = rows_to_csv(br#"{"rows": [{"id": "a", "x": 1.5, "note": "skipped"}]}"#, &spec)?;
/// assert_eq!(csv.text, "id,x\na,1.5\n");
/// assert_eq!(csv.ignored_keys, ["note"]);
/// # Ok::<(), pdscore_web::WebError>(())
/// ```
pub fn rows_to_csv(body: &[u8], spec: &RowsSpec) -> Result<RowsCsv, WebError> {
    let mut collector = Collector::new(spec);
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let parsed = BodySeed(&mut collector)
        .deserialize(&mut deserializer)
        .and_then(|()| deserializer.end());
    if let Err(e) = parsed {
        return Err(WebError::InvalidJson {
            line: e.line(),
            column: e.column(),
            reason: e.to_string(),
        });
    }
    collector.finish(body.len())
}

/// Everything read from the body so far.
struct Collector<'s> {
    spec: &'s RowsSpec,
    saw_rows: bool,
    rows_seen: usize,
    columns: Vec<String>,
    column_of: HashMap<String, usize>,
    /// Per kept row: (column slot, cell text); absent keys are absent here.
    rows: Vec<Vec<(usize, String)>>,
    bad: Vec<CellError>,
    bad_total: usize,
    ignored: Vec<String>,
    ignored_seen: HashSet<String>,
    more_ignored: bool,
    explain: usize,
}

impl<'s> Collector<'s> {
    fn new(spec: &'s RowsSpec) -> Self {
        Collector {
            spec,
            saw_rows: false,
            rows_seen: 0,
            columns: Vec::new(),
            column_of: HashMap::new(),
            rows: Vec::new(),
            bad: Vec::new(),
            bad_total: 0,
            ignored: Vec::new(),
            ignored_seen: HashSet::new(),
            more_ignored: false,
            explain: 0,
        }
    }

    fn over_limit(&self) -> bool {
        self.rows_seen > self.spec.max_rows
    }

    fn push_bad(&mut self, cell: CellError) {
        self.bad_total += 1;
        if self.bad.len() < MAX_EXAMPLES {
            self.bad.push(cell);
        }
    }

    fn ignore_key(&mut self, key: &str) {
        if self.ignored.len() >= MAX_EXAMPLES {
            if !self.ignored_seen.contains(key) {
                self.more_ignored = true;
            }
            return;
        }
        if self.ignored_seen.insert(key.to_owned()) {
            self.ignored.push(listed_name(key));
        }
    }

    fn slot(&mut self, key: &str) -> usize {
        if let Some(&slot) = self.column_of.get(key) {
            return slot;
        }
        let slot = self.columns.len();
        self.columns.push(key.to_owned());
        self.column_of.insert(key.to_owned(), slot);
        slot
    }

    fn finish(self, body_bytes: usize) -> Result<RowsCsv, WebError> {
        if !self.saw_rows {
            return Err(shape_error("expected an object with a `rows` array"));
        }
        if self.over_limit() {
            return Err(WebError::TooManyRows {
                rows: self.rows_seen,
                limit: self.spec.max_rows,
            });
        }
        if self.rows_seen == 0 {
            return Err(WebError::NoRows);
        }
        if self.bad_total > 0 {
            let not_listed = self.bad_total - self.bad.len();
            return Err(WebError::BadJsonValues {
                cells: self.bad,
                not_listed,
            });
        }
        // The CSV is about as long as the values of the body (keys are written once).
        let mut text = String::with_capacity(body_bytes.min(64 << 20));
        let mut line: u64 = 1;
        push_line(
            &mut text,
            &mut line,
            self.columns.iter().map(String::as_str),
        );
        let mut row_lines = Vec::with_capacity(self.rows.len());
        let mut cells: Vec<&str> = vec![""; self.columns.len()];
        for row in &self.rows {
            row_lines.push(line);
            cells.fill("");
            for (slot, cell) in row {
                cells[*slot] = cell;
            }
            push_line(&mut text, &mut line, cells.iter().copied());
        }
        Ok(RowsCsv {
            text,
            row_lines,
            ignored_keys: self.ignored,
            more_ignored_keys: self.more_ignored,
            explain: self.explain,
        })
    }
}

fn shape_error(reason: &str) -> WebError {
    WebError::InvalidJson {
        line: 1,
        column: 1,
        reason: reason.to_owned(),
    }
}

/// A JSON value as an error message quotes it: at most 64 characters.
fn quoted(value: &Value) -> String {
    listed_name(&value.to_string())
}

/// The whole body: an object whose `rows` key holds the rows and whose optional `explain` key
/// (a whole number) asks for that many reasons per row; other keys are skipped.
struct BodySeed<'c, 's>(&'c mut Collector<'s>);

impl<'de> DeserializeSeed<'de> for BodySeed<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for BodySeed<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object with a `rows` array")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            if key == "rows" && !self.0.saw_rows {
                self.0.saw_rows = true;
                map.next_value_seed(RowsSeed(self.0))?;
            } else if key == "explain" {
                // A wrong type is reported with its position ("expected usize at line 1 ...").
                self.0.explain = map.next_value::<usize>()?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(())
    }
}

/// The `rows` array.
struct RowsSeed<'c, 's>(&'c mut Collector<'s>);

impl<'de> DeserializeSeed<'de> for RowsSeed<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for RowsSeed<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("`rows` must be an array of objects")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        loop {
            if self.0.over_limit() {
                // Past the limit: only count the rest, storing nothing.
                while seq.next_element::<IgnoredAny>()?.is_some() {
                    self.0.rows_seen += 1;
                }
                return Ok(());
            }
            let row = self.0.rows_seen + 1;
            match seq.next_element_seed(RowSeed {
                collector: self.0,
                row,
            })? {
                Some(()) => self.0.rows_seen += 1,
                None => return Ok(()),
            }
        }
    }
}

/// One element of `rows`: an object of column: value, else a bad row.
struct RowSeed<'c, 's> {
    collector: &'c mut Collector<'s>,
    row: usize,
}

impl RowSeed<'_, '_> {
    fn not_an_object(self, value: String) {
        self.collector.push_bad(CellError {
            row: Some(self.row as u64),
            line: None,
            column: None,
            value: Some(listed_name(&value)),
            message: "a row must be an object of column: value".into(),
        });
    }
}

impl<'de> DeserializeSeed<'de> for RowSeed<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for RowSeed<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a row")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let collector = self.collector;
        let mut cells = Vec::new();
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            let name = key.trim();
            if !collector.spec.columns.contains(name) {
                map.next_value::<IgnoredAny>()?;
                collector.ignore_key(name);
                continue;
            }
            let value: Value = map.next_value()?;
            let cell = match value {
                Value::String(s) => s,
                Value::Number(n) => n.to_string(),
                Value::Bool(true) => "True".to_owned(),
                Value::Bool(false) => "False".to_owned(),
                Value::Null => String::new(),
                Value::Object(_) | Value::Array(_) => {
                    collector.push_bad(CellError {
                        row: Some(self.row as u64),
                        line: None,
                        column: Some(listed_name(name)),
                        value: Some(quoted(&value)),
                        message: "a value must be a string, number, boolean or null".into(),
                    });
                    continue;
                }
            };
            let slot = collector.slot(name);
            // A key given twice in one row: the last value wins, as in a JSON object.
            match cells.iter_mut().find(|(s, _)| *s == slot) {
                Some(existing) => existing.1 = cell,
                None => cells.push((slot, cell)),
            }
        }
        collector.rows.push(cells);
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        self.not_an_object("[...]".to_owned());
        Ok(())
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<(), E> {
        self.not_an_object(v.to_string());
        Ok(())
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<(), E> {
        self.not_an_object(v.to_string());
        Ok(())
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<(), E> {
        self.not_an_object(v.to_string());
        Ok(())
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<(), E> {
        self.not_an_object(v.to_string());
        Ok(())
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<(), E> {
        self.not_an_object(Value::String(v.to_owned()).to_string());
        Ok(())
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.not_an_object("null".to_owned());
        Ok(())
    }
}

fn push_line<'a>(text: &mut String, line: &mut u64, cells: impl Iterator<Item = &'a str>) {
    for (i, cell) in cells.enumerate() {
        if i > 0 {
            text.push(',');
        }
        if cell.contains([',', '"', '\n', '\r']) {
            text.push('"');
            text.push_str(&cell.replace('"', "\"\""));
            text.push('"');
            *line += cell.matches('\n').count() as u64;
        } else {
            text.push_str(cell);
        }
    }
    text.push('\n');
    *line += 1;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> RowsSpec {
        RowsSpec::new(["id", "x", "ok", "m", "a"], 1_000)
    }

    #[test]
    fn explain_asks_for_reasons_and_must_be_a_whole_number() {
        let spec = RowsSpec::new(["id"], 10);
        let csv = rows_to_csv(br#"{"explain": 3, "rows": [{"id": "a"}]}"#, &spec).expect("valid");
        assert_eq!((csv.explain, csv.text.as_str()), (3, "id\na\n"));
        let csv = rows_to_csv(br#"{"rows": [{"id": "a"}]}"#, &spec).expect("valid");
        assert_eq!(csv.explain, 0);
        for bad in [
            r#"{"rows": [{"id": "a"}], "explain": -1}"#,
            r#"{"rows": [], "explain": "3"}"#,
        ] {
            assert!(
                matches!(
                    rows_to_csv(bad.as_bytes(), &spec),
                    Err(WebError::InvalidJson { .. })
                ),
                "{bad}"
            );
        }
    }

    #[test]
    fn values_of_every_json_type_become_cells() {
        let body = br#"{"rows": [{"id": "a", "x": 1.5, "ok": true, "m": null},
                                  {"id": "b,c", "x": -2, "ok": false}]}"#;
        let csv = rows_to_csv(body, &spec()).expect("valid");
        // Columns in order of first appearance in the body.
        assert_eq!(csv.text, "id,x,ok,m\na,1.5,True,\n\"b,c\",-2,False,\n");
        assert_eq!(csv.row_lines, vec![2, 3]);
        assert_eq!(csv.row_of_line(3), Some(2));
        assert_eq!(csv.row_of_line(1), None);
    }

    #[test]
    fn multi_line_strings_keep_the_row_map_right() {
        let body = br#"{"rows": [{"a": "x\ny"}, {"a": "z"}]}"#;
        let csv = rows_to_csv(body, &spec()).expect("valid");
        assert_eq!(csv.row_lines, vec![2, 4]);
        assert_eq!(csv.row_of_line(3), Some(1));
        assert_eq!(csv.row_of_line(4), Some(2));
    }

    #[test]
    fn bad_shapes_and_values_are_errors_naming_the_row() {
        assert!(matches!(
            rows_to_csv(b"{", &spec()),
            Err(WebError::InvalidJson { .. })
        ));
        assert!(matches!(
            rows_to_csv(b"[1]", &spec()),
            Err(WebError::InvalidJson { .. })
        ));
        assert!(matches!(
            rows_to_csv(br#"{"rows": []}"#, &spec()),
            Err(WebError::NoRows)
        ));
        let Err(WebError::BadJsonValues { cells, not_listed }) =
            rows_to_csv(br#"{"rows": [{"a": 1}, {"a": [1]}, 3]}"#, &spec())
        else {
            panic!("expected bad values");
        };
        assert_eq!(cells.len(), 2);
        assert_eq!(not_listed, 0);
        assert_eq!(cells[0].row, Some(2));
        assert_eq!(cells[0].column.as_deref(), Some("a"));
        assert_eq!(cells[1].row, Some(3));
    }

    #[test]
    fn keys_the_model_does_not_read_are_skipped_and_named() {
        let body = br#"{"rows": [{"id": "a", "zz": {"deep": [1, 2]}, " x ": 2}], "meta": [1]}"#;
        let csv = rows_to_csv(body, &spec()).expect("valid");
        assert_eq!(
            csv.text, "id,x\na,2\n",
            "trimmed key kept, nested unknown value skipped"
        );
        assert_eq!(csv.ignored_keys, ["zz"]);
        assert!(!csv.more_ignored_keys);
        let many: Vec<String> = (0..100).map(|i| format!("\"k{i}\": 1")).collect();
        let body = format!(r#"{{"rows": [{{"id": "a", {}}}]}}"#, many.join(", "));
        let csv = rows_to_csv(body.as_bytes(), &spec()).expect("valid");
        assert_eq!(csv.ignored_keys.len(), MAX_EXAMPLES);
        assert!(csv.more_ignored_keys);
    }

    #[test]
    fn a_key_absent_from_every_row_is_an_absent_column() {
        let csv = rows_to_csv(br#"{"rows": [{"id": "a"}, {}]}"#, &spec()).expect("valid");
        assert_eq!(csv.text, "id\na\n\n");
    }

    #[test]
    fn rows_past_the_limit_are_counted_not_converted() {
        let spec = RowsSpec::new(["id"], 3);
        let ok = rows_to_csv(br#"{"rows": [{"id": 1}, {"id": 2}, {"id": 3}]}"#, &spec);
        assert!(ok.is_ok());
        let err = rows_to_csv(br#"{"rows": [{"id": 1}, {}, {}, {}, [1], 7]}"#, &spec);
        assert!(
            matches!(err, Err(WebError::TooManyRows { rows: 6, limit: 3 })),
            "{err:?}"
        );
    }

    #[test]
    fn bad_values_are_listed_up_to_the_usual_number_and_counted() {
        let rows: Vec<&str> = vec![r#"{"x": [1]}"#; 50];
        let body = format!(r#"{{"rows": [{}]}}"#, rows.join(","));
        let Err(WebError::BadJsonValues { cells, not_listed }) =
            rows_to_csv(body.as_bytes(), &spec())
        else {
            panic!("expected bad values");
        };
        assert_eq!(cells.len(), MAX_EXAMPLES);
        assert_eq!(not_listed, 50 - MAX_EXAMPLES);
    }

    /// The hostile body of the hardening review: one row with 1,000 keys, then a million empty
    /// objects. It used to build a 1,000-column CSV of a million rows (about 2 GB); now the
    /// unknown keys are skipped and the rows past the limit only counted.
    #[test]
    fn a_wide_row_then_a_million_empty_objects_is_refused_cheaply() {
        let keys: Vec<String> = (0..1_000).map(|i| format!("\"c{i}\": {i}")).collect();
        let mut body = format!(r#"{{"rows": [{{{}}}"#, keys.join(","));
        body.push_str(&",{}".repeat(1_000_000));
        body.push_str("]}");
        let started = std::time::Instant::now();
        let err = rows_to_csv(body.as_bytes(), &RowsSpec::new(["id"], 1_000_000));
        assert!(
            matches!(
                err,
                Err(WebError::TooManyRows {
                    rows: 1_000_001,
                    limit: 1_000_000
                })
            ),
            "{err:?}"
        );
        assert!(
            started.elapsed().as_secs_f64() < 2.0,
            "{:?}",
            started.elapsed()
        );
    }
}
