//! Bad cells: the offending cells of one column, collected for the error.

use crate::error::{BadCell, IngestError, MAX_EXAMPLES};
use crate::table::ColumnKind;

/// Offending cells of one column: the first [`MAX_EXAMPLES`] and a count.
#[derive(Debug, Default)]
pub(crate) struct BadCollector {
    pub(super) examples: Vec<BadCell>,
    pub(super) total: usize,
}

impl BadCollector {
    #[cold]
    pub(crate) fn push(&mut self, line: u64, cell: &[u8]) {
        self.total += 1;
        if self.examples.len() < MAX_EXAMPLES {
            self.examples.push(BadCell {
                line,
                value: String::from_utf8_lossy(cell).into_owned(),
            });
        }
    }

    pub(crate) fn merge(&mut self, other: BadCollector) {
        self.total += other.total;
        let room = MAX_EXAMPLES.saturating_sub(self.examples.len());
        self.examples.extend(other.examples.into_iter().take(room));
    }

    pub(crate) fn finish(self, column: &str, kind: ColumnKind) -> Result<(), IngestError> {
        if self.total == 0 {
            Ok(())
        } else {
            Err(IngestError::BadValues {
                column: column.to_owned(),
                kind,
                examples: self.examples,
                total: self.total,
            })
        }
    }
}
