//! Kind inference: what the cells of a column allow.

use super::cells::{parse_bool, parse_number, trim};
use super::missing::MissingTokens;
use crate::csv::tokenize::TokenChunk;
use crate::table::ColumnKind;

/// What the cells of a column allow, gathered chunk by chunk to infer its kind.
#[derive(Debug, Clone, Copy)]
pub(crate) struct KindFacts {
    all_bool: bool,
    saw_word: bool,
    all_num: bool,
}

impl KindFacts {
    const START: KindFacts = KindFacts {
        all_bool: true,
        saw_word: false,
        all_num: true,
    };

    /// Facts of field `col` in one chunk.
    pub(crate) fn of_chunk(chunk: &TokenChunk<'_>, col: usize, missing: &MissingTokens) -> Self {
        Self::of_cells(chunk.column(col).map(|(cell, _)| cell), missing)
    }

    /// Facts of some cells of a column.
    pub(crate) fn of_cells<'c>(
        cells: impl Iterator<Item = &'c [u8]>,
        missing: &MissingTokens,
    ) -> Self {
        let mut f = Self::START;
        for cell in cells {
            let cell = trim(cell);
            if cell.is_empty() || missing.is_missing(cell) {
                continue;
            }
            if f.all_bool {
                match parse_bool(cell) {
                    Some((_, word)) => f.saw_word |= word,
                    None => f.all_bool = false,
                }
            }
            if f.all_num && parse_number(cell).is_none() {
                f.all_num = false;
            }
            if !f.all_bool && !f.all_num {
                break;
            }
        }
        f
    }

    /// Facts of two parts together.
    pub(crate) fn merge(self, other: Self) -> Self {
        KindFacts {
            all_bool: self.all_bool && other.all_bool,
            saw_word: self.saw_word || other.saw_word,
            all_num: self.all_num && other.all_num,
        }
    }

    /// The inferred kind: boolean when every non-missing cell is a boolean token and at least
    /// one is a word (so 0/1-only columns stay numeric), numeric when every non-missing cell
    /// parses as a number, else categorical. An all-missing column is numeric.
    pub(crate) fn kind(self) -> ColumnKind {
        if self.all_bool && self.saw_word {
            ColumnKind::Boolean
        } else if self.all_num {
            ColumnKind::Numeric
        } else {
            ColumnKind::Categorical
        }
    }
}

impl Default for KindFacts {
    fn default() -> Self {
        Self::START
    }
}
