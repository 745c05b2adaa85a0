//! Column roles and kinds.

use serde::{Deserialize, Serialize};

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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Schema {
    /// Column that identifies a row (e.g. `uuid`); copied to the output, never a feature.
    pub id: Option<String>,
    /// The label column; optional at predict time.
    pub target: Option<TargetSpec>,
    /// Feature columns in order.
    pub features: Vec<FeatureSpec>,
}

impl Schema {
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
