"""Generate tests/golden/cases.json: scikit-learn's values for the pdscore-metrics golden tests.

Needs: numpy, scipy, scikit-learn (the committed fixture was made with scikit-learn 1.9.1,
numpy 2.4.6, scipy 1.17.1).
Run from the workspace root:
    ${PDSCORE_PYTHON:-python3} crates/metrics/tests/golden/make_golden.py

Seeded: the same library versions give the same file. Floats are written with Python's repr
(shortest string that round-trips to the same double, i.e. exact); +inf is the string "inf".
"""

import json
import sys
import warnings
from pathlib import Path

import numpy as np
import scipy
import sklearn
from scipy import optimize, special, stats
from sklearn.calibration import calibration_curve
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import (
    average_precision_score,
    balanced_accuracy_score,
    brier_score_loss,
    confusion_matrix,
    f1_score,
    fbeta_score,
    log_loss,
    matthews_corrcoef,
    precision_recall_curve,
    precision_score,
    recall_score,
    roc_auc_score,
    roc_curve,
)

SEED = 20261127
OUT = Path(__file__).with_name("cases.json")


def floats(values):
    return ["inf" if v == np.inf else float(v) for v in np.asarray(values, dtype=float)]


# ---- calibration and credit metrics (pdscore definitions; no random draws, so adding them
# left every earlier value of the fixture unchanged)

CLIP = 1e-15
MASTER_SCALE = [0.005, 0.01, 0.02, 0.04, 0.08, 0.16]
FIT_AGREEMENT = {"lbfgs": 0.0}  # worst |lbfgs - newton-cholesky| over the fits, printed


def equal_count_groups(y, p, bins):
    o = np.argsort(p, kind="stable")
    y, p = y[o], p[o]
    return [(y[g], p[g]) for g in np.array_split(np.arange(len(p)), bins) if len(g)]


def ece(y, p, bins):
    # The definition of pdscore's reports, verbatim.
    o = np.argsort(p, kind="stable"); y, p = y[o], p[o]
    groups = np.array_split(np.arange(len(p)), bins)
    return sum(len(g)/len(p) * abs(y[g].mean() - p[g].mean()) for g in groups if len(g))


def hosmer_lemeshow(y, p, groups):
    if groups < 3 or len(p) < 3:
        return None
    statistic, count = 0.0, 0
    for yg, pg in equal_count_groups(y, p, groups):
        observed, expected, n = yg.sum(), pg.sum(), len(pg)
        numerator, denominator = (observed - expected) ** 2, expected * (1 - expected / n)
        if denominator > 0:
            statistic += numerator / denominator
        elif numerator != 0:
            statistic = np.inf
        count += 1
    df = count - 2
    return {"statistic": num(statistic), "df": df, "p_value": float(stats.chi2.sf(statistic, df)),
            "groups": count}


def calibration_fit(y, p):
    """Intercept (slope fixed at 1: root of the score equation by brentq) and slope
    (unpenalised LogisticRegression, newton-cholesky, tol 1e-12), or the reason there is none."""
    pc = np.clip(p, CLIP, 1 - CLIP)
    z = np.log(pc / (1 - pc))
    if z.min() == z.max():
        return {"error": "constant"}
    pos, neg = z[y == 1], z[y == 0]
    if neg.max() <= pos.min() or pos.max() <= neg.min():
        return {"error": "separated"}
    intercept = optimize.brentq(lambda a: special.expit(a + z).sum() - y.sum(), -80.0, 80.0,
                                xtol=1e-300, rtol=4 * np.finfo(float).eps, maxiter=1000)
    fits = {}
    for solver in ("newton-cholesky", "lbfgs"):
        model = LogisticRegression(C=np.inf, solver=solver, tol=1e-12, max_iter=10000)
        model.fit(z[:, None], y)
        fits[solver] = (float(model.intercept_[0]), float(model.coef_[0, 0]))
    gap = max(abs(a - b) / max(1.0, abs(b)) for a, b in zip(fits["lbfgs"], fits["newton-cholesky"]))
    FIT_AGREEMENT["lbfgs"] = max(FIT_AGREEMENT["lbfgs"], gap)
    slope_intercept, slope = fits["newton-cholesky"]
    return {"intercept": float(intercept), "slope": slope, "slope_intercept": slope_intercept}


def ks(y, p, sw):
    fpr, tpr, _ = roc_curve(y, p, sample_weight=sw, drop_intermediate=False)
    from_roc = float(np.max(np.abs(tpr - fpr)))
    if sw is None:
        statistic = float(stats.ks_2samp(p[y == 1], p[y == 0]).statistic)
        assert abs(statistic - from_roc) < 1e-15, (statistic, from_roc)
        return statistic
    return from_roc


