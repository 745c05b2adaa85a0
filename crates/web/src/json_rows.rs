//! JSON rows (`{"rows": [{...}, ...]}`) turned into CSV text for the ingest reader, so that
//! JSON and CSV input are parsed by the same code with the same rules.

use serde_json::Value;

use crate::error::{CellError, WebError};

/// CSV text built from JSON rows, and where each row starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowsCsv {
    /// Comma-separated text with a header line.
    pub text: String,
    /// Physical line (header = 1) on which each row starts.
    pub row_lines: Vec<u64>,
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

/// Parses a JSON body and writes its rows as CSV. Columns are the keys in order of first
/// appearance (keys of one row come sorted; the reader matches columns by name, so order does
/// not matter); a key absent from a row is a missing cell. Cells: strings as written, numbers
/// in their JSON spelling, booleans as `True`/`False`, `null` as missing.
///
/// # Errors
/// [`WebError::InvalidJson`] when the body does not parse or is not `{"rows": [...]}`;
/// [`WebError::NoRows`] for an empty list; [`WebError::BadJsonValues`] for rows that are not
/// objects and for object or array values.
pub fn rows_to_csv(body: &[u8]) -> Result<RowsCsv, WebError> {
    let value: Value = serde_json::from_slice(body).map_err(|e| WebError::InvalidJson {
        line: e.line(),
        column: e.column(),
        reason: e.to_string(),
    })?;
    let shape_error = |reason: &str| WebError::InvalidJson {
        line: 1,
        column: 1,
        reason: reason.to_owned(),
    };
    let rows = value
        .get("rows")
        .ok_or_else(|| shape_error("expected an object with a `rows` array"))?
        .as_array()
        .ok_or_else(|| shape_error("`rows` must be an array of objects"))?;
    if rows.is_empty() {
        return Err(WebError::NoRows);
    }
    let mut columns: Vec<&str> = Vec::new();
    let mut bad = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        let Some(object) = row.as_object() else {
            bad.push(CellError {
                row: Some(i as u64 + 1),
                line: None,
                column: None,
                value: Some(row.to_string()),
                message: "a row must be an object of column: value".into(),
            });
            continue;
        };
        for (key, value) in object {
            if value.is_object() || value.is_array() {
                bad.push(CellError {
                    row: Some(i as u64 + 1),
                    line: None,
                    column: Some(key.clone()),
                    value: Some(value.to_string()),
                    message: "a value must be a string, number, boolean or null".into(),
                });
            }
            if !columns.contains(&key.as_str()) {
                columns.push(key);
            }
        }
    }
    if !bad.is_empty() {
        return Err(WebError::BadJsonValues { cells: bad });
    }
    let mut text = String::with_capacity(rows.len() * columns.len() * 8);
    let mut line: u64 = 1;
    push_line(
        &mut text,
        &mut line,
        columns.iter().map(|c| (*c).to_owned()),
    );
    let mut row_lines = Vec::with_capacity(rows.len());
    for row in rows {
        row_lines.push(line);
        let object = row.as_object();
        let cells = columns
            .iter()
            .map(|c| match object.and_then(|o| o.get(*c)) {
                Some(Value::String(s)) => s.clone(),
                Some(Value::Number(n)) => n.to_string(),
                Some(Value::Bool(true)) => "True".to_owned(),
                Some(Value::Bool(false)) => "False".to_owned(),
                _ => String::new(),
            });
        push_line(&mut text, &mut line, cells);
    }
    Ok(RowsCsv { text, row_lines })
}

fn push_line(text: &mut String, line: &mut u64, cells: impl Iterator<Item = String>) {
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
            text.push_str(&cell);
        }
    }
    text.push('\n');
    *line += 1;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_of_every_json_type_become_cells() {
        let body = br#"{"rows": [{"id": "a", "x": 1.5, "ok": true, "m": null},
                                  {"id": "b,c", "x": -2, "ok": false}]}"#;
        let csv = rows_to_csv(body).expect("valid");
        assert_eq!(csv.text, "id,m,ok,x\na,,True,1.5\n\"b,c\",,False,-2\n");
        assert_eq!(csv.row_lines, vec![2, 3]);
        assert_eq!(csv.row_of_line(3), Some(2));
        assert_eq!(csv.row_of_line(1), None);
    }

    #[test]
    fn multi_line_strings_keep_the_row_map_right() {
        let body = br#"{"rows": [{"a": "x\ny"}, {"a": "z"}]}"#;
        let csv = rows_to_csv(body).expect("valid");
        assert_eq!(csv.row_lines, vec![2, 4]);
        assert_eq!(csv.row_of_line(3), Some(1));
        assert_eq!(csv.row_of_line(4), Some(2));
    }

    #[test]
    fn bad_shapes_and_values_are_errors_naming_the_row() {
        assert!(matches!(
            rows_to_csv(b"{"),
            Err(WebError::InvalidJson { .. })
        ));
        assert!(matches!(
            rows_to_csv(b"[1]"),
            Err(WebError::InvalidJson { .. })
        ));
        assert!(matches!(
            rows_to_csv(br#"{"rows": []}"#),
            Err(WebError::NoRows)
        ));
        let Err(WebError::BadJsonValues { cells }) =
            rows_to_csv(br#"{"rows": [{"a": 1}, {"a": [1]}, 3]}"#)
        else {
            panic!("expected bad values");
        };
        assert_eq!(cells.len(), 2);
        assert_eq!(cells[0].row, Some(2));
        assert_eq!(cells[0].column.as_deref(), Some("a"));
        assert_eq!(cells[1].row, Some(3));
    }
}
