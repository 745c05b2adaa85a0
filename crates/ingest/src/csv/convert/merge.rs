//! Joining the parts of one column, chunk by chunk, into the typed column.

use super::bad::BadCollector;
use super::builder::{Partial, PartialColumn};
use super::fx::FxMap;
use crate::error::IngestError;
use crate::levels::Levels;
use crate::table::{CategoricalColumn, ColumnData, ColumnKind, MISSING_CODE};

/// Joins per-chunk dictionaries into one, in order of first appearance, and remaps the codes.
/// `parts` holds, per chunk, the offset of its dictionary in `texts` and its local codes.
fn merge_dictionaries(texts: Levels, parts: Vec<(usize, Vec<u32>)>, n: usize) -> CategoricalColumn {
    let mut global_of = vec![0u32; texts.len()];
    let mut first = vec![false; texts.len()];
    {
        let mut index: FxMap<&str, u32> = FxMap::default();
        index.reserve(texts.len());
        for (i, text) in texts.iter().enumerate() {
            let next = index.len() as u32;
            let code = *index.entry(text).or_insert_with(|| {
                first[i] = true;
                next
            });
            global_of[i] = code;
        }
    }
    // Without repeats (ids) the pool is the dictionary as it is.
    let dictionary = if first.iter().all(|&f| f) {
        texts
    } else {
        texts
            .iter()
            .zip(first)
            .filter_map(|(t, f)| f.then_some(t))
            .collect()
    };
    let mut codes = Vec::with_capacity(n);
    for (offset, local) in parts {
        codes.extend(local.into_iter().map(|c| {
            if c == MISSING_CODE {
                c
            } else {
                global_of[offset + c as usize]
            }
        }));
    }
    CategoricalColumn { dictionary, codes }
}

/// Joins the parts of one column (in file order) into a typed column, or the column's problem.
pub(crate) fn merge_column(
    parts: Vec<PartialColumn>,
    name: &str,
    kind: Option<ColumnKind>,
) -> Result<ColumnData, IngestError> {
    let n: usize = parts
        .iter()
        .map(|p| match &p.data {
            Partial::Numeric(v) => v.len(),
            Partial::Boolean(v) => v.len(),
            Partial::Categorical(_, c) => c.len(),
        })
        .sum();
    let mut bad = BadCollector::default();
    let mut invalid_utf8 = None;
    let mut numeric = Vec::new();
    let mut boolean = Vec::new();
    let mut texts = Levels::new();
    let mut local_codes: Vec<(usize, Vec<u32>)> = Vec::new();
    for part in parts {
        bad.merge(part.bad);
        if invalid_utf8.is_none() {
            invalid_utf8 = part.invalid_utf8;
        }
        match part.data {
            Partial::Numeric(v) => {
                numeric.reserve(n);
                numeric.extend(v);
            }
            Partial::Boolean(v) => {
                boolean.reserve(n);
                boolean.extend(v);
            }
            Partial::Categorical(dictionary, codes) => {
                local_codes.push((texts.len(), codes));
                texts.append(&dictionary);
            }
        }
    }
    let categorical = if local_codes.is_empty() {
        CategoricalColumn::default()
    } else {
        merge_dictionaries(texts, local_codes, n)
    };
    if let Some(line) = invalid_utf8 {
        return Err(IngestError::InvalidUtf8 {
            line,
            column: name.to_owned(),
        });
    }
    let kind_or_cat = kind.unwrap_or(ColumnKind::Categorical);
    bad.finish(name, kind_or_cat)?;
    Ok(match kind_or_cat {
        ColumnKind::Numeric => ColumnData::Numeric(numeric),
        ColumnKind::Boolean => ColumnData::Boolean(boolean),
        ColumnKind::Categorical => ColumnData::Categorical(categorical),
    })
}