def grade_table(y, p):
    grades = np.searchsorted(MASTER_SCALE, p, side="right")  # 0-based grade
    rows = []
    for g in range(len(MASTER_SCALE) + 1):
        members = grades == g
        count, defaults = int(members.sum()), int(y[members].sum())
        if count == 0:
            rows.append({"count": 0, "defaults": 0, "mean_pd": None, "observed_rate": None,
                         "jeffreys_p_value": None})
            continue
        mean_pd = float(p[members].mean())
        rows.append({
            "count": count,
            "defaults": defaults,
            "mean_pd": mean_pd,
            "observed_rate": defaults / count,
            "jeffreys_p_value": float(stats.beta.cdf(mean_pd, defaults + 0.5, count - defaults + 0.5)),
        })
    return rows


def credit_and_calibration(y, p, sw, n_bins):
    return {
        "ece": float(ece(y, p, n_bins)),
        "ece_10": float(ece(y, p, 10)),
        "hosmer_lemeshow": hosmer_lemeshow(y, p, n_bins),
        "hosmer_lemeshow_10": hosmer_lemeshow(y, p, 10),
        "mean_pd_ratio": float(p.mean() / y.mean()),
        "calibration_fit": calibration_fit(y, p),
        "gini": float(2 * roc_auc_score(y, p, sample_weight=sw) - 1),
        "ks": ks(y, p, sw),
        "grades": grade_table(y, p),
    }


def num(value):
    return "inf" if value == np.inf else float(value)


def make_inputs(rng, kind, n):
    """Labels, probabilities and optional weights for one case of the given kind."""
    prevalence = rng.uniform(0.05, 0.6)
    y = (rng.random(n) < prevalence).astype(int)
    y[0], y[-1] = 1, 0  # both classes always present
    signal = rng.uniform(0.0, 3.0)
    logits = rng.normal(size=n) + signal * (y - 0.5)
    p = 1.0 / (1.0 + np.exp(-logits))
    w = None
    if kind == "ties":
        p = np.round(p, int(rng.integers(1, 3)))  # many exact ties, values on bin edges
    elif kind == "weighted":
        w = rng.uniform(0.0, 3.0, size=n)
        w[rng.random(n) < 0.1] = 0.0  # zero weights are dropped by the curves
        w[0] = w[-1] = 1.0
    elif kind == "weighted_ties":
        p = np.round(p, 1)
        w = rng.integers(0, 4, size=n).astype(float)
        w[0] = w[-1] = 2.0
    elif kind == "all_equal":
        p = np.full(n, float(rng.choice([0.0, 0.25, 0.5, 1.0])))
    elif kind == "extreme":
        p = np.where(rng.random(n) < 0.2, np.round(p), p)  # exact 0s and 1s for log loss clipping
    return y, p, w


def case(rng, name, kind, n, y=None, p=None, w=None):
    if y is None:
        y, p, w = make_inputs(rng, kind, n)
    threshold = float(p[rng.integers(0, len(p))]) if rng.random() < 0.6 else float(rng.random())
    beta = float(rng.choice([0.5, 2.0, 3.0]))
    n_bins = int(rng.choice([1, 3, 5, 10]))
    sw = None if w is None else w
    y_pred = (p >= threshold).astype(int)
    tn, fp, fn, tp = confusion_matrix(y, y_pred, labels=[0, 1], sample_weight=sw).ravel()
    fpr, tpr, thr = roc_curve(y, p, sample_weight=sw, drop_intermediate=True)
    fpr_all, tpr_all, thr_all = roc_curve(y, p, sample_weight=sw, drop_intermediate=False)
    prec, rec, pthr = precision_recall_curve(y, p, sample_weight=sw)
    prec_d, rec_d, pthr_d = precision_recall_curve(y, p, sample_weight=sw, drop_intermediate=True)
    cal = {}
    for strategy in ("uniform", "quantile"):
        prob_true, prob_pred = calibration_curve(y, p, n_bins=n_bins, strategy=strategy)
        cal[strategy] = {"prob_true": floats(prob_true), "prob_pred": floats(prob_pred)}
    return {
        "name": name,
        "y_true": [int(v) for v in y],
        "scores": floats(p),
        "sample_weight": None if w is None else floats(w),
        "threshold": threshold,
        "beta": beta,
        "n_bins": n_bins,
        "expected": {
            "roc_auc": float(roc_auc_score(y, p, sample_weight=sw)),
            "average_precision": float(average_precision_score(y, p, sample_weight=sw)),
            "roc_curve": {"fpr": floats(fpr), "tpr": floats(tpr), "thresholds": floats(thr)},
            "roc_curve_all": {
                "fpr": floats(fpr_all),
                "tpr": floats(tpr_all),
                "thresholds": floats(thr_all),
            },
            "pr_curve": {"precision": floats(prec), "recall": floats(rec), "thresholds": floats(pthr)},
            "pr_curve_drop": {
                "precision": floats(prec_d),
                "recall": floats(rec_d),
                "thresholds": floats(pthr_d),
            },
            "brier": float(brier_score_loss(y, p, sample_weight=sw)),
            "log_loss": float(log_loss(y, p, sample_weight=sw, labels=[0, 1])),
            "confusion": {"tn": float(tn), "fp": float(fp), "fn": float(fn), "tp": float(tp)},
            "precision": float(precision_score(y, y_pred, sample_weight=sw, zero_division=0.0)),
            "recall": float(recall_score(y, y_pred, sample_weight=sw, zero_division=0.0)),
            "specificity": float(
                recall_score(y, y_pred, pos_label=0, sample_weight=sw, zero_division=0.0)
            ),
            "f1": float(f1_score(y, y_pred, sample_weight=sw, zero_division=0.0)),
            "fbeta": float(fbeta_score(y, y_pred, beta=beta, sample_weight=sw, zero_division=0.0)),
            "balanced_accuracy": float(balanced_accuracy_score(y, y_pred, sample_weight=sw)),
            "mcc": float(matthews_corrcoef(y, y_pred, sample_weight=sw)),
            "calibration": cal,
            "credit_calibration": credit_and_calibration(y, p, sw, n_bins),
        },
    }


