#!/usr/bin/python3
"""Writes test/fixtures/metrics-sklearn.json: inputs and scikit-learn's metric values for the
ml-core metrics parity test. Run with Debian's python3-sklearn:

    /usr/bin/python3 scripts/make-metrics-fixture.py
"""
import json
import os

import numpy as np
import sklearn
from sklearn import metrics

rng = np.random.default_rng(20240501)


def noisy_predictions(y_true, n_classes, accuracy, never=None):
    y_pred = y_true.copy()
    flip = rng.random(len(y_true)) > accuracy
    y_pred[flip] = rng.integers(0, n_classes, flip.sum())
    if never is not None:
        y_pred[y_pred == never] = (never + 1) % n_classes
    return y_pred


def probabilities(y_true, n_classes, sharpness):
    logits = rng.normal(size=(len(y_true), n_classes))
    logits[np.arange(len(y_true)), y_true] += sharpness
    p = np.exp(logits)
    p /= p.sum(axis=1, keepdims=True)
    return np.round(p, 3)  # rounding makes ties, as real models do


def classification_case(name, labels, n, weights, accuracy, never=None, extreme=False):
    k = len(labels)
    y_true = rng.choice(k, size=n, p=weights)
    y_pred = noisy_predictions(y_true, k, accuracy, never)
    proba = probabilities(y_true, k, 1.5)
    if extreme:  # exact 0 and 1 probabilities exercise log_loss clipping
        proba[:5] = 0.0
        proba[np.arange(5), y_true[:5]] = 1.0
        proba[5, :] = 0.0
        proba[5, (y_true[5] + 1) % k] = 1.0
    proba = proba / proba.sum(axis=1, keepdims=True)
    idx = list(range(k))
    expected = {
        "accuracy": metrics.accuracy_score(y_true, y_pred),
        "confusion": metrics.confusion_matrix(y_true, y_pred, labels=idx).tolist(),
        "report": metrics.classification_report(y_true, y_pred, labels=idx, target_names=[str(l) for l in labels], zero_division=0),
        "report4": metrics.classification_report(y_true, y_pred, labels=idx, target_names=[str(l) for l in labels], digits=4, zero_division=0),
        "log_loss": metrics.log_loss(y_true, proba, labels=idx),
    }
    averages = (["binary"] if k == 2 else []) + ["weighted", "macro"]
    for avg in averages:
        p, r, f, _ = metrics.precision_recall_fscore_support(y_true, y_pred, average=avg, zero_division=0)
        expected[avg] = {"precision": p, "recall": r, "f1_score": f}
    expected["roc_auc"] = metrics.roc_auc_score(y_true, proba[:, 1]) if k == 2 else metrics.roc_auc_score(y_true, proba, multi_class="ovr", average="macro")
    return {
        "name": name,
        "labels": labels,
        "y_true": y_true.tolist(),
        "y_pred": y_pred.tolist(),
        "proba": proba.tolist(),
        "expected": expected,
    }


def regression_case(name, n):
    y_true = rng.normal(10, 3, size=n)
    y_pred = y_true + rng.normal(0, 1.5, size=n)
    mse = metrics.mean_squared_error(y_true, y_pred)
    return {
        "name": name,
        "y_true": y_true.tolist(),
        "y_pred": y_pred.tolist(),
        "expected": {
            "mse": mse,
            "rmse": float(np.sqrt(mse)),
            "mae": metrics.mean_absolute_error(y_true, y_pred),
            "r2": metrics.r2_score(y_true, y_pred),
        },
    }


fixture = {
    "sklearn_version": sklearn.__version__,
    "classification": [
        classification_case("binary", ["No", "Yes"], 200, [0.7, 0.3], 0.8, extreme=True),
        classification_case("binary-small", [0, 1], 8, [0.5, 0.5], 0.6),
        classification_case("multiclass-3", ["cat", "dog", "emu"], 150, [0.5, 0.3, 0.2], 0.7),
        classification_case("multiclass-4-never-predicted", [1, 2, 5, 10], 120, [0.4, 0.3, 0.2, 0.1], 0.65, never=3),
        classification_case("multiclass-4-long-names", ["Fpv.Close", "High", "Rad.Flow", "a-much-longer-class-name"], 90, [0.25, 0.25, 0.25, 0.25], 0.5, never=0, extreme=True),
    ],
    "regression": [regression_case("regression", 100), regression_case("regression-small", 7)],
}

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "fixtures", "metrics-sklearn.json")
with open(out, "w") as f:
    json.dump(fixture, f, indent=1)
    f.write("\n")
print("wrote", os.path.normpath(out))
