//! The typed in-memory table.

use serde::{Deserialize, Serialize};

use crate::levels::Levels;

/// Code used in [`CategoricalColumn::codes`] for a missing cell.
pub const MISSING_CODE: u32 = u32::MAX;

/// A dictionary-encoded text column: each cell is an index into `dictionary`, or
/// [`MISSING_CODE`].
///
/// The dictionary lists the distinct values in order of first appearance **in this file**, so
/// codes are not comparable between two tables; compare the strings (see
/// [`CategoricalColumn::value`]). Consumers that need stable codes (the feature encoders) map
/// the dictionary once per table, which costs one lookup per distinct value, not per row.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CategoricalColumn {
    /// Distinct values, in order of first appearance (one string pool, see [`Levels`]).
    pub dictionary: Levels,
    /// One code per row: an index into `dictionary`, or [`MISSING_CODE`].
    pub codes: Vec<u32>,
}

impl CategoricalColumn {
    /// The value of row `row`, or `None` when the cell is missing.
    ///
    /// # Panics
    /// Panics when `row` is out of bounds.
    pub fn value(&self, row: usize) -> Option<&str> {
        let code = self.codes[row];
        (code != MISSING_CODE).then(|| &self.dictionary[code as usize])
    }

    /// Builds a column from optional strings (convenient in tests and for JSON input).
    ///
    /// ```
    /// use pdscore_ingest::CategoricalColumn;
    /// let column = CategoricalColumn::from_values(&[Some("b"), None, Some("a"), Some("b")]);
    /// assert_eq!(column.dictionary, ["b", "a"]);
    /// assert_eq!(column.value(3), Some("b"));
    /// assert_eq!(column.value(1), None);
    /// ```
    pub fn from_values<S: AsRef<str>>(values: &[Option<S>]) -> Self {
        let mut index = std::collections::HashMap::<&str, u32>::new();
        let mut column = CategoricalColumn {
            dictionary: Levels::new(),
            codes: Vec::with_capacity(values.len()),
        };
        for value in values {
            let code = match value {
                None => MISSING_CODE,
                Some(v) => {
                    let v = v.as_ref();
                    *index.entry(v).or_insert_with(|| {
                        column.dictionary.push(v);
                        (column.dictionary.len() - 1) as u32
                    })
                }
            };
            column.codes.push(code);
        }
        column
    }

    /// Number of missing cells.
    pub fn missing_count(&self) -> usize {
        self.codes.iter().filter(|&&c| c == MISSING_CODE).count()
    }
}

/// What kind of values a feature column holds, which decides how it is parsed and encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ColumnKind {
    /// Real numbers (integers included); parsed as `f64`.
    Numeric,
    /// A finite set of labels: text, or integer status codes declared categorical.
    Categorical,
    /// True/false (`True/False/true/false/0/1`).
    Boolean,
}

/// The cells of one column, typed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum ColumnData {
    /// Numbers; `NaN` marks a missing cell (a literal `NaN` in the file is also missing).
    Numeric(Vec<f64>),
    /// Text or code values, dictionary-encoded.
    Categorical(CategoricalColumn),
    /// True/false values; `None` marks a missing cell.
    Boolean(Vec<Option<bool>>),
}

impl ColumnData {
    /// Number of rows.
    pub fn len(&self) -> usize {
        match self {
            ColumnData::Numeric(v) => v.len(),
            ColumnData::Categorical(c) => c.codes.len(),
            ColumnData::Boolean(v) => v.len(),
        }
    }

    /// True when the column has no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The kind of values the column holds.
    ///
    /// ```
    /// use pdscore_ingest::{ColumnData, ColumnKind};
    /// assert_eq!(ColumnData::Boolean(vec![Some(true)]).kind(), ColumnKind::Boolean);
    /// ```
    pub fn kind(&self) -> ColumnKind {
        match self {
            ColumnData::Numeric(_) => ColumnKind::Numeric,
            ColumnData::Categorical(_) => ColumnKind::Categorical,
            ColumnData::Boolean(_) => ColumnKind::Boolean,
        }
    }

    /// Number of missing cells.
    pub fn missing_count(&self) -> usize {
        match self {
            ColumnData::Numeric(v) => v.iter().filter(|x| x.is_nan()).count(),
            ColumnData::Categorical(c) => c.missing_count(),
            ColumnData::Boolean(v) => v.iter().filter(|x| x.is_none()).count(),
        }
    }
}

