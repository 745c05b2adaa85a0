//! Ragged rows: records whose number of fields differs from the header's.

use crate::error::IngestError;

/// Ragged rows found while tokenizing: the first [`crate::error::MAX_EXAMPLES`] and a count.
#[derive(Debug, Default)]
pub(crate) struct Ragged {
    pub(crate) examples: Vec<IngestError>,
    pub(crate) total: usize,
}

impl Ragged {
    pub(crate) fn push(&mut self, line: u64, expected: usize, found: usize) {
        self.total += 1;
        if self.examples.len() < crate::error::MAX_EXAMPLES {
            self.examples.push(IngestError::RaggedRow {
                line,
                expected,
                found,
            });
        }
    }

    pub(crate) fn shift_lines(&mut self, offset: u64) {
        for e in &mut self.examples {
            if let IngestError::RaggedRow { line, .. } = e {
                *line += offset;
            }
        }
    }

    pub(crate) fn merge(&mut self, other: Ragged) {
        self.total += other.total;
        let room = crate::error::MAX_EXAMPLES.saturating_sub(self.examples.len());
        self.examples.extend(other.examples.into_iter().take(room));
    }
}
