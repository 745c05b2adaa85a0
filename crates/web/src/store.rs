//! Results kept in memory per upload: an unguessable id, a time-to-live and a total size cap
//! (oldest evicted first). Nothing is written to disk.

use axum::body::Bytes;
use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use pdscore::pipeline::Reason;
use rand::RngCore;
use rand::rngs::OsRng;
use serde::Serialize;

use crate::runlog::LogEntry;

/// A result id: 128 bits from the operating system's CSPRNG, written as 32 lowercase hex digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ResultId([u8; 16]);

impl ResultId {
    /// A fresh random id.
    pub fn random() -> Self {
        let mut bytes = [0u8; 16];
        OsRng.fill_bytes(&mut bytes);
        ResultId(bytes)
    }

    /// Parses 32 lowercase hex digits; anything else is `None`.
    pub fn parse(text: &str) -> Option<Self> {
        if text.len() != 32 {
            return None;
        }
        let mut bytes = [0u8; 16];
        for (i, pair) in text.as_bytes().chunks_exact(2).enumerate() {
            let hi = hex_value(pair[0])?;
            let lo = hex_value(pair[1])?;
            bytes[i] = (hi << 4) | lo;
        }
        Some(ResultId(bytes))
    }
}

fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        _ => None,
    }
}

impl fmt::Display for ResultId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for b in self.0 {
            write!(f, "{b:02x}")?;
        }
        Ok(())
    }
}

/// Metrics shown when the upload carried the target column.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EvaluationView {
    /// Rows with a label.
    pub labelled_rows: usize,
    /// Of those, defaulters.
    pub positives: usize,
    /// ROC AUC, when both classes are present.
    pub roc_auc: Option<f64>,
    /// PR AUC (average precision), when both classes are present.
    pub pr_auc: Option<f64>,
    /// Defaulters flagged.
    pub true_positives: u64,
    /// Good customers flagged.
    pub false_positives: u64,
    /// Good customers not flagged.
    pub true_negatives: u64,
    /// Defaulters missed.
    pub false_negatives: u64,
    /// ROC curve as an inline SVG document (empty when not defined).
    #[serde(skip)]
    pub roc_svg: String,
    /// Precision-recall curve as an inline SVG document (empty when not defined).
    #[serde(skip)]
    pub pr_svg: String,
}

/// How the results table is ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SortKey {
    /// Highest PD first (the default: the riskiest customers on page 1).
    PdDesc,
    /// Lowest PD first.
    PdAsc,
    /// Id ascending.
    IdAsc,
    /// Id descending.
    IdDesc,
    /// The order of the uploaded file.
    File,
}

impl SortKey {
    /// Every key, in the order of their cache slots.
    pub const ALL: [SortKey; 5] = [
        SortKey::PdDesc,
        SortKey::PdAsc,
        SortKey::IdAsc,
        SortKey::IdDesc,
        SortKey::File,
    ];

    /// The query-string name (`pd_desc`, `pd_asc`, `id_asc`, `id_desc`, `file`).
    pub fn as_str(self) -> &'static str {
        match self {
            SortKey::PdDesc => "pd_desc",
            SortKey::PdAsc => "pd_asc",
            SortKey::IdAsc => "id_asc",
            SortKey::IdDesc => "id_desc",
            SortKey::File => "file",
        }
    }

    /// Parses a query-string name.
    pub fn parse(text: &str) -> Option<Self> {
        SortKey::ALL.into_iter().find(|k| k.as_str() == text)
    }

    fn slot(self) -> usize {
        self as usize
    }
}

/// Longest uploaded file name or id column name kept (in characters); longer ones are cut.
pub const MAX_NAME_CHARS: usize = 200;

/// `text` cut to at most `max` characters.
fn truncate_chars(mut text: String, max: usize) -> String {
    if let Some((cut, _)) = text.char_indices().nth(max) {
        text.truncate(cut);
    }
    text
}

/// One scored upload, as kept in the store.
#[derive(Debug)]
pub struct StoredResult {
    /// The uploaded file's name (for the page title and the download name).
    pub source_name: String,
    /// Name of the id column in the output.
    pub id_column: String,
    /// Row ids, in file order.
    pub ids: Vec<String>,
    /// PD of each row.
    pub pd: Vec<f64>,
    /// `pd >= threshold` for each row.
    pub decision: Vec<bool>,
    /// The model's threshold.
    pub threshold: f64,
    /// The run log.
    pub log: Vec<LogEntry>,
    /// Metrics, when the upload had labels.
    pub evaluation: Option<EvaluationView>,
    /// The PD histogram (inline SVG).
    pub histogram_svg: String,
    /// When the result was stored.
    pub created: Instant,
    /// The CSV download, built once off the async workers ([`StoredResult::with_download`])
    /// and counted in [`StoredResult::approx_bytes`].
    pub download: Option<Bytes>,
    /// The principal reasons of each row (empty lists for rows not explained; no lists at all
    /// when none was), set by [`StoredResult::with_reasons`].
    pub reasons: Vec<Vec<Reason>>,
    orders: [OnceLock<Vec<u32>>; 5],
}

