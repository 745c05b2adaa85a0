//! The column plan: which file column feeds each output column, and how, decided from the
//! header and the options before any row is read.

use std::collections::{HashMap, HashSet};

use super::convert::KindFacts;
use super::options::ReadOptions;
use crate::error::{IngestError, IngestWarning, MAX_EXAMPLES, listed_name};
use crate::table::{ColumnKind, Table};

/// How one output column is built.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Conversion {
    /// Parse as this kind.
    Kind(ColumnKind),
    /// Text kept exactly as found (the id column): categorical without canonicalisation.
    Raw,
    /// Decide the kind from the cells.
    Infer,
}

impl Conversion {
    /// The kind to parse as once inference is done (`None`: raw text).
    pub(crate) fn resolved(self, facts: KindFacts) -> Option<ColumnKind> {
        match self {
            Conversion::Kind(k) => Some(k),
            Conversion::Raw => None,
            Conversion::Infer => Some(facts.kind()),
        }
    }
}

/// Which file column feeds each output column, and how.
#[derive(Debug, Clone)]
pub(crate) struct Plan {
    /// Number of fields of every record (the header's).
    pub(crate) n_file_cols: usize,
    /// Per output column, in output order: the file column that feeds it, its name, and how
    /// it is converted.
    pub(crate) outputs: Vec<(usize, String, Conversion)>,
    /// What the header showed (extra columns).
    pub(crate) warnings: Vec<IngestWarning>,
}

impl Plan {
    /// The plan for `header` under `options`. Duplicate names, and columns the schema requires
    /// that the header lacks, are errors, reported together.
    pub(crate) fn new(header: &[String], options: &ReadOptions) -> Result<Plan, IngestError> {
        let mut problems = Vec::new();
        // Hash sets throughout: a header may be wide, and a hostile one (`a1,a1,a2,a2,...`)
        // must cost linear time, not quadratic.
        let mut seen = HashSet::with_capacity(header.len());
        let mut reported = HashSet::new();
        let mut dups: Vec<String> = Vec::new();
        for name in header {
            if !seen.insert(name.as_str())
                && dups.len() < MAX_EXAMPLES
                && reported.insert(name.as_str())
            {
                dups.push(listed_name(name));
            }
        }
        if !dups.is_empty() {
            problems.push(IngestError::DuplicateColumns { names: dups });
        }
        let mut first_position: HashMap<&str, usize> = HashMap::with_capacity(header.len());
        for (i, name) in header.iter().enumerate() {
            first_position.entry(name.as_str()).or_insert(i);
        }
        let position = |name: &str| first_position.get(name).copied();
        let mut outputs = Vec::new();
        let mut warnings = Vec::new();
        if let Some(schema) = &options.schema {
            let mut missing = Vec::new();
            let mut want = |name: &str, conv: Conversion, required: bool| match position(name) {
                Some(i) => outputs.push((i, name.to_owned(), conv)),
                None if required => missing.push(name.to_owned()),
                None => {}
            };
            if let Some(id) = &schema.id {
                want(id, Conversion::Raw, true);
            }
            if let Some(t) = &schema.target {
                want(
                    &t.column,
                    Conversion::Kind(ColumnKind::Categorical),
                    options.require_target,
                );
            }
            for f in &schema.features {
                want(&f.name, Conversion::Kind(f.kind), true);
            }
            if !missing.is_empty() {
                problems.push(IngestError::MissingColumns { names: missing });
            }
            let mut total = 0;
            let mut names = Vec::new();
            for h in header.iter().filter(|h| !schema.mentions(h)) {
                total += 1;
                if names.len() < MAX_EXAMPLES {
                    names.push(listed_name(h));
                }
            }
            if total > 0 {
                warnings.push(IngestWarning::ExtraColumns { names, total });
            }
        } else {
            outputs = header
                .iter()
                .enumerate()
                .map(|(i, h)| (i, h.clone(), Conversion::Infer))
                .collect();
        }
        if let Some(e) = IngestError::from_problems(problems, 0) {
            return Err(e);
        }
        Ok(Plan {
            n_file_cols: header.len(),
            outputs,
            warnings,
        })
    }

    /// Replaces inferred conversions by the kinds found in `table` (for streaming).
    pub(crate) fn fix_kinds(&mut self, table: &Table) {
        for ((_, _, conv), column) in self.outputs.iter_mut().zip(table.columns()) {
            if *conv == Conversion::Infer {
                *conv = Conversion::Kind(column.data.kind());
            }
        }
    }

    /// The kinds the plan parses as (`None`: raw text), once no inference is left.
    pub(crate) fn kinds(&self) -> Vec<Option<ColumnKind>> {
        self.outputs
            .iter()
            .map(|(_, _, conv)| conv.resolved(KindFacts::default()))
            .collect()
    }
}
