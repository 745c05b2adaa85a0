//! Tests of the calibration comparison: parsing the peer's figures, the verdict, the table.

use super::*;
use crate::peer_setup::CalibrationMode;

fn figures(side: &str, model: &str, calibration: Option<&str>, log_loss: f64) -> ModelFigures {
    ModelFigures {
        side: side.into(),
        model: model.into(),
        base: model.split('+').next().unwrap().into(),
        calibration: calibration.map(Into::into),
        description: String::new(),
        fit_s: (side == "peer").then_some(2.25),
        warnings: Vec::new(),
        roc: [0.9, 0.01],
        pr: [0.8, 0.02],
        log_loss,
        brier: log_loss / 4.0,
        ece: 0.01,
        mean_pd: 0.22,
        fold_roc: vec![0.9; 5],
        fold_pr: vec![0.8; 5],
        fold_log_loss: vec![log_loss; 5],
    }
}

fn referee() -> RefereeReport {
    RefereeReport {
        rows: 1000,
        positives: 200,
        default_rate: 0.2,
        folds: 5,
        fold_source: "pdscore_oof.csv".into(),
        identical_folds: true,
        seed: 0,
        n_jobs: 1,
        calibration_cv: 3,
        ece_bins: 10,
        selected: Some("gbm".into()),
        best_peer: Some("lightgbm_300+isotonic".into()),
        verdict: Some(Verdict {
            pdscore: "gbm".into(),
            peer: "lightgbm_300+isotonic".into(),
            pdscore_log_loss: 0.5,
            peer_log_loss: 0.25,
            diff_per_fold: vec![0.25; 5],
            mean: 0.25,
            se: 0.0123,
        }),
        models: vec![
            figures("pdscore", "logreg", None, 0.4),
            figures("peer", "logreg", None, 0.45),
            figures("pdscore", "gbm", None, 0.5),
            figures("peer", "lightgbm_300+sigmoid", Some("sigmoid"), 0.3),
            figures("peer", "lightgbm_300+isotonic", Some("isotonic"), 0.25),
        ],
        failed: Vec::new(),
        versions: BTreeMap::from([("scikit-learn".into(), "1.9.1".into())]),
        threadpools: serde_json::Value::Null,
        thread_limits: BTreeMap::new(),
        thread_env: BTreeMap::new(),
        loadavg_1min_start_end: [1.0, 1.5],
        wall_s: 10.0,
    }
}

fn cells(line: &str) -> Vec<&str> {
    let v: Vec<&str> = line.split('|').map(str::trim).collect();
    v[1..v.len() - 1].to_vec()
}

#[test]
fn table_groups_sides_sorts_by_log_loss_and_marks_the_two_contenders() {
    let table = markdown_table(&referee());
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines.len(), 2 + 5);
    assert_eq!(cells(lines[0]).len(), 10);
    let rows: Vec<Vec<&str>> = lines[2..].iter().map(|l| cells(l)).collect();
    let order: Vec<(&str, &str)> = rows.iter().map(|c| (c[0], c[1])).collect();
    assert_eq!(
        order,
        [
            ("pdscore", "logreg"),
            ("pdscore", "**gbm** (selected)"),
            ("peer, calibrated", "**lightgbm_300+isotonic** (best peer)"),
            ("peer, calibrated", "lightgbm_300+sigmoid"),
            ("peer", "logreg"),
        ]
    );
    // gbm: log loss 0.5 is the worst of five; the isotonic peer the best.
    assert_eq!(rows[1][2], "0.5000");
    assert_eq!(rows[1][9], "5");
    assert_eq!(rows[2][9], "1");
    assert_eq!(rows[0][5], "0.2200 (1.10x)");
    assert_eq!(rows[0][6], "0.9000 ± 0.0100");
    assert_eq!(rows[0][8], "-", "no fit seconds exported");
    assert_eq!(rows[2][8], "2.2", "peer fit seconds, one decimal");
}

#[test]
fn verdict_line_names_both_models_and_the_paired_difference() {
    let r = referee();
    assert_eq!(
        verdict_line(&r),
        "verdict: pdscore's selected model log loss 0.5000 (gbm) vs best peer 0.2500 \
         (lightgbm_300+isotonic); paired fold difference (pdscore - peer) +0.2500 ± 0.0123 \
         (mean ± se over 5 folds)"
    );
    let none = RefereeReport {
        verdict: None,
        best_peer: None,
        ..r
    };
    assert!(verdict_line(&none).contains("no peer ran"));
}

