//! Tests of member choice and of the ensemble's honesty inside the comparison.

use super::*;
use crate::candidate::default_candidates;

#[test]
fn members_are_the_best_of_distinct_families() {
    let all = default_candidates(0);
    let refs: Vec<&Candidate> = all.iter().collect();
    let pos = |name: &str| all.iter().position(|c| c.name == name).unwrap();
    let mut score = vec![0.1; all.len()];
    score[pos("gbm_balanced")] = 0.9;
    score[pos("gbm")] = 0.85;
    score[pos("logreg")] = 0.8;
    score[pos("scorecard")] = 0.7;
    score[pos("random_forest")] = 0.6;
    score[pos("ensemble")] = 1.0;
    let members = choose_members(&refs, &score, 3);
    let names: Vec<&str> = members.iter().map(|&i| all[i].name.as_str()).collect();
    assert_eq!(names, ["gbm_balanced", "logreg", "random_forest"]);
    let two = choose_members(&refs, &score, 2);
    assert_eq!(two.len(), 2);
}

#[test]
fn the_spec_checks_its_member_count() {
    for k in [2, 3, 5] {
        assert!(EnsembleSpec::default().members(k).check().is_ok());
    }
    for k in [0, 1, 6] {
        assert!(EnsembleSpec::default().members(k).check().is_err());
    }
    let fold = EnsembleFold {
        members: vec!["gbm".into(), "logreg".into()],
        intercept: -0.1,
        weights: vec![0.7, 0.25],
    };
    assert_eq!(fold.name(), "ensemble(gbm, logreg)");
    assert_eq!(
        fold.weights_text(),
        "gbm 0.700, logreg 0.250; intercept -0.100"
    );
}

/// The shipped synthetic sample (5,500 rows, Klarna's columns).
fn shipped_sample() -> crate::LabelledData {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/klarna_synth_sample.csv");
    let table = pdscore_ingest::read_csv(path.as_path(), &pdscore_ingest::ReadOptions::new())
        .expect("data/klarna_synth_sample.csv");
    let schema = pdscore_ingest::Schema::infer(&table, Some("default"), Some("uuid"))
        .expect("the sample's columns");
    crate::LabelledData::new(&table, &schema, None).expect("labels")
}

/// The ensemble of an outer fold is chosen, weighted and measured for the nested selection
/// without the labels of that fold's held-out rows: changing them (swapping defaulters and
/// non-defaulters, so the class counts and the folds stay) changes nothing but that fold's
/// outer figures. The members' fits on the fold are redone on the changed data too, the tuned
/// gbm's race included.
#[test]
fn the_outer_test_fold_plays_no_part_in_its_ensemble() {
    let data = shipped_sample();
    let names = ["logreg", "decision_tree", "gbm", "ensemble"];
    let candidates: Vec<Candidate> = default_candidates(0)
        .into_iter()
        .filter(|c| names.contains(&c.name.as_str()))
        .collect();
    let cv = crate::CvSpec::default();
    let folds = pdscore_resample::StratifiedKFold::new(cv.folds)
        .shuffle(true)
        .seed(cv.seed)
        .split(&data.y)
        .unwrap();
    let run = |data: &crate::LabelledData| {
        crate::compare::compare_on_folds(
            data,
            &candidates,
            &cv,
            &folds,
            None,
            std::time::Instant::now(),
        )
        .unwrap()
    };
    let before = run(&data);

    let mut changed = data.clone();
    let test = &folds[0].test;
    let positives: Vec<usize> = test.iter().copied().filter(|&i| data.y[i]).collect();
    let negatives: Vec<usize> = test.iter().copied().filter(|&i| !data.y[i]).collect();
    for (&p, &n) in positives.iter().zip(negatives.iter().rev()) {
        changed.y[p] = false;
        changed.y[n] = true;
    }
    assert!(!positives.is_empty());
    let after = run(&changed);

    let (a, b) = (
        before.result("ensemble").expect("the ensemble ran"),
        after.result("ensemble").expect("the ensemble ran"),
    );
    assert_eq!(a.ensemble_folds.len(), cv.folds);
    assert_eq!(
        a.ensemble_folds[0], b.ensemble_folds[0],
        "members and weights"
    );
    assert_eq!(
        a.inner[0], b.inner[0],
        "the nested selection's inner figures"
    );
    for &i in test {
        assert_eq!(
            a.oof[i].to_bits(),
            b.oof[i].to_bits(),
            "held-out PD of row {i}"
        );
    }
    assert_ne!(
        a.folds[0], b.folds[0],
        "the changed labels do change the fold's figures"
    );
    // the gbm member is tuned: its race on the fold never saw the held-out labels either
    let (gbm_before, gbm_after) = (before.result("gbm").unwrap(), after.result("gbm").unwrap());
    assert_eq!(gbm_before.tuned_folds.len(), cv.folds);
    assert_eq!(gbm_before.tuned_folds[0], gbm_after.tuned_folds[0]);
    for &i in test {
        assert_eq!(gbm_before.oof[i].to_bits(), gbm_after.oof[i].to_bits());
    }
    // the other folds trained on the changed rows: their members were refitted on them
    assert_ne!(
        before.result("gbm").unwrap().oof[folds[1].test[0]],
        after.result("gbm").unwrap().oof[folds[1].test[0]]
    );
}
