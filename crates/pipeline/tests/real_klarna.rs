//! Train on the shipped synthetic Klarna-format sample, score the 10,000 real (unlabelled)
//! Klarna rows: a row's PD is the same bit for bit alone and inside the whole file, and every
//! model family (and the stacked ensemble) survives a save/load round trip. The real file lives in the shared data
//! (`pdscore_testkit::require_shared_data`); the test prints a reason and returns when it is
//! absent, or fails when `PDSCORE_REQUIRE_SHARED_DATA=1`.

use pdscore_ingest::read_csv;
use pdscore_pipeline::{
    CvSpec, InputSpec, LabelledData, Pipeline, TrainOptions, compare, default_candidates,
    read_training_csv, take_rows,
};
use pdscore_testkit::{require_shared_data, workspace_root};

/// The first `rows` labelled rows of the shipped sample, as labelled data.
fn sample(rows: usize) -> LabelledData {
    let path = workspace_root().join("data/klarna_synth_sample.csv");
    let input = read_training_csv(&InputSpec::new(&path, "default")).expect("shipped sample");
    let all = LabelledData::new(&input.table, &input.schema, None).expect("labels");
    let keep: Vec<usize> = (0..rows.min(all.len())).collect();
    let table = take_rows(&all.table, &keep);
    LabelledData::new(&table, &all.schema, Some(input.sha256)).expect("labels")
}

#[test]
fn row_alone_equals_row_in_the_real_file_and_every_family_round_trips() {
    let Some(real) = require_shared_data("klarna/unlabeled_10k_reformatted__samarthum_test.csv")
    else {
        return;
    };
    let data = sample(1500);
    let candidates = default_candidates(0);
    let cv = CvSpec::default().folds(2);
    let comparison = compare(&data, &candidates, &cv, None).expect("comparison");
    assert!(comparison.failed.is_empty(), "{:?}", comparison.failed);
    let dir = tempfile::tempdir().expect("temp dir");
    let mut families = std::collections::BTreeSet::new();
    for candidate in &candidates {
        let pipeline = Pipeline::fit(
            &data,
            &comparison,
            &TrainOptions {
                candidate: Some(candidate.name.clone()),
                created_at: Some("2026-01-01T00:00:00Z".into()),
                target_rate: None,
            },
        )
        .expect("fit");
        families.insert(pipeline.card().model.family.clone());
        let path = dir.path().join(format!("{}.json", candidate.name));
        pipeline.save(&path).expect("save");
        let loaded = Pipeline::load(&path).expect("load");
        assert_eq!(loaded.card(), pipeline.card());

        let table = read_csv(real.as_path(), &loaded.read_options()).expect("real Klarna rows");
        assert_eq!(table.n_rows(), 10_000);
        let whole = loaded.score(&table).expect("score whole file");
        let before = pipeline.score(&table).expect("score before saving");
        assert_eq!(
            whole.pd, before.pd,
            "{}: load changed the scores",
            candidate.name
        );
        assert!(whole.evaluation.is_none(), "the real rows have no labels");
        for row in [0, 1, 4_999, 9_999] {
            let alone = loaded
                .score(&take_rows(&table, &[row]))
                .expect("score one row");
            assert_eq!(
                alone.pd[0].to_bits(),
                whole.pd[row].to_bits(),
                "{} row {row}",
                candidate.name
            );
            assert_eq!(alone.ids[0], whole.ids[row]);
        }
    }
    assert!(
        families.remove("ensemble"),
        "the stacked ensemble saved and loaded too: {families:?}"
    );
    assert_eq!(
        families.len(),
        pdscore_models::ModelSpec::FAMILIES.len(),
        "every model family saved and loaded: {families:?}"
    );
}
