//! Helpers for the unit tests: small tables built in code.

use pdscore_ingest::{
    CategoricalColumn, Column, ColumnData, ColumnKind, FeatureSpec, Schema, Table,
};

pub(crate) fn num(name: &str, values: &[f64]) -> Column {
    Column {
        name: name.into(),
        data: ColumnData::Numeric(values.to_vec()),
    }
}

pub(crate) fn cat(name: &str, values: &[Option<&str>]) -> Column {
    Column {
        name: name.into(),
        data: ColumnData::Categorical(CategoricalColumn::from_values(values)),
    }
}

pub(crate) fn boolean(name: &str, values: &[Option<bool>]) -> Column {
    Column {
        name: name.into(),
        data: ColumnData::Boolean(values.to_vec()),
    }
}

pub(crate) fn table(columns: Vec<Column>) -> Table {
    Table::new(columns).unwrap()
}

/// A schema whose features are exactly the columns of `table`, with their data kinds.
pub(crate) fn schema_of(table: &Table) -> Schema {
    Schema {
        id: None,
        target: None,
        features: table
            .columns()
            .iter()
            .map(|c| FeatureSpec {
                name: c.name.clone(),
                kind: c.data.kind(),
            })
            .collect(),
    }
}

pub(crate) fn spec(name: &str, kind: ColumnKind) -> FeatureSpec {
    FeatureSpec {
        name: name.into(),
        kind,
    }
}

/// Row `row` of `table` as a one-row table (categorical dictionaries rebuilt, so codes differ).
pub(crate) fn row_table(table: &Table, row: usize) -> Table {
    table.take_rows_compacted(&[row])
}

/// Bit-for-bit equality of two floats (`NaN` equal to `NaN` of the same bits).
pub(crate) fn same_bits(a: f64, b: f64) -> bool {
    a.to_bits() == b.to_bits()
}