/// A named column.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Column {
    /// Header name, exactly as in the file (surrounding whitespace and a UTF-8 BOM removed).
    pub name: String,
    /// The typed cells.
    pub data: ColumnData,
}

/// A typed table: columns of equal length, in file order.
///
/// ```
/// use pdscore_ingest::{Column, ColumnData, Table};
/// let table = Table::new(vec![
///     Column { name: "age".into(), data: ColumnData::Numeric(vec![31.0, f64::NAN]) },
///     Column { name: "has_paid".into(), data: ColumnData::Boolean(vec![Some(true), None]) },
/// ]).unwrap();
/// assert_eq!(table.n_rows(), 2);
/// assert!(table.column("age").is_some());
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Table {
    columns: Vec<Column>,
    n_rows: usize,
}

impl Table {
    /// Builds a table; every column must have the same number of rows.
    ///
    /// # Errors
    /// Returns the name of the first column whose length differs from the first column's.
    pub fn new(columns: Vec<Column>) -> Result<Self, String> {
        let n_rows = columns.first().map_or(0, |c| c.data.len());
        if let Some(bad) = columns.iter().find(|c| c.data.len() != n_rows) {
            return Err(format!(
                "column `{}` has {} rows, expected {n_rows}",
                bad.name,
                bad.data.len()
            ));
        }
        Ok(Table { columns, n_rows })
    }

    /// Number of data rows (the header is not a row).
    pub fn n_rows(&self) -> usize {
        self.n_rows
    }

    /// All columns in file order.
    pub fn columns(&self) -> &[Column] {
        &self.columns
    }

    /// The column called `name`, if present.
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// Column names in file order.
    pub fn column_names(&self) -> impl Iterator<Item = &str> {
        self.columns.iter().map(|c| c.name.as_str())
    }

    /// Consumes the table and returns its columns.
    pub fn into_columns(self) -> Vec<Column> {
        self.columns
    }

    /// A new table with the given rows, in the given order (repeats allowed). Categorical
    /// columns keep their dictionary, so codes stay comparable with this table's.
    ///
    /// ```
    /// use pdscore_ingest::{Column, ColumnData, Table};
    /// let t = Table::new(vec![Column { name: "x".into(), data: ColumnData::Numeric(vec![1.0, 2.0, 3.0]) }]).unwrap();
    /// assert_eq!(t.take_rows(&[2, 0]).column("x").unwrap().data, ColumnData::Numeric(vec![3.0, 1.0]));
    /// ```
    ///
    /// # Panics
    /// Panics when a row index is out of bounds.
    pub fn take_rows(&self, rows: &[usize]) -> Table {
        self.map_columns(|data| take_cells(data, rows), rows.len())
    }

    /// Like [`Table::take_rows`], but categorical dictionaries are rebuilt from the selected
    /// cells only, as reading a file that holds just these rows would build them: codes differ
    /// from this table's, values do not. Tests use it to show a result never depends on codes.
    ///
    /// # Panics
    /// Panics when a row index is out of bounds.
    pub fn take_rows_compacted(&self, rows: &[usize]) -> Table {
        self.map_columns(
            |data| match data {
                ColumnData::Categorical(cat) => {
                    let values: Vec<Option<&str>> = rows.iter().map(|&r| cat.value(r)).collect();
                    ColumnData::Categorical(CategoricalColumn::from_values(&values))
                }
                other => take_cells(other, rows),
            },
            rows.len(),
        )
    }

    fn map_columns(&self, f: impl Fn(&ColumnData) -> ColumnData, n_rows: usize) -> Table {
        let columns = self
            .columns
            .iter()
            .map(|c| Column {
                name: c.name.clone(),
                data: f(&c.data),
            })
            .collect();
        Table { columns, n_rows }
    }
}

/// The given rows of one column (categorical dictionary kept).
fn take_cells(data: &ColumnData, rows: &[usize]) -> ColumnData {
    match data {
        ColumnData::Numeric(v) => ColumnData::Numeric(rows.iter().map(|&r| v[r]).collect()),
        ColumnData::Boolean(v) => ColumnData::Boolean(rows.iter().map(|&r| v[r]).collect()),
        ColumnData::Categorical(cat) => ColumnData::Categorical(CategoricalColumn {
            dictionary: cat.dictionary.clone(),
            codes: rows.iter().map(|&r| cat.codes[r]).collect(),
        }),
    }
}