#[test]
fn report_text_has_heading_versions_table_verdict_and_failures() {
    let mut referee = referee();
    referee.failed = vec![("histgb".into(), "ValueError()".into())];
    referee.thread_limits = BTreeMap::from([("blas".into(), 1), ("openmp".into(), 2)]);
    let report = CalibrationReport {
        data: "credit_risk".into(),
        path: "c.csv".into(),
        target: "loan_status".into(),
        threads: 2,
        cpus: 2,
        loadavg_1min_start_end: [Some(1.0), None],
        wall_s: 12.0,
        python: "python".into(),
        pdscore_oof: "o.csv".into(),
        peers_oof: "p.csv".into(),
        pdscore: PdscoreRun {
            selected: "gbm".into(),
            selection_metric: "pr_auc".into(),
            evaluate_wall_s: 2.0,
            comparison_wall_s: 1.5,
            fit_seconds: BTreeMap::new(),
            failed: vec![("mlp".into(), "diverged".into())],
            labelled_rows: 1000,
            delimiter: ",".into(),
            id: None,
            threads: 2,
        },
        referee,
    };
    let text = report_text(&report);
    assert!(text.starts_with("### calibration, credit_risk: 1000 rows (200 positive"));
    assert!(text.contains("load average 1.0 -> ?"), "{text}");
    assert!(text.contains("scikit-learn 1.9.1, lightgbm ?"), "{text}");
    assert!(
        text.contains("peer thread limits blas 1, openmp 2"),
        "{text}"
    );
    assert!(text.contains("| side | model |") && text.contains("\nverdict: "));
    assert!(text.contains("failed (pdscore): mlp: diverged"));
    assert!(text.contains("failed (peer): histgb: ValueError()"));
}

#[test]
fn referee_json_of_the_script_parses() {
    // The shape calibrated_cv.py writes (extra keys ignored, NaN-free).
    let json = r#"{"data": "x.csv", "target": "y", "positive": "1", "dropped": [],
        "rows": 10, "positives": 2, "default_rate": 0.2, "folds": 2,
        "fold_source": "/t/pdscore_oof.csv", "identical_folds": true, "seed": 0, "n_jobs": 1,
        "calibration_cv": 3, "ece_bins": 10, "selected": "gbm", "best_peer": "logreg",
        "verdict": {"pdscore": "gbm", "peer": "logreg", "pdscore_log_loss": 0.5,
            "peer_log_loss": 0.4, "diff_per_fold": [0.1, 0.1], "mean": 0.1, "se": 0.0},
        "models": [{"side": "peer", "model": "logreg", "base": "logreg", "calibration": null,
            "description": "d", "fit_s": 0.1, "warnings": [], "roc": [0.9, 0.1],
            "pr": [0.5, 0.1], "log_loss": 0.4, "brier": 0.1, "ece": 0.05, "mean_pd": 0.2,
            "fold_roc": [0.9, 0.9], "fold_pr": [0.5, 0.5], "fold_log_loss": [0.4, 0.4]}],
        "failed": [["histgb", "ValueError()"]],
        "versions": {"python": "3.11", "scikit-learn": "1.9.1"}, "threadpools": [],
        "loadavg_1min_start_end": [0.5, 0.7], "wall_s": 1.5}"#;
    let r: RefereeReport = serde_json::from_str(json).unwrap();
    assert_eq!(r.models[0].calibration, None);
    assert_eq!(
        r.failed,
        vec![("histgb".to_string(), "ValueError()".to_string())]
    );
    assert_eq!(r.verdict.unwrap().diff_per_fold, vec![0.1, 0.1]);
}

#[test]
fn names_are_checked_against_the_peer_list() {
    let known: Vec<String> = ["logreg", "histgb"].map(String::from).to_vec();
    check_names(&["histgb".into(), " logreg".into()], &known).unwrap();
    let err = check_names(&["xgb".into()], &known)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("`xgb`") && err.contains("logreg, histgb"),
        "{err}"
    );
}

