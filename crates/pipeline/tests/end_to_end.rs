//! Comparison -> fit -> save -> load -> score on a small synthetic table with every column kind
//! and missing values.

use pdscore_ingest::{CategoricalColumn, Column, ColumnData, Schema, Table};
use pdscore_metrics::{ConfusionMatrix, ThresholdObjective};
use pdscore_pipeline::{
    Candidate, CvSpec, FeaturePreset, LabelledData, Pipeline, PipelineError, TrainOptions, compare,
    default_candidates, take_rows,
};

/// Deterministic pseudo-random numbers in [0, 1) (SplitMix64), so the test data needs no crate.
struct Mix(u64);
impl Mix {
    fn next(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// `n` rows: id, two numeric columns (one with missing cells), a categorical and a boolean
/// column, and a 0/1 target (missing for the last `unlabelled` rows) that depends on them.
fn synthetic(n: usize, unlabelled: usize, seed: u64) -> Table {
    let mut r = Mix(seed);
    let (mut id, mut x1, mut x2, mut cat, mut flag, mut target) =
        (vec![], vec![], vec![], vec![], vec![], vec![]);
    let levels = ["red", "green", "blue", "rare"];
    for i in 0..n {
        let a = r.next() * 4.0 - 2.0;
        let b = r.next() * 10.0;
        let level = if r.next() < 0.01 {
            3
        } else {
            (r.next() * 3.0) as usize
        };
        let f = r.next() < 0.5;
        let z = -3.0
            + 1.5 * a
            + 0.2 * b
            + if level == 0 { 1.0 } else { 0.0 }
            + if f { 0.5 } else { 0.0 };
        let y = r.next() < 1.0 / (1.0 + (-z).exp());
        id.push(Some(format!("row{i}")));
        x1.push(a);
        x2.push(if r.next() < 0.1 { f64::NAN } else { b });
        cat.push(if r.next() < 0.05 {
            None
        } else {
            Some(levels[level])
        });
        flag.push(Some(f));
        target.push(if i >= n - unlabelled {
            f64::NAN
        } else if y {
            1.0
        } else {
            0.0
        });
    }
    Table::new(vec![
        Column {
            name: "id".into(),
            data: ColumnData::Categorical(CategoricalColumn::from_values(&id)),
        },
        Column {
            name: "x1".into(),
            data: ColumnData::Numeric(x1),
        },
        Column {
            name: "x2".into(),
            data: ColumnData::Numeric(x2),
        },
        Column {
            name: "colour".into(),
            data: ColumnData::Categorical(CategoricalColumn::from_values(&cat)),
        },
        Column {
            name: "flag".into(),
            data: ColumnData::Boolean(flag),
        },
        Column {
            name: "default".into(),
            data: ColumnData::Numeric(target),
        },
    ])
    .expect("equal column lengths")
}

fn schema(table: &Table) -> Schema {
    Schema::infer(table, Some("default"), Some("id")).expect("columns exist")
}

#[test]
fn compare_fit_save_load_score() {
    let table = synthetic(1200, 50, 7);
    let schema = schema(&table);
    let data = LabelledData::new(&table, &schema, Some("abc".into())).unwrap();
    assert_eq!(data.len(), 1150);
    assert_eq!(data.unlabelled_rows.len(), 50);
    let candidates = default_candidates(0);
    let cv = CvSpec::default().folds(3);
    let comparison = compare(&data, &candidates, &cv, None).unwrap();
    assert!(comparison.failed.is_empty(), "{:?}", comparison.failed);
    assert_eq!(comparison.results.len(), candidates.len());
    for r in &comparison.results {
        assert_eq!(r.fold_roc_auc.len(), 3);
        assert!(r.oof.iter().all(|p| (0.0..=1.0).contains(p)));
        // the signal is strong: every candidate ranks far better than chance
        assert!(
            r.roc_auc > 0.75,
            "{} roc auc {}",
            r.candidate.name,
            r.roc_auc
        );
        let c = &r.confusion;
        let total = c.true_positives + c.false_positives + c.true_negatives + c.false_negatives;
        assert_eq!(total as usize, data.len());
    }
    let grid = comparison.result("logreg_grid").unwrap();
    assert_eq!(grid.chosen_positive_weights.len(), 3);

    let options = TrainOptions {
        created_at: Some("2026-01-02T03:04:05Z".into()),
        ..TrainOptions::default()
    };
    let pipeline = Pipeline::fit(&data, &comparison, &options).unwrap();
    let card = pipeline.card();
    assert_eq!(card.created_at, "2026-01-02T03:04:05Z");
    assert_eq!(card.training_data.sha256.as_deref(), Some("abc"));
    assert_eq!(card.model.candidate, comparison.best().candidate.name);
    assert_eq!(card.threshold.value, comparison.best().threshold);
    assert_eq!(card.cv.models.len(), candidates.len());
    assert!(!card.feature_importance.values.is_empty());
    let colour = card
        .schema
        .columns
        .iter()
        .find(|c| c.name == "colour")
        .unwrap();
    assert!(colour.levels.contains(&"green".to_string()));

    let html = pdscore_pipeline::report::html(&comparison, card).unwrap();
    assert_eq!(
        html.matches("<svg").count(),
        2 + comparison.results.len(),
        "ROC and PR charts, and a reliability diagram per model"
    );
    assert!(
        !html.contains("src=") && !html.contains("<link"),
        "no external assets"
    );
    for r in &comparison.results {
        assert!(html.contains(&r.candidate.name));
    }
    let md = pdscore_pipeline::report::markdown(&comparison, card).unwrap();
    assert!(md.contains(&format!("**{}** (best)", comparison.best().candidate.name)));
    // the gains table: ten deciles from the riskiest, ending with every default caught
    let gains = md.split("## Gains (lift)").nth(1).expect("a gains section");
    let decile_rows: Vec<&str> = gains
        .lines()
        .filter(|l| l.starts_with("| ") && l.chars().nth(2).is_some_and(|c| c.is_ascii_digit()))
        .collect();
    assert_eq!(decile_rows.len(), 10, "{gains}");
    assert!(
        decile_rows[9].ends_with("| 100.0 % |"),
        "{}",
        decile_rows[9]
    );
    assert!(html.contains("<h2>Gains (lift)</h2>"));

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("model.json");
    pipeline.save(&path).unwrap();
    let loaded = Pipeline::load(&path).unwrap();
    assert_eq!(loaded.card(), pipeline.card());
    let a = pipeline.score(&table).unwrap();
    let b = loaded.score(&table).unwrap();
    assert_eq!(a, b);
    assert_eq!(a.ids[0], "row0");
    let eval = a.evaluation.as_ref().unwrap();
    assert_eq!(eval.labelled_rows, 1150);
    assert!(eval.roc_auc.unwrap() > 0.75);
    for (p, d) in a.pd.iter().zip(&a.decision) {
        assert_eq!(*d, *p >= a.threshold);
    }

    // a row scored alone gets the same PD, bit for bit
    for row in [0, 17, 1199] {
        let alone = loaded.score(&take_rows(&table, &[row])).unwrap();
        assert_eq!(alone.pd[0].to_bits(), a.pd[row].to_bits());
        assert_eq!(alone.ids[0], a.ids[row]);
    }

    // the same inputs give the same bytes
    let again = Pipeline::fit(
        &data,
        &compare(&data, &candidates, &cv, None).unwrap(),
        &options,
    )
    .unwrap();
    let (mut x, mut y) = (again.to_bytes().unwrap(), pipeline.to_bytes().unwrap());
    // wall-clock fields differ between runs: compare everything else
    strip_seconds(&mut x);
    strip_seconds(&mut y);
    assert_eq!(x, y);
}

/// Blanks the values of `"wall_seconds"` and `"fit_seconds"` fields and the checksum.
fn strip_seconds(bytes: &mut Vec<u8>) {
    let text = String::from_utf8(std::mem::take(bytes)).expect("JSON is UTF-8");
    let mut out = String::new();
    let mut rest = text.as_str();
    while let Some(pos) = rest.find("_seconds\":") {
        let (head, tail) = rest.split_at(pos + "_seconds\":".len());
        out.push_str(head);
        let end = tail.find([',', '}']).unwrap_or(tail.len());
        out.push('0');
        rest = &tail[end..];
    }
    out.push_str(rest);
    let start = out.find("\"sha256\":\"").expect("a checksum field") + 10;
    out.replace_range(start..start + 64, &"0".repeat(64));
    *bytes = out.into_bytes();
}

#[test]
fn named_candidate_and_threshold_policies() {
    let table = synthetic(600, 0, 3);
    let data = LabelledData::new(&table, &schema(&table), None).unwrap();
    let logreg = default_candidates(0).into_iter().next().unwrap();
    let recall = CvSpec::default()
        .folds(3)
        .threshold(ThresholdObjective::TargetRecall { recall: 0.9 });
    let comparison = compare(&data, std::slice::from_ref(&logreg), &recall, None).unwrap();
    // the target recall is reached on the pooled PDs the saved threshold was chosen on
    let best = comparison.best();
    let chosen =
        ConfusionMatrix::at_threshold(&comparison.y, &best.oof, None, best.threshold).unwrap();
    assert!(chosen.recall() >= 0.9);
    // the reported recall is cross-fitted (each fold at a threshold chosen on the others)
    assert!(best.recall >= 0.8, "{}", best.recall);
    let err = Pipeline::fit(
        &data,
        &comparison,
        &TrainOptions {
            candidate: Some("nope".into()),
            ..TrainOptions::default()
        },
    )
    .unwrap_err();
    assert!(
        matches!(err, PipelineError::UnknownCandidate { .. }),
        "{err}"
    );
}

#[test]
fn bad_inputs_are_errors() {
    let table = synthetic(40, 0, 1);
    let data = LabelledData::new(&table, &schema(&table), None).unwrap();
    let candidates = default_candidates(0);
    // more folds than positives
    let err = compare(&data, &candidates, &CvSpec::default().folds(30), None).unwrap_err();
    assert!(matches!(err, PipelineError::TooFewLabels { .. }), "{err}");
    assert!(compare(&data, &[], &CvSpec::default(), None).is_err());
    let twice = vec![candidates[0].clone(), candidates[0].clone()];
    assert!(compare(&data, &twice, &CvSpec::default().folds(2), None).is_err());
    let trees = Candidate::new("t", FeaturePreset::Trees, candidates[0].model.clone());
    // logistic regression cannot take the NaNs the tree preset keeps: reported, not a panic
    let err = compare(&data, &[trees], &CvSpec::default().folds(2), None).unwrap_err();
    assert!(
        matches!(err, PipelineError::NoCandidateSucceeded { .. }),
        "{err}"
    );
}
