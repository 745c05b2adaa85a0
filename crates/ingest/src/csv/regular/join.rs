//! Joining the parts of one column: problems gathered in file order, and the part-local
//! dictionaries merged into one with the codes rewritten where they differ.

use super::columns::{ColumnReport, OutputSpec, Storage};
use super::dictionary::{HashedMap, PartLevels};
use crate::csv::convert::BadCollector;
use crate::error::IngestError;
use crate::levels::Levels;
use crate::table::{CategoricalColumn, ColumnData, ColumnKind, MISSING_CODE};

/// Joins one column's part reports (in file order) into the finished column, or its problem.
pub(super) fn finish_column(
    storage: Storage,
    reports: Vec<ColumnReport<'_>>,
    first_rows: &[usize],
    spec: &OutputSpec<'_>,
) -> Result<ColumnData, IngestError> {
    let mut bad = BadCollector::default();
    let mut invalid_utf8 = None;
    let mut level_parts = Vec::with_capacity(reports.len());
    for report in reports {
        bad.merge(report.bad);
        if invalid_utf8.is_none() {
            invalid_utf8 = report.invalid_utf8;
        }
        level_parts.push(report.levels);
    }
    if let Some(line) = invalid_utf8 {
        return Err(IngestError::InvalidUtf8 {
            line,
            column: spec.name.to_owned(),
        });
    }
    let kind = spec.kind.unwrap_or(ColumnKind::Categorical);
    bad.finish(spec.name, kind)?;
    Ok(match storage {
        Storage::Numeric(v) => ColumnData::Numeric(v),
        Storage::Boolean(v) => ColumnData::Boolean(v),
        Storage::Codes(mut codes) => {
            let dictionary = merge_dictionaries(&mut codes, level_parts, first_rows);
            ColumnData::Categorical(CategoricalColumn { dictionary, codes })
        }
    })
}

/// Dictionaries with more levels than this (summed over parts) are joined through one flat
/// table of level numbers ([`merge_many_levels`]) rather than a hash map of levels.
const MANY_LEVELS: usize = 1 << 12;

/// Joins part-local dictionaries into one (order of first appearance in the file) and rewrites
/// the codes of each part whose local codes are not the global ones.
fn merge_dictionaries(
    codes: &mut [u32],
    level_parts: Vec<PartLevels<'_>>,
    first_rows: &[usize],
) -> Levels {
    let total: usize = level_parts.iter().map(PartLevels::len).sum();
    if total > MANY_LEVELS {
        return merge_many_levels(codes, level_parts, first_rows, total);
    }
    let mut index = HashedMap::default();
    index.reserve(total);
    let mut dictionary = Levels::new();
    let mut global_of: Vec<u32> = Vec::new();
    for (p, levels) in level_parts.iter().enumerate() {
        global_of.clear();
        let mut identity = true;
        for (local, (&key, text)) in levels.keys.iter().zip(&levels.texts).enumerate() {
            let next = dictionary.len() as u32;
            let global = *index.entry(key).or_insert(next);
            if global == next {
                dictionary.push(text);
            }
            identity &= global as usize == local;
            global_of.push(global);
        }
        remap_part(codes, first_rows, p, &global_of, identity);
    }
    dictionary
}

/// Rewrites the codes of part `p` through `global_of` (nothing to do when it is the identity).
fn remap_part(
    codes: &mut [u32],
    first_rows: &[usize],
    p: usize,
    global_of: &[u32],
    identity: bool,
) {
    if identity {
        return;
    }
    // Shifted by one so that `MISSING_CODE` (`u32::MAX`) wraps to entry 0 and maps to itself:
    // no branch on missing cells, which come in no predictable pattern.
    let shifted: Vec<u32> = std::iter::once(MISSING_CODE)
        .chain(global_of.iter().copied())
        .collect();
    let end = first_rows.get(p + 1).copied().unwrap_or(codes.len());
    for code in &mut codes[first_rows[p]..end] {
        *code = shifted[code.wrapping_add(1) as usize];
    }
}

