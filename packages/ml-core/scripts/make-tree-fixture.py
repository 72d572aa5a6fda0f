#!/usr/bin/env python3
"""Writes test/fixtures/trees-sklearn.json: scikit-learn's held-out scores for the six tree
ensembles (RandomForest, GradientBoosting and HistGradientBoosting, classifier and regressor, at
their defaults, and GradientBoostingRegressor's other losses) on shared numeric datasets, prepared as test/prepare-dataset.ts (a train job)
prepares them: train_test_split(test_size=0.25, random_state=42, stratified for classes), which
our trainTestSplit reproduces index for index (the fixture keeps the test rows so the test checks
that), and the Pipeline's encoding, which for these all-numeric files is the raw columns in file
order (trees are not scaled; no value is missing). Classes are indexed in sorted label order.

Every case is fitted with random_state 0..9: the forests' scores spread over seeds, and the
test compares our mean over seeds with scikit-learn's (see test/ensemble/sklearn-trees.test.ts).

Run: /usr/bin/python3 scripts/make-tree-fixture.py   (Debian's python3-sklearn 1.2.1)
MLW_DATASETS overrides where the datasets are (default: ../shared/datasets beside the repository).
"""
import json, os
import numpy as np
import pandas as pd
import sklearn
from sklearn.ensemble import (GradientBoostingClassifier, GradientBoostingRegressor, HistGradientBoostingClassifier,
                              HistGradientBoostingRegressor, RandomForestClassifier, RandomForestRegressor)
from sklearn.metrics import accuracy_score, log_loss, r2_score
from sklearn.model_selection import train_test_split

HERE = os.path.dirname(os.path.abspath(__file__))
DATASETS = os.environ.get("MLW_DATASETS", os.path.normpath(os.path.join(HERE, "..", "..", "..", "..", "shared", "datasets")))
OUT = os.path.join(HERE, "..", "test", "fixtures", "trees-sklearn.json")
TEST_SIZE, SPLIT_SEED, SEEDS = 0.25, 42, list(range(10))

DATASETS_USED = [
    ("iris.csv", "species", "classification"),
    ("wine.csv", "cultivar", "classification"),
    ("breast_cancer.csv", "diagnosis", "classification"),
    ("diabetes.csv", "progression", "regression"),
]
# (name, class, hyperparameters other than the defaults) per task
ALGORITHMS = {
    "classification": [
        ("RandomForestClassifier", RandomForestClassifier, {}),
        ("GradientBoostingClassifier", GradientBoostingClassifier, {}),
        ("HistGradientBoostingClassifier", HistGradientBoostingClassifier, {}),
    ],
    "regression": [
        ("RandomForestRegressor", RandomForestRegressor, {}),
        ("GradientBoostingRegressor", GradientBoostingRegressor, {}),
        ("GradientBoostingRegressor", GradientBoostingRegressor, {"loss": "absolute_error"}),
        ("GradientBoostingRegressor", GradientBoostingRegressor, {"loss": "huber"}),
        ("HistGradientBoostingRegressor", HistGradientBoostingRegressor, {}),
    ],
}

# Accuracy and R^2 score the predictions; log loss also scores the probabilities, which moves
# with changes (max_features, say) that barely move the accuracy of these easy problems.
METRICS = {"classification": ["accuracy", "log_loss"], "regression": ["r2"]}
SCORERS = {
    "accuracy": lambda m, X, y: accuracy_score(y, m.predict(X)),
    "log_loss": lambda m, X, y: log_loss(y, m.predict_proba(X), labels=m.classes_),
    "r2": lambda m, X, y: r2_score(y, m.predict(X)),
}


def load(name, target, task):
    df = pd.read_csv(os.path.join(DATASETS, name))
    X = df.drop(columns=[target]).to_numpy(dtype=float)
    if task == "classification":
        labels, y = np.unique(df[target].astype(str), return_inverse=True)
    else:
        y = df[target].to_numpy(dtype=float)
    rows = np.arange(len(df))
    tr, te = train_test_split(rows, test_size=TEST_SIZE, random_state=SPLIT_SEED, stratify=y if task == "classification" else None)
    return X[tr], y[tr], X[te], y[te], te


out = {
    "sklearn": sklearn.__version__,
    "split": {"test_size": TEST_SIZE, "random_state": SPLIT_SEED, "stratify": "classification"},
    "seeds": SEEDS,
    "datasets": {},
    "cases": [],
}
for name, target, task in DATASETS_USED:
    Xtr, ytr, Xte, yte, test_rows = load(name, target, task)
    out["datasets"][name] = {"target": target, "task": task, "test_rows": test_rows.tolist()}
    for algo, cls, params in ALGORITHMS[task]:
        models = [cls(**params, random_state=seed).fit(Xtr, ytr) for seed in SEEDS]
        for metric in METRICS[task]:
            scores = [float(SCORERS[metric](m, Xte, yte)) for m in models]
            out["cases"].append({"dataset": name, "algorithm": algo, "params": params, "metric": metric, "scores": scores, "mean": float(np.mean(scores)), "min": min(scores), "max": max(scores)})
            print(f"{name:18} {algo:31} {json.dumps(params):28} {metric:8} mean {np.mean(scores):.4f} [{min(scores):.4f}, {max(scores):.4f}]")

with open(OUT, "w") as f:
    json.dump(out, f, indent=1)
    f.write("\n")
print(f"wrote {len(out['cases'])} cases to {os.path.normpath(OUT)}")
