//! Golden tests: every value of `tests/golden/cases.json` (computed by scikit-learn, scipy and
//! numpy with `tests/golden/make_golden.py`) is reproduced to 1e-12, except the fitted
//! calibration intercept and slope (to [`FIT_TOLERANCE`]). No Python is needed to run them.

use pdscore_metrics::{
    BinStrategy, ConfusionMatrix, HosmerLemeshow, MasterScale, MetricsError, RankedScores,
    average_precision_score, brier_score, calibration_curve, calibration_intercept_slope,
    expected_calibration_error, gini_score, hosmer_lemeshow, ks_statistic, labels_from_01,
    log_loss, mean_pd_ratio, roc_auc_score,
};
use serde_json::Value;

const TOLERANCE: f64 = 1e-12;

/// Tolerance of the calibration intercept and slope, relative to `max(1, |value|)`. The
/// references are iterative fits themselves: scipy's `brentq` on the score equation (intercept,
/// to 4ε relative) and scikit-learn's Newton-Cholesky `LogisticRegression` with `tol=1e-12`
/// (slope), which stops up to 3e-11 from the exact maximum on this fixture (the worst gap, on
/// `imbalance_1to500_1`, is printed by the test; a 40-digit Newton-Raphson puts ours within
/// 1e-15 of the exact values there). scikit-learn's default solver, lbfgs, stops up to 6e-8
/// away (the generator prints it), hence a tolerance with room for other solver versions.
const FIT_TOLERANCE: f64 = 1e-9;

