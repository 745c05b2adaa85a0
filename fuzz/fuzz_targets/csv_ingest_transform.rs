//! Arbitrary bytes -> `read_csv` (without a schema, with the Klarna schema, and with the fitted
//! pipeline's read options) -> fitted features transform and pipeline score.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pdscore::prelude::*;
use pdscore_fuzz::{pipeline, transform_and_score};

fuzz_target!(|data: &[u8]| {
    if let Ok(table) = read_csv(data, &ReadOptions::new()) {
        transform_and_score(&table);
    }
    if let Ok(table) = read_csv(data, &ReadOptions::new().schema(Schema::klarna())) {
        transform_and_score(&table);
    }
    if let Ok(table) = read_csv(data, &pipeline().read_options()) {
        transform_and_score(&table);
    }
});
