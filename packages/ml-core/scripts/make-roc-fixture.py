#!/usr/bin/python3
"""Writes test/fixtures/roc-sklearn.json: binary scores with ties and scikit-learn's roc_curve
(drop_intermediate=True) for the ROC parity test. Run with Debian's python3-sklearn:

    /usr/bin/python3 scripts/make-roc-fixture.py
"""
import json
import os

import numpy as np
import sklearn
from sklearn import metrics

rng = np.random.default_rng(20261203)
cases = []
for name, n, sharpness, decimals in [("separable-ish", 200, 2.0, 2), ("noisy-ties", 500, 0.5, 1), ("small", 12, 1.0, 3)]:
    y = rng.integers(0, 2, n)
    scores = np.round(1 / (1 + np.exp(-(rng.normal(size=n) + sharpness * (y - 0.5)))), decimals)
    fpr, tpr, thr = metrics.roc_curve(y, scores, pos_label=1)
    cases.append({"name": name, "y_true": y.tolist(), "scores": scores.tolist(), "fpr": fpr.tolist(), "tpr": tpr.tolist(), "thresholds": [None] + thr[1:].tolist()})

out = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "roc-sklearn.json")
with open(out, "w") as f:
    json.dump({"sklearn": sklearn.__version__, "cases": cases}, f)
print(f"wrote {out}")