/// Relative tolerance of p-values (Hosmer-Lemeshow, Jeffreys), which reach 1e-92 on the fixture
/// and are compared relative to themselves: far in a tail a p-value's relative sensitivity to
/// the statistic is about half the statistic (2e-13 is the worst gap here), and scipy's own
/// special functions are off by up to 2e-12 relative at extreme arguments
/// (`golden/README.md`).
const P_VALUE_TOLERANCE: f64 = 1e-11;

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

    /// `got` within `tolerance · max(1, |want|)` of `want`; returns the scaled gap.
    fn relative(&mut self, what: &str, got: f64, want: f64, tolerance: f64) -> f64 {
        self.compared += 1;
        let gap = if got == want {
            0.0
        } else {
            (got - want).abs() / want.abs().max(1.0)
        };
        if gap.is_nan() || gap > tolerance {
            self.failures
                .push(format!("{}: {what}: got {got:?}, want {want:?}", self.case));
        }
        gap
    }

    /// `got` within `tolerance · |want|` of `want` (a p-value, which may be tiny).
    fn tail(&mut self, what: &str, got: f64, want: f64, tolerance: f64) {
        self.compared += 1;
        if got != want && ((got - want).abs() > tolerance * want.abs() || got.is_nan()) {
            self.failures
                .push(format!("{}: {what}: got {got:?}, want {want:?}", self.case));
        }
    }

    /// A condition that must hold, e.g. an error where the reference has no value.
    fn expect(&mut self, what: &str, holds: bool, detail: impl std::fmt::Debug) {
        self.compared += 1;
        if !holds {
            self.failures
                .push(format!("{}: {what}: {detail:?}", self.case));
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

/// Checks one Hosmer-Lemeshow result (or the error where the reference has none).
fn check_hosmer_lemeshow(
    check: &mut Checker,
    what: &str,
    got: Result<HosmerLemeshow, MetricsError>,
    want: &Value,
) {
    if want.is_null() {
        check.expect(what, got.is_err(), got);
        return;
    }
    let Ok(got) = got else {
        check.expect(what, false, got);
        return;
    };
    check.relative(
        &format!("{what}.statistic"),
        got.statistic,
        num(&want["statistic"]),
        TOLERANCE,
    );
    check.tail(
        &format!("{what}.p_value"),
        got.p_value,
        num(&want["p_value"]),
        P_VALUE_TOLERANCE,
    );
    let counts = (got.df as u64, got.groups as u64);
    let wanted = (want["df"].as_u64(), want["groups"].as_u64());
    check.expect(
        &format!("{what}.df/groups"),
        wanted == (Some(counts.0), Some(counts.1)),
        counts,
    );
}

#[test]
fn every_calibration_and_credit_value_is_reproduced() {
    let fixture = load();
    let cases = fixture["cases"].as_array().expect("cases");
    let (mut failures, mut compared, mut worst_fit) = (Vec::new(), 0, 0.0_f64);
    let scale = MasterScale::default();
    for case in cases {
        let mut check = Checker {
            case: case["name"].as_str().expect("name").to_owned(),
            failures: Vec::new(),
            compared: 0,
        };
        let y = labels_from_01(&nums(&case["y_true"])).expect("0/1 labels");
        let p = nums(&case["scores"]);
        let weights = (!case["sample_weight"].is_null()).then(|| nums(&case["sample_weight"]));
        let w = weights.as_deref();
        let n_bins = case["n_bins"].as_u64().expect("n_bins") as usize;
        let e = &case["expected"]["credit_calibration"];

        // Calibration metrics take no weights: the reference ignores them too.
        let ece = |bins| expected_calibration_error(&y, &p, bins).expect("ece");
        check.scalar("ece", ece(n_bins), num(&e["ece"]));
        check.scalar("ece_10", ece(10), num(&e["ece_10"]));
        let ratio = mean_pd_ratio(&y, &p).expect("ratio");
        check.relative("mean_pd_ratio", ratio, num(&e["mean_pd_ratio"]), TOLERANCE);
        let hl = hosmer_lemeshow(&y, &p, n_bins);
        check_hosmer_lemeshow(&mut check, "hosmer_lemeshow", hl, &e["hosmer_lemeshow"]);
        let hl = hosmer_lemeshow(&y, &p, 10);
        check_hosmer_lemeshow(
            &mut check,
            "hosmer_lemeshow_10",
            hl,
            &e["hosmer_lemeshow_10"],
        );

        let want = &e["calibration_fit"];
        let fit = calibration_intercept_slope(&y, &p);
        if want["error"].is_null() {
            let fit = fit.expect("a finite fit");
            for (key, got) in [
                ("intercept", fit.intercept),
                ("slope", fit.slope),
                ("slope_intercept", fit.slope_intercept),
            ] {
                let gap = check.relative(key, got, num(&want[key]), FIT_TOLERANCE);
                worst_fit = worst_fit.max(gap);
            }
        } else {
            let undefined = matches!(fit, Err(MetricsError::NoFiniteFit { .. }));
            check.expect("calibration_fit", undefined, (&want["error"], fit));
        }

        // Ranking metrics do take the weights.
        let ranked = RankedScores::new(&y, &p, w).expect("valid input");
        check.scalar("gini", ranked.gini().expect("gini"), num(&e["gini"]));
        check.scalar(
            "gini_score",
            gini_score(&y, &p, w).expect("gini"),
            num(&e["gini"]),
        );
        check.scalar("ks", ranked.ks_statistic().expect("ks"), num(&e["ks"]));
        check.scalar(
            "ks_statistic",
            ks_statistic(&y, &p, w).expect("ks"),
            num(&e["ks"]),
        );

        let rows = scale.table(&y, &p).expect("grade table");
        let want_rows = e["grades"].as_array().expect("grades");
        check.expect("grades", rows.len() == want_rows.len(), rows.len());
        for (row, want) in rows.iter().zip(want_rows) {
            let what = format!("grade {}", row.grade);
            let counts = (want["count"].as_u64(), want["defaults"].as_u64());
            check.expect(&what, counts == (Some(row.count), Some(row.defaults)), row);
            for (key, got) in [
                ("mean_pd", row.mean_pd),
                ("observed_rate", row.observed_rate),
                ("jeffreys_p_value", row.jeffreys_p_value),
            ] {
                let what = format!("{what}.{key}");
                match got {
                    Some(got) if key == "jeffreys_p_value" => {
                        check.tail(&what, got, num(&want[key]), P_VALUE_TOLERANCE);
                    }
                    Some(got) => {
                        check.relative(&what, got, num(&want[key]), TOLERANCE);
                    }
                    None => check.expect(&what, want[key].is_null(), row),
                }
            }
        }
        compared += check.compared;
        failures.extend(check.failures);
    }
    assert!(
        failures.is_empty(),
        "{} of {compared} values differ from the reference:\n{}",
        failures.len(),
        failures.join("\n")
    );
    println!(
        "{compared} calibration and credit values match; worst fit gap {worst_fit:e} \
         (tolerance {FIT_TOLERANCE:e})"
    );
}