def main():
    rng = np.random.default_rng(SEED)
    cases = []
    kinds = ["continuous", "ties", "weighted", "weighted_ties", "extreme"]
    for i in range(25):
        kind = kinds[i % len(kinds)]
        n = int(rng.integers(5, 300))
        cases.append(case(rng, f"{kind}_{i}_n{n}", kind, n))
    for i, n in enumerate([2, 3, 4, 7]):
        cases.append(case(rng, f"tiny_{i}_n{n}", "continuous", n))
    for i in range(3):
        n = int(rng.integers(3, 50))
        cases.append(case(rng, f"all_equal_{i}_n{n}", "all_equal", n))
    # Extreme imbalance 1:500, one unweighted and one weighted.
    for i, weighted in enumerate([False, True]):
        n = 1002
        y = np.zeros(n, dtype=int)
        y[rng.choice(n, size=2, replace=False)] = 1
        p = 1.0 / (1.0 + np.exp(-(rng.normal(size=n) + 2.0 * y - 4.0)))
        w = rng.uniform(0.5, 2.0, size=n) if weighted else None
        cases.append(case(rng, f"imbalance_1to500_{i}", None, n, y=y, p=p, w=w))
    # A perfect ranking and a reversed one.
    y = np.array([0] * 10 + [1] * 4)
    p = np.linspace(0.01, 0.99, 14)
    cases.append(case(rng, "perfect_ranking", None, 14, y=y, p=p))
    cases.append(case(rng, "reversed_ranking", None, 14, y=y[::-1].copy(), p=p))
    # Targeted cases for the calibration and credit metrics (drawn after every earlier case).
    # Three tied values in 37 rows: equal-count groups split the ties, in input order.
    n = 37
    p = rng.choice([0.1, 0.2, 0.3], size=n)
    y = (rng.random(n) < p * 2).astype(int)
    y[0], y[-1] = 1, 0
    cases.append(case(rng, "three_tied_values_n37", None, n, y=y, p=p))
    # Hosmer-Lemeshow groups of certain PDs: 0/0 contributes 0, then a default at PD 0 (inf).
    p = np.array([0.0] * 10 + list(np.linspace(0.2, 0.8, 10)) + [1.0] * 10)
    y = np.array([0] * 10 + [0, 1] * 5 + [1] * 10)
    cases.append(case(rng, "certain_groups_n30", None, 30, y=y, p=p))
    y = y.copy()
    y[3] = 1
    cases.append(case(rng, "default_at_pd_zero_n30", None, 30, y=y, p=p))
    # Calibrated by construction (y drawn with probability p): intercept ~ 0, slope ~ 1.
    n = 3000
    p = 1.0 / (1.0 + np.exp(-rng.normal(-2.0, 1.2, size=n)))
    y = (rng.random(n) < p).astype(int)
    cases.append(case(rng, "calibrated_n3000", None, n, y=y, p=p))
    # One overlapping pair: a steep but finite slope.
    y = np.array([0, 0, 0, 1, 0, 1, 1, 1])
    p = np.array([0.1, 0.2, 0.3, 0.4, 0.45, 0.6, 0.7, 0.8])
    cases.append(case(rng, "nearly_separated_n8", None, 8, y=y, p=p))
    meta = {
        "generator": "crates/metrics/tests/golden/make_golden.py",
        "seed": SEED,
        "sklearn": sklearn.__version__,
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "python": sys.version.split()[0],
    }
    OUT.write_text(json.dumps({"meta": meta, "cases": cases}, separators=(",", ":")) + "\n")
    print(f"wrote {len(cases)} cases to {OUT}")
    print(f"calibration slope fits: lbfgs vs newton-cholesky differ by at most "
          f"{FIT_AGREEMENT['lbfgs']:.1e} (relative to max(1, |value|))")


if __name__ == "__main__":
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zero_division / one-class bins warnings
        main()
