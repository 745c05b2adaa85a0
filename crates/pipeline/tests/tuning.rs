//! Hyper-parameter tuning inside the comparison, on the shipped sample: each outer fold records
//! what its race chose, the saved pipeline is the winning configuration and says so in its
//! card, and a spent budget gives exactly the untuned candidate.

use pdscore_ingest::{ReadOptions, Schema, read_csv};
use pdscore_models::registry::ModelSpec;
use pdscore_pipeline::{
    Candidate, CvSpec, GBM_TUNED_CONFIGS, LabelledData, Pipeline, TrainOptions, TuningSpec,
    compare, default_candidates,
};

fn shipped_sample() -> LabelledData {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/klarna_synth_sample.csv");
    let table = read_csv(path.as_path(), &ReadOptions::new()).expect("the shipped sample");
    let schema = Schema::infer(&table, Some("default"), Some("uuid")).expect("its columns");
    LabelledData::new(&table, &schema, None).expect("labels")
}

fn default_candidate(name: &str) -> Candidate {
    default_candidates(0)
        .into_iter()
        .find(|c| c.name == name)
        .expect("a default candidate")
}

/// The value of a searched GBM parameter in a saved spec, as the search writes it.
fn gbm_value(model: &ModelSpec, name: &str) -> f64 {
    let json = serde_json::to_value(model).expect("a spec serialises");
    assert_eq!(json["family"], "gbm", "{json}");
    json[name]
        .as_f64()
        .unwrap_or_else(|| panic!("{name} in {json}"))
}

#[test]
fn each_fold_races_its_configurations_and_the_card_names_the_winner() {
    let data = shipped_sample();
    let gbm = default_candidate("gbm");
    assert_eq!(gbm.tuning.map(|t| t.configs), Some(GBM_TUNED_CONFIGS));
    let cv = CvSpec::default().folds(3);
    let comparison = compare(&data, &[gbm], &cv, None).unwrap();
    let result = comparison.result("gbm").unwrap();
    assert_eq!(result.tuned_folds.len(), 3);
    for t in &result.tuned_folds {
        assert_eq!(t.configs, GBM_TUNED_CONFIGS);
        // 6 configurations on 1 inner fold, 2 on 2 more, the winner on the last 2
        assert_eq!(t.inner_fits, 6 + 2 * 2 + 2);
        assert!(!t.cut_by_budget);
        assert!(t.inner_score.is_finite() && t.inner_score > 0.0);
    }

    let pipeline = Pipeline::fit(&data, &comparison, &TrainOptions::default()).unwrap();
    let card = pipeline.card();
    let tuned = card.tuned.as_ref().expect("the card records the search");
    assert_eq!(tuned.configs, GBM_TUNED_CONFIGS);
    for (name, value) in &tuned.chosen {
        let saved = gbm_value(&card.model.parameters, name);
        assert_eq!(saved, value.parse::<f64>().unwrap(), "{name}");
    }
    if tuned.chosen.is_empty() {
        assert_eq!(card.model.parameters, default_candidate("gbm").model);
    } else {
        assert_ne!(card.model.parameters, default_candidate("gbm").model);
    }
    assert!(card.to_text().contains(&tuned.summary()));
}

#[test]
fn a_spent_budget_is_the_untuned_candidate_bit_for_bit() {
    let data = shipped_sample();
    let tuned = default_candidate("random_forest").tuning(TuningSpec::new(3));
    let untuned = Candidate {
        tuning: None,
        ..tuned.clone()
    };
    let cv = CvSpec::default().folds(3);
    let spent = compare(&data, &[tuned], &cv.clone().budget_seconds(0.0), None).unwrap();
    let plain = compare(&data, &[untuned], &cv, None).unwrap();
    let (a, b) = (&spent.results[0], &plain.results[0]);
    assert!(b.tuned_folds.is_empty());
    assert_eq!(a.tuned_folds.len(), 3);
    for t in &a.tuned_folds {
        assert!(t.cut_by_budget && t.chosen.is_empty() && t.configs == 1);
    }
    let bits = |v: &[f64]| v.iter().map(|p| p.to_bits()).collect::<Vec<_>>();
    assert_eq!(bits(&a.oof), bits(&b.oof));
    assert_eq!(a.inner, b.inner);
}

#[test]
fn tuning_a_family_without_a_search_space_is_an_error() {
    let logreg = default_candidate("logreg").tuning(TuningSpec::new(4));
    let e = logreg.check().unwrap_err().to_string();
    assert!(e.contains("no search space"), "{e}");
    let e = CvSpec::default()
        .budget_seconds(f64::NAN)
        .check()
        .unwrap_err()
        .to_string();
    assert!(e.contains("budget_seconds"), "{e}");
}