impl StoredResult {
    /// A result with its rows; `ids`, `pd` and `decision` have the same length.
    #[allow(
        clippy::too_many_arguments,
        reason = "one argument per stored field; a builder would only rename them"
    )]
    pub fn new(
        source_name: String,
        id_column: String,
        ids: Vec<String>,
        pd: Vec<f64>,
        decision: Vec<bool>,
        threshold: f64,
        log: Vec<LogEntry>,
        evaluation: Option<EvaluationView>,
        histogram_svg: String,
    ) -> Self {
        StoredResult {
            source_name: truncate_chars(source_name, MAX_NAME_CHARS),
            id_column: truncate_chars(id_column, MAX_NAME_CHARS),
            ids,
            pd,
            decision,
            threshold,
            log,
            evaluation,
            histogram_svg,
            created: Instant::now(),
            download: None,
            reasons: Vec::new(),
            orders: Default::default(),
        }
    }

    /// The result with the reasons of its rows (one list per row, or none at all).
    pub fn with_reasons(mut self, reasons: Vec<Vec<Reason>>) -> Self {
        self.reasons = reasons;
        self
    }

    /// The result with its CSV download attached.
    pub fn with_download(mut self, csv: Vec<u8>) -> Self {
        self.download = Some(Bytes::from(csv));
        self
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.pd.len()
    }

    /// True when there are no rows.
    pub fn is_empty(&self) -> bool {
        self.pd.is_empty()
    }

    /// Rows flagged as likely defaulters.
    pub fn flagged(&self) -> usize {
        self.decision.iter().filter(|&&d| d).count()
    }

    /// Row indices in `key` order (computed once per key, then cached). Ties keep file order.
    pub fn order(&self, key: SortKey) -> &[u32] {
        self.orders[key.slot()].get_or_init(|| {
            let mut rows: Vec<u32> = (0..self.pd.len() as u32).collect();
            let pd = |r: &u32| self.pd[*r as usize];
            let id = |r: &u32| self.ids[*r as usize].as_str();
            match key {
                SortKey::PdDesc => rows.sort_by(|a, b| pd(b).total_cmp(&pd(a))),
                SortKey::PdAsc => rows.sort_by(|a, b| pd(a).total_cmp(&pd(b))),
                SortKey::IdAsc => rows.sort_by(|a, b| id(a).cmp(id(b))),
                SortKey::IdDesc => rows.sort_by(|a, b| id(b).cmp(id(a))),
                SortKey::File => {}
            }
            rows
        })
    }

    /// Estimated memory held, in bytes (what the store's cap counts).
    pub fn approx_bytes(&self) -> usize {
        let ids: usize = self.ids.iter().map(|s| s.len() + 24).sum();
        let log: usize = self.log.iter().map(|e| e.message.len() + 64).sum();
        let svgs = self.histogram_svg.len()
            + self
                .evaluation
                .as_ref()
                .map_or(0, |e| e.roc_svg.len() + e.pr_svg.len());
        let names = self.source_name.len() + self.id_column.len();
        let download = self.download.as_ref().map_or(0, Bytes::len);
        let reasons: usize = self
            .reasons
            .iter()
            .map(|row| 24 + row.iter().map(|r| r.column.len() + 32).sum::<usize>())
            .sum();
        // Rows: id, pd, decision, and room for the sort orders.
        ids + self.pd.len() * (8 + 1 + 4 * SortKey::ALL.len())
            + log
            + svgs
            + names
            + download
            + reasons
            + 256
    }
}

#[derive(Debug, Default)]
struct Inner {
    results: HashMap<ResultId, Arc<StoredResult>>,
    /// Insertion order, oldest first.
    order: VecDeque<ResultId>,
    bytes: usize,
}

/// The in-memory result store, shared by every request.
#[derive(Debug)]
pub struct ResultStore {
    ttl: Duration,
    max_bytes: usize,
    inner: Mutex<Inner>,
}

