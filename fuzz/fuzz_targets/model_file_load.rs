//! Arbitrary bytes -> `Pipeline::from_bytes`, twice: the bytes as a whole file, and the bytes as
//! the file's content wrapped in a valid envelope (right format, version and checksum) so that
//! mutations reach the deserialisation of the fitted state instead of stopping at the checksum.
//! A pipeline that loads scores a few rows of the shipped sample and saves again.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use pdscore::pipeline::file::{FORMAT_VERSION, sha256_hex};
use pdscore::prelude::*;
use pdscore_fuzz::{head, sample_path};

fn rows() -> &'static Table {
    static ROWS: OnceLock<Table> = OnceLock::new();
    ROWS.get_or_init(|| {
        let bytes = std::fs::read(sample_path()).expect("sample reads");
        let table = read_csv(
            bytes.as_slice(),
            &ReadOptions::new().schema(Schema::klarna()),
        )
        .expect("sample parses");
        head(&table)
    })
}

fn exercise(bytes: &[u8]) {
    if let Ok(pipeline) = Pipeline::from_bytes(bytes, "fuzz.json") {
        let _ = pipeline.score(rows());
        let _ = pipeline.predict_proba(rows());
        let _ = pipeline.to_bytes();
    }
}

fuzz_target!(|data: &[u8]| {
    exercise(data);
    let mut wrapped = format!(
        "{{\"format\":\"pdscore-pipeline\",\"format_version\":{FORMAT_VERSION},\"sha256\":\"{}\",\"pipeline\":",
        sha256_hex(data)
    )
    .into_bytes();
    wrapped.extend_from_slice(data);
    wrapped.extend_from_slice(b"}\n");
    exercise(&wrapped);
});
