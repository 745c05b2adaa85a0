//! Arbitrary bytes -> the web app's JSON body parser (`{"rows": [...]}` -> CSV text) -> the
//! ingest reader with the pipeline's read options (as the `/api/score` handler does) -> score.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pdscore::prelude::*;
use pdscore_fuzz::{pipeline, transform_and_score};
use pdscore_web::json_rows::{RowsSpec, rows_to_csv};

fuzz_target!(|data: &[u8]| {
    let spec = RowsSpec::for_schema(pipeline().schema(), 1_000_000);
    let Ok(csv) = rows_to_csv(data, &spec) else {
        return;
    };
    for line in 0..=csv.row_lines.len() as u64 + 2 {
        let _ = csv.row_of_line(line);
    }
    let options = pipeline().read_options().delimiter(b',');
    if let Ok(table) = read_csv(csv.text.as_bytes(), &options) {
        transform_and_score(&table);
    }
});