impl ResultStore {
    /// A store keeping results for `ttl`, at most `max_bytes` in total.
    pub fn new(ttl: Duration, max_bytes: usize) -> Self {
        ResultStore {
            ttl,
            max_bytes,
            inner: Mutex::new(Inner::default()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A panic while holding the lock cannot leave the maps inconsistent in a way that
        // matters (at worst a stale entry), so keep serving.
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Stores `result` under a fresh id, evicting expired results and then the oldest until
    /// it fits. Returns `None` when the result alone is larger than the whole budget.
    pub fn insert(&self, result: StoredResult) -> Option<ResultId> {
        let size = result.approx_bytes();
        if size > self.max_bytes {
            return None;
        }
        let id = ResultId::random();
        let mut inner = self.lock();
        Self::evict_expired(&mut inner, self.ttl);
        while inner.bytes + size > self.max_bytes {
            let Some(oldest) = inner.order.pop_front() else {
                break;
            };
            if let Some(old) = inner.results.remove(&oldest) {
                inner.bytes -= old.approx_bytes();
            }
        }
        inner.bytes += size;
        inner.order.push_back(id);
        inner.results.insert(id, Arc::new(result));
        Some(id)
    }

    /// The result stored under `id`, unless it expired or was evicted.
    pub fn get(&self, id: ResultId) -> Option<Arc<StoredResult>> {
        let mut inner = self.lock();
        Self::evict_expired(&mut inner, self.ttl);
        inner.results.get(&id).cloned()
    }

    /// Number of results kept.
    pub fn len(&self) -> usize {
        self.lock().results.len()
    }

    /// True when no result is kept (only the tests ask; the server reports [`Self::len`]).
    #[cfg(test)]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn evict_expired(inner: &mut Inner, ttl: Duration) {
        while let Some(&oldest) = inner.order.front() {
            let expired = inner
                .results
                .get(&oldest)
                .is_none_or(|r| r.created.elapsed() >= ttl);
            if !expired {
                break;
            }
            inner.order.pop_front();
            if let Some(old) = inner.results.remove(&oldest) {
                inner.bytes -= old.approx_bytes();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn result(rows: usize) -> StoredResult {
        StoredResult::new(
            "f.csv".into(),
            "uuid".into(),
            (0..rows).map(|i| format!("id{i:05}")).collect(),
            (0..rows).map(|i| (i % 7) as f64 / 7.0).collect(),
            (0..rows).map(|i| i % 7 >= 5).collect(),
            5.0 / 7.0,
            Vec::new(),
            None,
            String::new(),
        )
    }

    #[test]
    fn the_download_is_counted_in_the_size() {
        let plain = result(100);
        let before = plain.approx_bytes();
        let with = result(100).with_download(vec![b'x'; 10_000]);
        assert_eq!(with.approx_bytes(), before + 10_000);
        assert_eq!(with.download.as_deref(), Some(&[b'x'; 10_000][..]));
    }

    #[test]
    fn long_names_are_cut_and_counted() {
        let long = "é".repeat(10_000);
        let stored = StoredResult::new(
            long.clone(),
            long,
            vec!["a".into()],
            vec![0.5],
            vec![true],
            0.5,
            Vec::new(),
            None,
            String::new(),
        );
        assert_eq!(stored.source_name.chars().count(), MAX_NAME_CHARS);
        assert_eq!(stored.id_column.chars().count(), MAX_NAME_CHARS);
        assert!(stored.approx_bytes() >= 2 * MAX_NAME_CHARS * "é".len());
    }

    #[test]
    fn ids_are_random_hex_and_round_trip() {
        let a = ResultId::random();
        let b = ResultId::random();
        assert_ne!(a, b);
        let text = a.to_string();
        assert_eq!(text.len(), 32);
        assert_eq!(ResultId::parse(&text), Some(a));
        assert_eq!(ResultId::parse("zz"), None);
        assert_eq!(ResultId::parse(&text.to_uppercase()), None);
        assert_eq!(ResultId::parse(&format!("{text}.csv")), None);
    }

    #[test]
    fn the_oldest_results_are_evicted_beyond_the_cap() {
        let size = result(100).approx_bytes();
        let store = ResultStore::new(Duration::from_mins(1), size * 2 + size / 2);
        let first = store.insert(result(100)).expect("fits");
        let second = store.insert(result(100)).expect("fits");
        assert!(store.get(first).is_some());
        let third = store.insert(result(100)).expect("fits");
        assert!(store.get(first).is_none(), "oldest evicted");
        assert!(store.get(second).is_some());
        assert!(store.get(third).is_some());
        assert_eq!(store.len(), 2);
        assert!(
            store.insert(result(10_000)).is_none(),
            "larger than the cap"
        );
    }

    #[test]
    fn results_expire_after_the_ttl() {
        let store = ResultStore::new(Duration::from_millis(20), 1 << 30);
        let id = store.insert(result(3)).expect("fits");
        assert!(store.get(id).is_some());
        std::thread::sleep(Duration::from_millis(40));
        assert!(store.get(id).is_none());
        assert!(store.is_empty());
    }

    #[test]
    fn orders_sort_by_pd_and_id_with_stable_ties() {
        let r = result(14);
        let desc = r.order(SortKey::PdDesc);
        assert!(
            desc.windows(2)
                .all(|w| r.pd[w[0] as usize] >= r.pd[w[1] as usize])
        );
        assert_eq!(desc[0], 6, "first row with the top PD");
        let asc = r.order(SortKey::PdAsc);
        assert!(
            asc.windows(2)
                .all(|w| r.pd[w[0] as usize] <= r.pd[w[1] as usize])
        );
        let ids = r.order(SortKey::IdDesc);
        assert_eq!(ids[0], 13);
        assert_eq!(r.order(SortKey::File)[3], 3);
        assert_eq!(SortKey::parse("id_asc"), Some(SortKey::IdAsc));
        assert_eq!(SortKey::parse("nope"), None);
    }
}
