"""Generate tests/golden/special.json: scipy's values of the special functions behind the p-values.

Needs: numpy, scipy, mpmath (the committed fixture was made with scipy 1.17.1, numpy 2.4.6,
mpmath 1.4.1). Run from the workspace root:
    ${PDSCORE_PYTHON:-python3} crates/metrics/tests/golden/make_special.py

Every row holds the arguments, scipy's value and the exact value (mpmath with 60 significant
digits, rounded to the nearest double). scipy's own error reaches about 1e-12 relative at some
extreme arguments (it computes `exp(a ln x - x - lgamma(a))` there), so the Rust tests check the
exact values tightly and scipy's to the looser agreement this script prints.

Deterministic grids (no randomness). Floats are written with Python's repr (exact).
"""

import json
import sys
from pathlib import Path

import mpmath as mp
import numpy as np
import scipy
from scipy import special, stats

OUT = Path(__file__).with_name("special.json")
mp.mp.dps = 60


def exact(value):
    return float(value)  # mpf -> nearest double


def exact_beta_inc(a, b, x):
    """I_x(a, b) to 60 digits: mpmath's own betainc is too slow for shapes near 10^6, so the
    continued fraction of Numerical Recipes (section 6.4) is evaluated in 60-digit arithmetic,
    with the power term from mpmath's loggamma. Checked against mp.betainc for small shapes."""
    a, b, x = mp.mpf(a), mp.mpf(b), mp.mpf(x)
    if x == 0 or x == 1:
        return float(x)
    if x >= (a + 1) / (a + b + 2):
        return exact(1 - _beta_tail(b, a, 1 - x))
    value = _beta_tail(a, b, x)
    if a + b < 60:
        reference = mp.betainc(a, b, 0, x, regularized=True)
        assert abs(value - reference) <= mp.mpf(10) ** -45 * abs(reference), (a, b, x)
    return exact(value)


def _beta_tail(a, b, x):
    log_power = a * mp.log(x) + b * mp.log1p(-x) - (mp.loggamma(a) + mp.loggamma(b) - mp.loggamma(a + b))
    fraction, c, d = None, mp.mpf(1), 1 / (1 - (a + b) * x / (a + 1))
    fraction = d
    m = 0
    while True:
        m += 1
        for coefficient in (
            m * (b - m) * x / ((a - 1 + 2 * m) * (a + 2 * m)),
            -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 1 + 2 * m)),
        ):
            d = 1 / (1 + coefficient * d)
            c = 1 + coefficient / c
            fraction *= d * c
        if abs(d * c - 1) < mp.mpf(10) ** -55:
            return mp.exp(log_power) * fraction / a


def grid_ln_gamma():
    xs = set(np.logspace(-3, 15, 181).tolist())
    xs.update([0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 0.9, 1.1, 1.9, 2.1, 7.0, 9.99, 10.0, 10.5, 14.5, 15.5])
    xs.update([1e6 + 0.5, 14300.5, 985700.5, 2.0**53])
    return [[x, float(special.gammaln(x)), exact(mp.loggamma(x))] for x in sorted(xs)]


def grid_beta_inc():
    shapes = [0.5, 1.0, 1.5, 2.5, 3.7, 10.5, 100.5, 1000.5, 14300.5, 1e5 + 0.5, 985700.5, 1e6 + 0.5]
    xs = [1e-300, 1e-12, 1e-6, 1e-4, 1e-3, 0.0143, 0.05, 0.1, 0.3, 0.5, 0.7, 0.9, 0.999, 1 - 1e-6]
    rows = []
    for a in shapes:
        for b in shapes:
            points = set(xs)
            # The hard region: around the mean, where neither tail is small.
            mean = a / (a + b)
            sd = np.sqrt(a * b / ((a + b) ** 2 * (a + b + 1)))
            for k in (-8, -3, -1, 0, 1, 3, 8):
                x = mean + k * sd
                if 0 < x < 1:
                    points.add(float(x))
            for x in sorted(points):
                rows.append([a, b, x, float(special.betainc(a, b, x)), exact_beta_inc(a, b, x)])
    return rows


def grid_gamma_q():
    shapes = [0.5, 1.0, 1.5, 2.0, 2.5, 3.5, 4.0, 5.0, 10.0, 49.5, 100.0, 1000.0, 1e5]
    rows = []
    for a in shapes:
        points = {0.0, 1e-10, 0.01, 0.5, 1.0, 2.0, 5.0, 20.0, 100.0, 700.0}
        for k in (-8, -3, -1, 0, 1, 3, 8, 20):
            x = a + 1 + k * np.sqrt(a)
            if x > 0:
                points.add(float(x))
        for x in sorted(points):
            rows.append([a, x, float(special.gammaincc(a, x)), exact(mp.gammainc(a, x, mp.inf, regularized=True))])
    return rows


def grid_jeffreys():
    """(defaults, count, pd, scipy.stats.beta.cdf(pd, defaults + 1/2, count - defaults + 1/2), exact)."""
    rows = []
    pds = [0.0, 1e-6, 1e-4, 0.001, 0.005, 0.0143, 0.02, 0.05, 0.16, 0.5, 0.9, 1 - 1e-6, 1.0]
    for count in [1, 2, 10, 100, 1000, 10_000, 89_976, 100_000, 1_000_000]:
        defaults = {0, 1, count, count // 2, int(round(count * 0.0143)), int(round(count * 0.001))}
        for d in sorted(d for d in defaults if d <= count):
            points = set(pds)
            rate = d / count
            points.update(float(v) for v in (rate * 0.9, rate * 1.1) if 0 < v < 1)
            for pd in sorted(points):
                value = float(stats.beta.cdf(pd, d + 0.5, count - d + 0.5))
                rows.append([d, count, pd, value, exact_beta_inc(d + 0.5, count - d + 0.5, pd)])
    return rows


def main():
    meta = {
        "generator": "crates/metrics/tests/golden/make_special.py",
        "scipy": scipy.__version__,
        "numpy": np.__version__,
        "mpmath": mp.__version__,
        "python": sys.version.split()[0],
    }
    fixture = {
        "meta": meta,
        "ln_gamma": grid_ln_gamma(),
        "beta_inc": grid_beta_inc(),
        "gamma_q": grid_gamma_q(),
        "jeffreys": grid_jeffreys(),
    }
    OUT.write_text(json.dumps(fixture, separators=(",", ":")) + "\n")
    for table, rows in fixture.items():
        if table != "meta":
            worst = max(abs(r[-2] - r[-1]) / abs(r[-1]) if r[-2] != r[-1] else 0.0 for r in rows)
            print(f"{table}: {len(rows)} rows, scipy's worst relative error {worst:.2e}")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
