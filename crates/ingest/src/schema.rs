//! Column roles and kinds.

use serde::{Deserialize, Serialize};

use crate::error::IngestError;
use crate::table::{ColumnKind, Table};

/// One feature column and its kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeatureSpec {
    /// Column name as in the header.
    pub name: String,
    /// How the column is parsed and encoded.
    pub kind: ColumnKind,
}

/// The target column and which of its values means "defaulted".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TargetSpec {
    /// Column name as in the header.
    pub column: String,
    /// The value that marks a positive (defaulting) row, e.g. `"1"`. `None` means: accept
    /// `1`, `true` or `yes` when the column's values allow it, else report the values found.
    pub positive: Option<String>,
}

/// The role of every column: an optional id, an optional target, and the features in order.
///
/// Columns in a file that the schema does not mention are extra: reported as a warning and
/// ignored.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Schema {
    /// Column that identifies a row (e.g. `uuid`); copied to the output, never a feature.
    pub id: Option<String>,
    /// The label column; optional at predict time.
    pub target: Option<TargetSpec>,
    /// Feature columns in order.
    pub features: Vec<FeatureSpec>,
}

/// The 43 columns of the Klarna case-study file, in the original order.
pub const KLARNA_COLUMNS: [&str; 43] = [
    "uuid",
    "default",
    "account_amount_added_12_24m",
    "account_days_in_dc_12_24m",
    "account_days_in_rem_12_24m",
    "account_days_in_term_12_24m",
    "account_incoming_debt_vs_paid_0_24m",
    "account_status",
    "account_worst_status_0_3m",
    "account_worst_status_12_24m",
    "account_worst_status_3_6m",
    "account_worst_status_6_12m",
    "age",
    "avg_payment_span_0_12m",
    "avg_payment_span_0_3m",
    "merchant_category",
    "merchant_group",
    "has_paid",
    "max_paid_inv_0_12m",
    "max_paid_inv_0_24m",
    "name_in_email",
    "num_active_div_by_paid_inv_0_12m",
    "num_active_inv",
    "num_arch_dc_0_12m",
    "num_arch_dc_12_24m",
    "num_arch_ok_0_12m",
    "num_arch_ok_12_24m",
    "num_arch_rem_0_12m",
    "num_arch_written_off_0_12m",
    "num_arch_written_off_12_24m",
    "num_unpaid_bills",
    "status_last_archived_0_24m",
    "status_2nd_last_archived_0_24m",
    "status_3rd_last_archived_0_24m",
    "status_max_archived_0_6_months",
    "status_max_archived_0_12_months",
    "status_max_archived_0_24_months",
    "recovery_debt",
    "sum_capital_paid_account_0_12m",
    "sum_capital_paid_account_12_24m",
    "sum_paid_inv_0_12m",
    "time_hours",
    "worst_status_active_inv",
];

/// The kind of a Klarna feature column: status codes and the three text columns are
/// categorical, `has_paid` is boolean, the rest numeric.
fn klarna_kind(name: &str) -> ColumnKind {
    let status = name == "account_status"
        || name.starts_with("account_worst_status_")
        || (name.starts_with("status_") && name.contains("archived"))
        || name == "worst_status_active_inv";
    if status
        || matches!(
            name,
            "merchant_category" | "merchant_group" | "name_in_email"
        )
    {
        ColumnKind::Categorical
    } else if name == "has_paid" {
        ColumnKind::Boolean
    } else {
        ColumnKind::Numeric
    }
}

impl Schema {
    /// A schema with no id, no target and no features; add them with the builder methods.
    pub fn new() -> Self {
        Schema {
            id: None,
            target: None,
            features: Vec::new(),
        }
    }

    /// The built-in schema of the Klarna case-study file: `uuid` id, `default` target (`1` =
    /// default; a missing target marks a row to score), 41 features in file order.
    ///
    /// ```
    /// use pdscore_ingest::{ColumnKind, Schema};
    /// let schema = Schema::klarna();
    /// assert_eq!(schema.features.len(), 41);
    /// assert_eq!(schema.kind_of("has_paid"), Some(ColumnKind::Boolean));
    /// assert_eq!(schema.kind_of("account_status"), Some(ColumnKind::Categorical));
    /// ```
    pub fn klarna() -> Self {
        Schema {
            id: Some("uuid".into()),
            target: Some(TargetSpec {
                column: "default".into(),
                positive: Some("1".into()),
            }),
            features: KLARNA_COLUMNS[2..]
                .iter()
                .map(|name| FeatureSpec {
                    name: (*name).to_owned(),
                    kind: klarna_kind(name),
                })
                .collect(),
        }
    }

    /// Builds a schema from a table read without one: every column other than `id` and
    /// `target` becomes a feature with the kind it was read as. The target's positive value is
    /// left to be detected (see [`crate::labels`]).
    pub fn infer(
        table: &Table,
        target: Option<&str>,
        id: Option<&str>,
    ) -> Result<Self, IngestError> {
        for name in target.iter().chain(id.iter()) {
            if table.column(name).is_none() {
                return Err(IngestError::ColumnNotFound {
                    name: (*name).to_owned(),
                });
            }
        }
        let features = table
            .columns()
            .iter()
            .filter(|c| Some(c.name.as_str()) != target && Some(c.name.as_str()) != id)
            .map(|c| FeatureSpec {
                name: c.name.clone(),
                kind: c.data.kind(),
            })
            .collect();
        Ok(Schema {
            id: id.map(str::to_owned),
            target: target.map(|t| TargetSpec {
                column: t.to_owned(),
                positive: None,
            }),
            features,
        })
    }

