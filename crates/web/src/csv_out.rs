//! Writing results as CSV through the pipeline's scored-row writer
//! ([`pdscore::pipeline::output`]): the download quotes and escapes ids (CSV quoting and
//! formula neutralising) byte for byte as `pdscore predict` and the `predictions.csv` of
//! `cargo xtask evaluate` do. This module only picks the layout; it has no escaping of its own.

use pdscore::pipeline::ScoredCsv;
use pdscore::pipeline::output::escape_cell;

use crate::error::WebError;
use crate::store::StoredResult;

/// The delimiter of every CSV the web app writes.
const DELIMITER: u8 = b',';

/// The results as CSV: a header `<id column>,pd,decision`, then one line per row in file
/// order (`decision` is 1 for a row flagged as a likely defaulter, else 0).
///
/// # Errors
/// [`WebError::Internal`] if the pipeline's writer refused the layout (it accepts `,`, so this
/// would be a fault of the server, not of the upload).
pub(crate) fn results_csv(result: &StoredResult) -> Result<Vec<u8>, WebError> {
    let layout =
        ScoredCsv::new(result.id_column.as_str(), DELIMITER).map_err(|e| WebError::Internal {
            reason: format!("cannot lay out the CSV download: {e}"),
        })?;
    Ok(layout.to_vec(&result.ids, &result.pd, &result.decision))
}

/// One CSV header line (with its `\n`) of `names`, each escaped by the same rule as the ids.
pub(crate) fn header_line(names: &[&str]) -> String {
    let mut line = names
        .iter()
        .map(|name| escape_cell(name, DELIMITER))
        .collect::<Vec<_>>()
        .join(",");
    line.push('\n');
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A stored result with these ids (PD 0.5, not flagged) under the id column `id_column`.
    fn result_with(id_column: &str, ids: &[&str]) -> StoredResult {
        StoredResult::new(
            "x.csv".into(),
            id_column.into(),
            ids.iter().map(|&id| id.to_owned()).collect(),
            vec![0.5; ids.len()],
            vec![false; ids.len()],
            0.5,
            Vec::new(),
            None,
            String::new(),
        )
    }

    /// The id cells of the download of `ids`, as written.
    fn downloaded_ids(ids: &[&str]) -> Vec<String> {
        let text =
            String::from_utf8(results_csv(&result_with("id", ids)).expect("csv")).expect("UTF-8");
        let body = text.strip_prefix("id,pd,decision\n").expect("header");
        let suffix = ",0.5,0\n";
        assert_eq!(body.matches(suffix).count(), ids.len(), "{body:?}");
        body.split_inclusive(suffix)
            .map(|line| line.strip_suffix(suffix).expect("row").to_owned())
            .collect()
    }

    #[test]
    fn every_risky_first_character_is_escaped() {
        let cases = [
            ("=SUM(A1)", "'=SUM(A1)"),
            ("+1", "'+1"),
            ("-1", "'-1"),
            ("@cmd", "'@cmd"),
            ("\tx", "'\tx"),
            ("\rx", "\"'\rx\""),
            ("x=1", "x=1"),
            ("", ""),
        ];
        let ids: Vec<&str> = cases.iter().map(|c| c.0).collect();
        let want: Vec<&str> = cases.iter().map(|c| c.1).collect();
        assert_eq!(downloaded_ids(&ids), want);
    }

    #[test]
    fn documented_examples() {
        assert_eq!(
            downloaded_ids(&["=1+2", "a,b", "@x,\"y\"", "plain"]),
            ["'=1+2", "\"a,b\"", "\"'@x,\"\"y\"\"\"", "plain"]
        );
    }

    #[test]
    fn quotes_are_doubled_inside_quoted_cells() {
        assert_eq!(
            downloaded_ids(&["say \"hi\"", "line\nbreak"]),
            ["\"say \"\"hi\"\"\"", "\"line\nbreak\""]
        );
    }

    #[test]
    fn formulas_after_leading_spaces_and_a_leading_nul_are_escaped() {
        assert_eq!(
            downloaded_ids(&["  =1+2", " @SUM(A1)", "\0=1", "  plain"]),
            ["'  =1+2", "' @SUM(A1)", "'\0=1", "  plain"]
        );
    }

    #[test]
    fn the_download_is_the_pipeline_writers_bytes() {
        let ids = ["=1+2", "a,b", " -3", "safe"];
        let result = StoredResult::new(
            "x.csv".into(),
            "@uuid".into(),
            ids.iter().map(|&id| id.to_owned()).collect(),
            vec![0.25, 1.0, 0.0, 0.125],
            vec![false, true, false, false],
            0.5,
            Vec::new(),
            None,
            String::new(),
        );
        let mut shared = Vec::new();
        pdscore::pipeline::write_scored_csv(
            &mut shared,
            &ScoredCsv::new("@uuid", b',').expect("layout"),
            &ids,
            &result.pd,
            &result.decision,
        )
        .expect("write");
        assert_eq!(results_csv(&result).expect("csv"), shared);
        assert_eq!(
            String::from_utf8(shared).expect("UTF-8"),
            "'@uuid,pd,decision\n'=1+2,0.25,0\n\"a,b\",1,1\n' -3,0,0\nsafe,0.125,0\n"
        );
    }

    #[test]
    fn header_lines_escape_names_like_ids() {
        assert_eq!(header_line(&["uuid", "a,b", "=x"]), "uuid,\"a,b\",'=x\n");
    }
}
