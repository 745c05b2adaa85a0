//! Reading a 100,000-row synthetic Klarna file (90,000 labelled + 10,000 unlabelled rows,
//! ~20 MB, semicolons and `NA`), whole and in chunks.
//!
//! `cargo bench -p pdscore-ingest --bench ingest -- --sample-size 10`
//!
//! The file is regenerated into `<target>/pdscore-ingest-bench/` on every run (0.2 s; the
//! target directory may be shared, so an existing file is not trusted); the path is printed so
//! `benches/peers/ingest_pandas.py` can time pandas on the same bytes (wall and CPU time), and
//! so that `cargo run --release -p pdscore-ingest --example read_loop -- FILE 20` can give the
//! CPU time per read next to the wall time. Figures: README, "CSV ingest" under Performance.

use std::path::PathBuf;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use pdscore_ingest::synth::{SynthParams, generate_to_path};
use pdscore_ingest::{CsvChunks, ReadOptions, Schema, read_csv};

fn bench_file() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target"),
        PathBuf::from,
    );
    let dir = target.join("pdscore-ingest-bench");
    std::fs::create_dir_all(&dir).expect("bench dir");
    let path = dir.join("klarna_synth_100k_seed42.csv");
    let partial = dir.join(format!(
        "klarna_synth_100k_seed42.{}.tmp",
        std::process::id()
    ));
    let params = SynthParams::new()
        .labelled_rows(90_000)
        .unlabelled_rows(10_000)
        .seed(42);
    generate_to_path(&params, &partial).expect("generate bench file");
    std::fs::rename(&partial, &path).expect("move bench file in place");
    println!("bench file: {}", path.display());
    path
}

fn ingest(c: &mut Criterion) {
    let path = bench_file();
    let bytes = std::fs::read(&path).expect("bench file");
    let mut group = c.benchmark_group("ingest_100k");
    group.throughput(Throughput::Bytes(bytes.len() as u64));
    group.measurement_time(Duration::from_secs(5));
    let klarna = ReadOptions::new().schema(Schema::klarna());
    group.bench_function("read_csv_file_klarna_schema", |b| {
        b.iter(|| read_csv(path.as_path(), &klarna).expect("read"));
    });
    group.bench_function("read_csv_bytes_klarna_schema", |b| {
        b.iter(|| read_csv(bytes.as_slice(), &klarna).expect("read"));
    });
    let inferred = ReadOptions::new();
    group.bench_function("read_csv_bytes_inferred", |b| {
        b.iter(|| read_csv(bytes.as_slice(), &inferred).expect("read"));
    });
    group.bench_function("csv_chunks_10k_rows", |b| {
        b.iter(|| {
            let mut rows = 0;
            for chunk in CsvChunks::open(&path, &klarna, 10_000).expect("open") {
                rows += chunk.expect("chunk").table.n_rows();
            }
            rows
        });
    });
    group.finish();
}

criterion_group!(benches, ingest);
criterion_main!(benches);