#[test]
fn write_atomic_creates_parents_and_leaves_no_temporary_file() {
    let dir = std::env::temp_dir().join(format!("xtask-calibration-{}", std::process::id()));
    let path = dir.join("a/b/pdscore_oof.csv");
    write_atomic(&path, b"row,fold,model,y,score\n").unwrap();
    write_atomic(&path, b"row,fold,model,y,score\n0,1,gbm,0,0.5\n").unwrap();
    assert_eq!(
        fs::read_to_string(&path).unwrap(),
        "row,fold,model,y,score\n0,1,gbm,0,0.5\n"
    );
    let names: Vec<_> = fs::read_dir(path.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, vec![OsString::from("pdscore_oof.csv")]);
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn mode_flags_say_which_parts_run() {
    assert_eq!(CalibrationMode::default(), CalibrationMode::Also);
    let parts = |m: CalibrationMode| (m.runs_arms(), m.runs_calibration());
    assert_eq!(parts(CalibrationMode::Only), (false, true));
    assert_eq!(parts(CalibrationMode::Also), (true, true));
    assert_eq!(parts(CalibrationMode::Skip), (true, false));
}

fn with_folds(mut m: ModelFigures, roc: [f64; 3], pr: [f64; 3], ll: [f64; 3]) -> ModelFigures {
    let mean = |v: &[f64; 3]| v.iter().sum::<f64>() / 3.0;
    m.roc = [mean(&roc), 0.0];
    m.pr = [mean(&pr), 0.0];
    m.log_loss = mean(&ll);
    m.fold_roc = roc.to_vec();
    m.fold_pr = pr.to_vec();
    m.fold_log_loss = ll.to_vec();
    m
}

#[test]
fn beat_verdicts_take_the_best_peer_of_each_figure_and_pair_the_folds() {
    let mut r = referee();
    r.models = vec![
        with_folds(
            figures("pdscore", "gbm", None, 0.0),
            [0.80, 0.82, 0.84],
            [0.50, 0.52, 0.54],
            [0.40, 0.41, 0.42],
        ),
        // Best ROC AUC and log loss, worse PR AUC.
        with_folds(
            figures("peer", "histgb", None, 0.0),
            [0.81, 0.83, 0.85],
            [0.40, 0.40, 0.40],
            [0.39, 0.40, 0.41],
        ),
        // Best PR AUC of the peers, calibrated.
        with_folds(
            figures("peer", "lightgbm_300+isotonic", Some("isotonic"), 0.0),
            [0.70, 0.70, 0.70],
            [0.49, 0.51, 0.53],
            [0.50, 0.50, 0.50],
        ),
    ];
    let v = beat::figure_verdicts(&r, "gbm");
    assert_eq!(v.len(), 3);
    let roc = &v[0];
    assert_eq!(
        (roc.figure, roc.peer.as_str()),
        (beat::Figure::RocAuc, "histgb")
    );
    assert!((roc.diff_mean + 0.01).abs() < 1e-12 && roc.diff_se.abs() < 1e-12);
    assert!(!roc.met);
    let pr = &v[1];
    assert_eq!(pr.peer, "lightgbm_300+isotonic");
    assert!((pr.diff_mean - 0.01).abs() < 1e-12 && pr.met);
    let ll = &v[2];
    assert_eq!(
        (ll.figure, ll.peer.as_str()),
        (beat::Figure::LogLoss, "histgb")
    );
    assert!(
        (ll.diff_mean - 0.01).abs() < 1e-12 && !ll.met,
        "lower log loss wins"
    );
    assert!(beat::figure_verdicts(&r, "no_such_model").is_empty());
}

#[test]
fn beat_lines_judge_the_selected_and_the_nested_model_and_the_time() {
    let mut r = referee();
    let mut nested = figures("pdscore", beat::NESTED_MODEL, None, 0.45);
    nested.roc = [0.95, 0.0];
    r.models.push(nested);
    r.models.push(figures("peer", "stacking(a+b)", None, 0.3));
    let run = PdscoreRun {
        selected: "gbm".into(),
        selection_metric: "pr_auc".into(),
        evaluate_wall_s: 2.25,
        comparison_wall_s: 2.0,
        fit_seconds: BTreeMap::new(),
        failed: Vec::new(),
        labelled_rows: 1000,
        delimiter: ",".into(),
        id: None,
        threads: 2,
    };
    let text = beat::beat_lines(&run, &r);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3 + 3 + 1, "{text}");
    assert!(lines[0].starts_with("beat the peers, ROC AUC: pdscore gbm 0.9000"));
    assert!(lines[3].contains(&format!("pdscore {} 0.9500", beat::NESTED_MODEL)));
    assert!(lines[3].ends_with("-> at least as good"), "{}", lines[3]);
    // Uncalibrated peers only (logreg 2.25 s, stacking 2.25 s): 2.25 / 4.5.
    assert_eq!(beat::peer_same_work_seconds(&r), (4.5, 2));
    assert!(lines[6].ends_with("= 0.50x"), "{}", lines[6]);
}
