//! The `ensemble` candidate end to end on the shipped sample: it takes part in the comparison
//! with honest per-fold members and weights, is saved as one pipeline file that loads and scores
//! the same, scores a row alone as in a batch, and refuses what it cannot do (reasons,
//! scorecard) with a clear error.

use pdscore_ingest::{ReadOptions, Schema, Table, read_csv};
use pdscore_pipeline::{
    Candidate, CvRow, CvSpec, LabelledData, Pipeline, PipelineError, Scorecard, ScorecardParams,
    TrainOptions, compare, default_candidates, member_family, take_rows,
};

fn shipped_sample() -> (Table, LabelledData) {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/klarna_synth_sample.csv");
    let table = read_csv(path.as_path(), &ReadOptions::new()).expect("the shipped sample");
    let schema = Schema::infer(&table, Some("default"), Some("uuid")).expect("its columns");
    let data = LabelledData::new(&table, &schema, None).expect("labels");
    (table, data)
}

fn candidates(names: &[&str]) -> Vec<Candidate> {
    default_candidates(0)
        .into_iter()
        .filter(|c| names.contains(&c.name.as_str()))
        .collect()
}

#[test]
fn the_ensemble_is_a_candidate_saved_as_one_pipeline() {
    let (table, data) = shipped_sample();
    let candidates = candidates(&[
        "logreg",
        "scorecard",
        "decision_tree",
        "random_forest",
        "gbm",
        "ensemble",
    ]);
    let cv = CvSpec::default();
    let comparison = compare(&data, &candidates, &cv, None).unwrap();
    assert!(comparison.failed.is_empty(), "{:?}", comparison.failed);
    let result = comparison.result("ensemble").expect("the ensemble ran");
    assert_eq!(result.folds.len(), 5);
    assert_eq!(
        result.inner.len(),
        5,
        "inner figures for the nested selection"
    );
    assert_eq!(result.ensemble_folds.len(), 5);
    assert!(result.model_description.starts_with("ensemble("));
    for fold in &result.ensemble_folds {
        assert_eq!(fold.members.len(), 3, "{fold:?}");
        assert_eq!(fold.weights.len(), 3);
        assert!(fold.weights.iter().all(|&w| w >= 0.0), "{fold:?}");
        assert!(fold.weights.iter().any(|&w| w > 0.0), "{fold:?}");
        let families: Vec<&str> = fold
            .members
            .iter()
            .map(|m| member_family(&comparison.result(m).unwrap().candidate))
            .collect();
        let mut distinct = families.clone();
        distinct.sort_unstable();
        distinct.dedup();
        assert_eq!(
            distinct.len(),
            families.len(),
            "one member per family: {fold:?}"
        );
        assert!(!fold.members.iter().any(|m| m == "ensemble"));
    }
    // PDs, calibrated: the blend's mean PD is close to the observed rate
    assert!(result.oof.iter().all(|p| (0.0..=1.0).contains(p)));
    let ratio = result.calibration.mean_pd_ratio;
    assert!((0.8..1.25).contains(&ratio), "mean PD / observed {ratio}");
    // the ranking is at least that of a weak member
    let tree = comparison.result("decision_tree").unwrap();
    assert!(
        result.roc_auc > tree.roc_auc,
        "{} vs {}",
        result.roc_auc,
        tree.roc_auc
    );
    let row = serde_json::to_string(&CvRow::new(result)).unwrap();
    assert!(row.contains("\"ensemble\":[{\"members\":["), "{row}");
    let md =
        pdscore_pipeline::report::markdown(&comparison, &fit(&data, &comparison).card().clone())
            .unwrap();
    assert!(
        md.contains("ensemble: members and weights per fold"),
        "{md}"
    );

    let pipeline = fit(&data, &comparison);
    let card = pipeline.card();
    assert_eq!(card.model.candidate, "ensemble");
    assert_eq!(card.model.family, "ensemble");
    let ensemble = pipeline.ensemble().expect("an ensemble pipeline");
    let members = &card.ensemble.as_ref().expect("members in the card").members;
    assert_eq!(members.len(), ensemble.members.len());
    for (m, (name, w)) in members
        .iter()
        .zip(ensemble.members.iter().zip(ensemble.stack.weights()))
    {
        assert_eq!(&m.candidate, name);
        assert_eq!(m.weight, *w);
        assert!(
            card.to_text()
                .contains(&format!("member            {name}"))
        );
    }
    assert_eq!(card.threshold.value, result.threshold);

    // one file: format 3, loads back and scores the same
    let bytes = pipeline.to_bytes().unwrap();
    assert!(
        String::from_utf8_lossy(&bytes[..80]).contains("\"format_version\":3"),
        "{}",
        String::from_utf8_lossy(&bytes[..80])
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("model.json");
    pipeline.save(&path).unwrap();
    let loaded = Pipeline::load(&path).unwrap();
    assert_eq!(loaded.card(), card);
    let a = pipeline.score(&table).unwrap();
    let b = loaded.score(&table).unwrap();
    assert_eq!(a, b);
    let rate = data.y.iter().filter(|&&v| v).count() as f64 / data.y.len() as f64;
    let mean = a.pd.iter().sum::<f64>() / a.pd.len() as f64;
    assert!(
        (mean / rate - 1.0).abs() < 0.25,
        "mean PD {mean} vs rate {rate}"
    );
    // the blend is not its first member alone
    let first_alone: Vec<f64> = {
        let x = loaded.features().transform(&table).unwrap().matrix;
        let mut p = pdscore_models::FittedClassifier::predict_proba(loaded.model(), x.view())
            .unwrap()
            .to_vec();
        loaded.calibration().apply_in_place(&mut p);
        p
    };
    assert_ne!(first_alone, a.pd);

    // a row alone scores as in the batch, bit for bit
    for row in [0, 1, 17, 2024, table.n_rows() - 1] {
        let alone = loaded.score(&take_rows(&table, &[row])).unwrap();
        assert_eq!(alone.pd[0].to_bits(), a.pd[row].to_bits(), "row {row}");
    }

    // what an ensemble cannot do is a clear error; monitoring works
    let err = loaded.explain(&take_rows(&table, &[0])).unwrap_err();
    assert!(
        matches!(&err, PipelineError::NotExplainable(m) if m.contains("stacked ensemble")),
        "{err}"
    );
    let err = Scorecard::from_pipeline(&loaded, ScorecardParams::default()).unwrap_err();
    assert!(err.to_string().contains("stacked ensemble"), "{err}");
    let report = loaded.monitor(&take_rows(&table, &(0..500).collect::<Vec<_>>()));
    assert!(report.is_ok(), "{report:?}");
}

fn fit(data: &LabelledData, comparison: &pdscore_pipeline::Comparison) -> Pipeline {
    Pipeline::fit(
        data,
        comparison,
        &TrainOptions {
            created_at: Some("2026-01-02T03:04:05Z".into()),
            candidate: Some("ensemble".into()),
            target_rate: None,
        },
    )
    .expect("the ensemble refits")
}

/// With one model family among the candidates there is nothing to stack: the ensemble fails
/// with a message that says so, and the others are compared as usual.
#[test]
fn an_ensemble_of_one_family_fails_clearly() {
    let (_, data) = shipped_sample();
    let candidates = candidates(&["logreg", "logreg_balanced", "ensemble"]);
    let comparison = compare(&data, &candidates, &CvSpec::default().folds(3), None).unwrap();
    assert_eq!(comparison.results.len(), 2);
    let failed = &comparison.failed[0];
    assert_eq!(failed.name, "ensemble");
    assert!(
        failed.error.contains("at least 2 model families"),
        "{}",
        failed.error
    );
}