    /// Sets the kind of feature `name`, adding it as a feature when absent.
    pub fn with_kind(mut self, name: &str, kind: ColumnKind) -> Self {
        if let Some(f) = self.features.iter_mut().find(|f| f.name == name) {
            f.kind = kind;
        } else {
            self.features.push(FeatureSpec {
                name: name.to_owned(),
                kind,
            });
        }
        self
    }

    /// Sets the id column (removing it from the features if it was one).
    pub fn with_id(mut self, name: &str) -> Self {
        self.features.retain(|f| f.name != name);
        self.id = Some(name.to_owned());
        self
    }

    /// Sets the target column and its positive value (`None`: detect `1`/`true`/`yes`),
    /// removing it from the features if it was one.
    pub fn with_target(mut self, name: &str, positive: Option<&str>) -> Self {
        self.features.retain(|f| f.name != name);
        self.target = Some(TargetSpec {
            column: name.to_owned(),
            positive: positive.map(str::to_owned),
        });
        self
    }

    /// The kind of feature `name`, if it is a feature.
    pub fn kind_of(&self, name: &str) -> Option<ColumnKind> {
        self.feature(name).map(|f| f.kind)
    }

    /// True when `name` is the id, the target or a feature.
    pub fn mentions(&self, name: &str) -> bool {
        self.id.as_deref() == Some(name)
            || self.target.as_ref().is_some_and(|t| t.column == name)
            || self.feature(name).is_some()
    }

    /// Checks that no column has two roles and no feature is listed twice.
    pub fn check(&self) -> Result<(), IngestError> {
        let mut names: Vec<&str> = self.features.iter().map(|f| f.name.as_str()).collect();
        names.extend(self.id.as_deref());
        names.extend(self.target.as_ref().map(|t| t.column.as_str()));
        let mut seen = std::collections::HashSet::new();
        let dups: Vec<String> = names
            .iter()
            .filter(|n| !seen.insert(**n))
            .map(|n| (*n).to_owned())
            .collect();
        if dups.is_empty() {
            Ok(())
        } else {
            Err(IngestError::InvalidOptions {
                reason: format!(
                    "schema names these columns more than once: {}",
                    dups.join(", ")
                ),
            })
        }
    }

    /// Parses a schema from JSON (the format of `data/klarna_schema.json`).
    pub fn from_json(json: &str) -> Result<Self, IngestError> {
        let schema: Schema = serde_json::from_str(json)?;
        schema.check()?;
        Ok(schema)
    }

    /// Writes the schema as pretty JSON.
    pub fn to_json(&self) -> Result<String, IngestError> {
        Ok(serde_json::to_string_pretty(self)?)
    }

    /// The spec of feature `name`, if it is a feature of this schema.
    pub fn feature(&self, name: &str) -> Option<&FeatureSpec> {
        self.features.iter().find(|f| f.name == name)
    }

    /// Names of all columns the schema requires in an input file for scoring (id + features).
    pub fn required_for_scoring(&self) -> Vec<&str> {
        self.id
            .iter()
            .map(String::as_str)
            .chain(self.features.iter().map(|f| f.name.as_str()))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn klarna_schema_has_the_documented_roles() {
        let s = Schema::klarna();
        assert_eq!(s.id.as_deref(), Some("uuid"));
        assert_eq!(
            s.target.as_ref().map(|t| t.column.as_str()),
            Some("default")
        );
        let cats: Vec<&str> = s
            .features
            .iter()
            .filter(|f| f.kind == ColumnKind::Categorical)
            .map(|f| f.name.as_str())
            .collect();
        assert_eq!(cats.len(), 15, "{cats:?}");
        assert!(cats.contains(&"status_max_archived_0_24_months"));
        assert!(cats.contains(&"worst_status_active_inv"));
        assert_eq!(s.kind_of("time_hours"), Some(ColumnKind::Numeric));
        assert!(s.check().is_ok());
    }

    #[test]
    fn builder_moves_columns_between_roles() {
        let s = Schema::new()
            .with_kind("a", ColumnKind::Numeric)
            .with_kind("b", ColumnKind::Numeric)
            .with_kind("a", ColumnKind::Categorical)
            .with_target("b", Some("yes"));
        assert_eq!(s.features.len(), 1);
        assert_eq!(s.kind_of("a"), Some(ColumnKind::Categorical));
        assert!(s.mentions("b"));
        let bad = Schema::new()
            .with_kind("x", ColumnKind::Numeric)
            .with_id("y");
        let mut bad = bad;
        bad.features.push(FeatureSpec {
            name: "y".into(),
            kind: ColumnKind::Numeric,
        });
        assert!(bad.check().is_err());
    }

    #[test]
    fn json_round_trip() {
        let s = Schema::klarna();
        let back = Schema::from_json(&s.to_json().expect("json")).expect("parse");
        assert_eq!(s, back);
        assert!(Schema::from_json("{").is_err());
    }
}
