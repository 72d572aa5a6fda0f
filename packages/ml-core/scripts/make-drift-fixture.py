#!/usr/bin/python3
"""Writes test/fixtures/drift-scipy.json: samples and scipy's drift statistics for the ml-core
drift parity test (ks_2samp, chi2_contingency, wasserstein_distance, jensenshannon) and PSI
computed with numpy as src/drift/psi.ts documents it. Run with Debian's python3-scipy:

    /usr/bin/python3 scripts/make-drift-fixture.py
"""
import json
import os

import numpy as np
import scipy
from scipy import stats
from scipy.spatial import distance

rng = np.random.default_rng(20261203)
EPS = 1e-4


def psi_numeric(ref, cur):
    edges = []
    for q in np.quantile(ref, [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]):
        if not edges or edges[-1] != q:
            edges.append(float(q))
    r = np.bincount(np.searchsorted(edges, ref, side="left"), minlength=len(edges) + 1)
    c = np.bincount(np.searchsorted(edges, cur, side="left"), minlength=len(edges) + 1)
    return edges, r.tolist(), c.tolist(), psi_counts(r, c)


def psi_counts(r, c):
    r = np.asarray(r, float) / np.sum(r)
    c = np.asarray(c, float) / np.sum(c)
    r[r == 0] = EPS
    c[c == 0] = EPS
    return float(np.sum((c - r) * np.log(c / r)))


def numeric_case(name, ref, cur):
    ref = np.round(ref, 4)  # 4 decimals survive JSON exactly enough, and make ties
    cur = np.round(cur, 4)
    ks = stats.ks_2samp(ref, cur)
    edges, r, c, p = psi_numeric(ref, cur)
    return {
        "name": name,
        "reference": ref.tolist(),
        "current": cur.tolist(),
        "ks": {"statistic": float(ks.statistic), "pvalue": float(ks.pvalue)},
        "wasserstein": float(stats.wasserstein_distance(ref, cur)),
        "psi": {"edges": edges, "reference_counts": r, "current_counts": c, "value": p},
    }


def categorical_case(name, ref_counts, cur_counts):
    table = np.array([ref_counts, cur_counts])
    chi2, p, dof, _ = stats.chi2_contingency(table)
    ref_p = np.array(ref_counts, float) / sum(ref_counts)
    cur_p = np.array(cur_counts, float) / sum(cur_counts)
    ref_p[ref_p == 0] = EPS
    cur_p[cur_p == 0] = EPS
    return {
        "name": name,
        "reference_counts": ref_counts,
        "current_counts": cur_counts,
        "chi2": {"statistic": float(chi2), "pvalue": float(p), "dof": int(dof)},
        "jensenshannon": float(distance.jensenshannon(ref_p, cur_p)),
        "psi": psi_counts(ref_counts, cur_counts),
    }


numeric = [
    numeric_case("equal sizes, same law", rng.normal(0, 1, 60), rng.normal(0, 1, 60)),
    numeric_case("equal sizes, shifted", rng.normal(0, 1, 200), rng.normal(0.4, 1, 200)),
    numeric_case("unequal sizes", rng.normal(5, 2, 80), rng.normal(5.5, 2, 130)),
    numeric_case("integers with ties", rng.integers(0, 12, 300).astype(float), rng.integers(1, 13, 450).astype(float)),
    numeric_case("reference 1000, current 2000, scaled", rng.normal(50, 10, 1000), rng.normal(50, 13, 2000)),
    numeric_case("reference 700, current 5000, same law", rng.gamma(2.0, 3.0, 700), rng.gamma(2.0, 3.0, 5000)),
    numeric_case("reference 997, current 10000, small shift", rng.normal(0, 1, 997), rng.normal(0.08, 1, 10000)),
    numeric_case("skewed, far apart", rng.exponential(1.0, 150), rng.exponential(1.0, 170) + 3),
]

categorical = [
    categorical_case("2 x 2 (Yates)", [40, 60], [55, 45]),
    categorical_case("2 x 2 small counts", [3, 9], [7, 4]),
    categorical_case("2 x 3 same shares", [300, 500, 200], [310, 480, 210]),
    categorical_case("2 x 4 re-weighted", [500, 300, 150, 50], [200, 300, 350, 150]),
    categorical_case("2 x 5 a category unseen in reference", [120, 80, 40, 10, 0], [100, 90, 30, 20, 15]),
    categorical_case("2 x 6 large", [2400, 1700, 900, 500, 300, 200], [2300, 1800, 950, 450, 330, 170]),
]

out = {
    "generator": f"scipy {scipy.__version__}, numpy {np.__version__}",
    "numeric": numeric,
    "categorical": categorical,
}
path = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "drift-scipy.json")
with open(path, "w") as f:
    json.dump(out, f)
print(f"wrote {path}")
