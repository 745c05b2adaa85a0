//! No input may make the reader panic.

use pdscore_ingest::{CsvChunks, ReadOptions, Schema, read_csv};
use proptest::prelude::*;

fn csvish() -> impl Strategy<Value = Vec<u8>> {
    // Bytes biased towards the ones that matter to a CSV parser.
    let byte = prop_oneof![
        4 => prop::sample::select(b";,\t|\"\r\n01.eENAa-+ ".to_vec()),
        1 => any::<u8>(),
    ];
    prop::collection::vec(byte, 0..300)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn read_csv_never_panics(bytes in csvish()) {
        let _ = read_csv(bytes.as_slice(), &ReadOptions::new());
        let _ = read_csv(bytes.as_slice(), &ReadOptions::new().schema(Schema::klarna()));
        if let Ok(chunks) = CsvChunks::new(bytes.as_slice(), &ReadOptions::new(), 3) {
            for chunk in chunks.take(200) {
                let _ = chunk;
            }
        }
    }

    #[test]
    fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
        let _ = read_csv(bytes.as_slice(), &ReadOptions::new());
    }
}
