//! Golden tests: every value of `tests/golden/cases.json` (computed by scikit-learn with
//! `tests/golden/make_golden.py`) is reproduced to 1e-12. No Python is needed to run them.

use pdscore_metrics::{
    BinStrategy, ConfusionMatrix, RankedScores, average_precision_score, brier_score,
    calibration_curve, labels_from_01, log_loss, roc_auc_score,
};
use serde_json::Value;

const TOLERANCE: f64 = 1e-12;

fn load() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden/cases.json");
    let text = std::fs::read_to_string(path).expect("golden fixture is committed");
    serde_json::from_str(&text).expect("golden fixture is valid JSON")
}

fn num(value: &Value) -> f64 {
    match value {
        Value::String(s) if s == "inf" => f64::INFINITY,
        other => other.as_f64().expect("a number or \"inf\""),
    }
}

fn nums(value: &Value) -> Vec<f64> {
    value
        .as_array()
        .expect("an array")
        .iter()
        .map(num)
        .collect()
}

/// Collects mismatches so one run reports all of them.
struct Checker {
    case: String,
    failures: Vec<String>,
    compared: usize,
}

impl Checker {
    fn scalar(&mut self, what: &str, got: f64, want: f64) {
        self.compared += 1;
        let same = (got == want) || (got - want).abs() <= TOLERANCE;
        if !same {
            self.failures.push(format!(
                "{}: {what}: got {got:?}, sklearn {want:?}",
                self.case
            ));
        }
    }

    fn vector(&mut self, what: &str, got: &[f64], want: &[f64]) {
        if got.len() == want.len() {
            for (i, (&g, &w)) in got.iter().zip(want).enumerate() {
                self.scalar(&format!("{what}[{i}]"), g, w);
            }
        } else {
            self.failures.push(format!(
                "{}: {what}: length {} vs sklearn {}\n  got  {got:?}\n  want {want:?}",
                self.case,
                got.len(),
                want.len()
            ));
        }
    }
}

#[test]
fn every_sklearn_value_is_reproduced() {
    let fixture = load();
    let cases = fixture["cases"].as_array().expect("cases");
    assert!(cases.len() >= 30, "the fixture has {} cases", cases.len());
    let mut failures = Vec::new();
    let mut compared = 0;
    for case in cases {
        let mut check = Checker {
            case: case["name"].as_str().expect("name").to_owned(),
            failures: Vec::new(),
            compared: 0,
        };
        let labels: Vec<f64> = nums(&case["y_true"]);
        let y = labels_from_01(&labels).expect("0/1 labels");
        let scores = nums(&case["scores"]);
        let weights = (!case["sample_weight"].is_null()).then(|| nums(&case["sample_weight"]));
        let w = weights.as_deref();
        let threshold = num(&case["threshold"]);
        let beta = num(&case["beta"]);
        let n_bins = case["n_bins"].as_u64().expect("n_bins") as usize;
        let e = &case["expected"];

        let ranked = RankedScores::new(&y, &scores, w).expect("valid input");
        check.scalar(
            "roc_auc",
            ranked.roc_auc().expect("auc"),
            num(&e["roc_auc"]),
        );
        check.scalar(
            "average_precision",
            ranked.average_precision().expect("ap"),
            num(&e["average_precision"]),
        );
        // The one-shot functions stream over the sorted rows instead.
        check.scalar(
            "roc_auc_score",
            roc_auc_score(&y, &scores, w).expect("auc"),
            num(&e["roc_auc"]),
        );
        check.scalar(
            "average_precision_score",
            average_precision_score(&y, &scores, w).expect("ap"),
            num(&e["average_precision"]),
        );
        for (key, drop) in [("roc_curve", true), ("roc_curve_all", false)] {
            let roc = ranked.roc_curve(drop).expect("roc");
            check.vector(&format!("{key}.fpr"), &roc.fpr, &nums(&e[key]["fpr"]));
            check.vector(&format!("{key}.tpr"), &roc.tpr, &nums(&e[key]["tpr"]));
            let thresholds = nums(&e[key]["thresholds"]);
            check.vector(&format!("{key}.thresholds"), &roc.thresholds, &thresholds);
        }
        for (key, drop) in [("pr_curve", false), ("pr_curve_drop", true)] {
            let pr = ranked.precision_recall_curve(drop).expect("pr");
            check.vector(
                &format!("{key}.precision"),
                &pr.precision,
                &nums(&e[key]["precision"]),
            );
            check.vector(
                &format!("{key}.recall"),
                &pr.recall,
                &nums(&e[key]["recall"]),
            );
            let thresholds = nums(&e[key]["thresholds"]);
            check.vector(&format!("{key}.thresholds"), &pr.thresholds, &thresholds);
        }
        check.scalar(
            "brier",
            brier_score(&y, &scores, w).expect("brier"),
            num(&e["brier"]),
        );
        check.scalar(
            "log_loss",
            log_loss(&y, &scores, w).expect("log loss"),
            num(&e["log_loss"]),
        );

        let cm = ConfusionMatrix::at_threshold(&y, &scores, w, threshold).expect("cm");
        let c = &e["confusion"];
        check.scalar("tn", cm.true_negatives, num(&c["tn"]));
        check.scalar("fp", cm.false_positives, num(&c["fp"]));
        check.scalar("fn", cm.false_negatives, num(&c["fn"]));
        check.scalar("tp", cm.true_positives, num(&c["tp"]));
        // The same matrix read off the sorted scores.
        let ranked_cm = ranked.confusion_at(threshold).expect("cm");
        check.scalar("ranked tp", ranked_cm.true_positives, num(&c["tp"]));
        check.scalar("ranked fp", ranked_cm.false_positives, num(&c["fp"]));
        check.scalar("precision", cm.precision(), num(&e["precision"]));
        check.scalar("recall", cm.recall(), num(&e["recall"]));
        check.scalar("specificity", cm.specificity(), num(&e["specificity"]));
        check.scalar("f1", cm.f1(), num(&e["f1"]));
        check.scalar("fbeta", cm.f_beta(beta).expect("beta"), num(&e["fbeta"]));
        check.scalar(
            "balanced_accuracy",
            cm.balanced_accuracy(),
            num(&e["balanced_accuracy"]),
        );
        check.scalar("mcc", cm.matthews_corrcoef(), num(&e["mcc"]));

        for (key, strategy) in [
            ("uniform", BinStrategy::Uniform),
            ("quantile", BinStrategy::Quantile),
        ] {
            let curve = calibration_curve(&y, &scores, n_bins, strategy).expect("calibration");
            let want = &e["calibration"][key];
            check.vector(
                &format!("calibration.{key}.prob_true"),
                &curve.prob_true,
                &nums(&want["prob_true"]),
            );
            check.vector(
                &format!("calibration.{key}.prob_pred"),
                &curve.prob_pred,
                &nums(&want["prob_pred"]),
            );
        }
        compared += check.compared;
        failures.extend(check.failures);
    }
    assert!(
        failures.is_empty(),
        "{} of {compared} values differ from scikit-learn:\n{}",
        failures.len(),
        failures.join("\n")
    );
    println!("{compared} values match scikit-learn to {TOLERANCE:e}");
}