/// Adds `offset` to the codes of part `p` (missing cells stay missing).
fn shift_part(codes: &mut [u32], first_rows: &[usize], p: usize, offset: u32) {
    if offset == 0 {
        return;
    }
    let end = first_rows.get(p + 1).copied().unwrap_or(codes.len());
    for code in &mut codes[first_rows[p]..end] {
        *code = if *code == MISSING_CODE {
            MISSING_CODE
        } else {
            *code + offset
        };
    }
}

/// [`merge_dictionaries`] for many levels (ids, nearly all distinct). Levels are numbered in
/// file order (parts in order, each in order of first appearance) and looked up in one
/// open-addressing table of level numbers, tagged with the top half of their hash so that
/// level bytes are compared only on a likely repeat: one pass finds every repeat. Without
/// repeats (the usual case for ids) the dictionary is the levels in order and each part's
/// codes only shift by the number of levels before it.
fn merge_many_levels(
    codes: &mut [u32],
    level_parts: Vec<PartLevels<'_>>,
    first_rows: &[usize],
    total: usize,
) -> Levels {
    // Level number of the first level of each part, and the total at the end.
    let mut part_offsets = Vec::with_capacity(level_parts.len() + 1);
    let mut offset = 0;
    for levels in &level_parts {
        part_offsets.push(offset);
        offset += levels.len();
    }
    part_offsets.push(offset);
    let level_key = |i: usize| {
        let p = part_offsets.partition_point(|&o| o <= i) - 1;
        level_parts[p].keys[i - part_offsets[p]]
    };
    // At most half full; an entry is `tag << 32 | (level + 1)`, 0 when empty (codes, hence
    // level numbers, are below `MISSING_CODE`, so `level + 1` fits in 32 bits).
    let bits = (2 * total).next_power_of_two().trailing_zeros();
    let mask = (1usize << bits) - 1;
    let mut table = vec![0u64; 1 << bits];
    // `(level, first level with the same text)` for every repeat.
    let mut repeats: Vec<(usize, usize)> = Vec::new();
    for (i, &key) in level_parts.iter().flat_map(|l| &l.keys).enumerate() {
        let tag = key.hash >> 32;
        let mut slot = (key.hash.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - bits)) as usize;
        loop {
            let entry = table[slot];
            if entry == 0 {
                table[slot] = (tag << 32) | (i as u64 + 1);
                break;
            }
            if entry >> 32 == tag {
                let first = (entry & 0xFFFF_FFFF) as usize - 1;
                if level_key(first) == key {
                    repeats.push((i, first));
                    break;
                }
            }
            slot = (slot + 1) & mask;
        }
    }
    drop(table);
    if repeats.is_empty() {
        let bytes = level_parts.iter().map(|l| l.texts.text_len()).sum();
        let mut dictionary = Levels::with_capacity(total, bytes);
        for (p, levels) in level_parts.iter().enumerate() {
            let offset = dictionary.len() as u32;
            dictionary.append(&levels.texts);
            shift_part(codes, first_rows, p, offset);
        }
        return dictionary;
    }
    let mut dictionary = Levels::with_capacity(total - repeats.len(), 0);
    let mut first_of: Vec<u32> = (0..total as u32).collect();
    for (i, f) in repeats {
        first_of[i] = f as u32;
    }
    let mut code_of: Vec<u32> = vec![0; total];
    let mut i = 0;
    let mut global_of: Vec<u32> = Vec::new();
    for (p, levels) in level_parts.iter().enumerate() {
        global_of.clear();
        let mut identity = true;
        for (local, text) in levels.texts.iter().enumerate() {
            let f = first_of[i] as usize;
            let code = if f == i {
                dictionary.push(text);
                (dictionary.len() - 1) as u32
            } else {
                code_of[f]
            };
            code_of[i] = code;
            identity &= code as usize == local;
            global_of.push(code);
            i += 1;
        }
        remap_part(codes, first_rows, p, &global_of, identity);
    }
    dictionary
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::csv::regular::dictionary::Hashed;

    /// Joins `parts` of texts (local codes `codes`, parts starting at `first_rows`) with
    /// [`merge_many_levels`] and with the sequential join, forced; both must agree.
    fn check_many_levels_merge(texts: &[String], per_part: usize, codes: &[u32]) -> Levels {
        let parts = || -> Vec<PartLevels<'_>> {
            texts
                .chunks(per_part)
                .map(|chunk| PartLevels {
                    keys: chunk.iter().map(|t| Hashed::new(t.as_bytes())).collect(),
                    texts: chunk.iter().collect(),
                })
                .collect()
        };
        let first_rows: Vec<usize> = (0..texts.len().div_ceil(per_part))
            .map(|p| p * per_part)
            .collect();
        let mut many_codes = codes.to_vec();
        let many = merge_many_levels(&mut many_codes, parts(), &first_rows, texts.len());
        let mut index = HashedMap::default();
        let mut dictionary: Vec<&str> = Vec::new();
        let mut sequential_codes = codes.to_vec();
        let parts = parts();
        for (p, levels) in parts.iter().enumerate() {
            let global_of: Vec<u32> = levels
                .keys
                .iter()
                .zip(&levels.texts)
                .map(|(&key, text)| {
                    let next = dictionary.len() as u32;
                    let g = *index.entry(key).or_insert(next);
                    if g == next {
                        dictionary.push(text);
                    }
                    g
                })
                .collect();
            remap_part(&mut sequential_codes, &first_rows, p, &global_of, false);
        }
        assert_eq!(many, dictionary);
        assert_eq!(many_codes, sequential_codes);
        many
    }

    #[test]
    fn many_levels_merge_matches_the_sequential_one() {
        // Three parts of ids with repeats within and across parts, more levels than the
        // sequential join takes.
        let texts: Vec<String> = (0..3 * MANY_LEVELS)
            .map(|i| format!("id-{}", (i * 7919) % (2 * MANY_LEVELS)))
            .collect();
        let per_part = texts.len() / 3;
        let mut codes: Vec<u32> = (0..3).flat_map(|_| (0..per_part as u32).rev()).collect();
        codes[5] = MISSING_CODE;
        let merged = check_many_levels_merge(&texts, per_part, &codes);
        assert_eq!(merged.len(), 2 * MANY_LEVELS);
    }

    #[test]
    fn distinct_levels_merge_by_shifting_codes() {
        // Distinct ids in uneven parts (the last one short), missing cells here and there: every
        // part's codes shift by the levels before it.
        let texts: Vec<String> = (0..2 * MANY_LEVELS + 77)
            .map(|i| format!("{i:08x}-uuid"))
            .collect();
        let per_part = MANY_LEVELS / 3;
        let mut codes: Vec<u32> = texts
            .chunks(per_part)
            .flat_map(|chunk| 0..chunk.len() as u32)
            .collect();
        for row in [0, 1, per_part, 3 * per_part + 2, texts.len() - 1] {
            codes[row] = MISSING_CODE;
        }
        let merged = check_many_levels_merge(&texts, per_part, &codes);
        assert_eq!(merged, texts);
    }

    #[test]
    fn dictionaries_merge_in_order_of_first_appearance() {
        let part = |levels: &[&'static str]| PartLevels {
            keys: levels.iter().map(|s| Hashed::new(s.as_bytes())).collect(),
            texts: levels.iter().collect(),
        };
        // Part 0 holds rows 0..2 (b, a), part 1 rows 2..5 (b, c, a) with local codes 0, 1, 2.
        let mut codes = vec![0, 1, 0, 1, 2];
        let parts = vec![part(&["b", "a"]), part(&["b", "c", "a"])];
        let dictionary = merge_dictionaries(&mut codes, parts, &[0, 2]);
        assert_eq!(dictionary, ["b", "a", "c"]);
        assert_eq!(codes, vec![0, 1, 0, 2, 1]);
    }
}
