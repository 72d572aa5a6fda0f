#!/usr/bin/env python3
"""Writes test/linear/sklearn-fixture.json: scikit-learn's test scores for the linear, SVM and
MLP estimators on the shared numeric datasets, with the split and scaling of
test/linear/datasets.ts (every 5th row is test; features standardised on the train rows).

Run: /usr/bin/python3 scripts/make-linear-fixture.py  (from packages/ml-core)
"""
import csv, json, os, warnings
import numpy as np
import sklearn
from sklearn.linear_model import LogisticRegression, LinearRegression, Ridge, Lasso, ElasticNet
from sklearn.svm import SVC
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.metrics import accuracy_score, r2_score

warnings.filterwarnings("ignore")
HERE = os.path.dirname(os.path.abspath(__file__))
# MLW_DATASETS, else ../shared/datasets beside the repository root (as test/datasets.ts)
DATASETS = os.environ.get("MLW_DATASETS", os.path.normpath(os.path.join(HERE, "..", "..", "..", "..", "shared", "datasets")))


def load(name, task):
    with open(os.path.join(DATASETS, name)) as f:
        rows = list(csv.reader(f))[1:]
    X = np.array([[float(v) for v in r[:-1]] for r in rows])
    if task == "classification":
        labels = sorted(set(r[-1] for r in rows))
        y = np.array([labels.index(r[-1]) for r in rows], dtype=float)
    else:
        y = np.array([float(r[-1]) for r in rows])
    idx = np.arange(len(rows))
    tr, te = idx[idx % 5 != 0], idx[idx % 5 == 0]
    mean, std = X[tr].mean(0), X[tr].std(0)
    std[std == 0] = 1
    Xs = (X - mean) / std
    return Xs[tr], y[tr], Xs[te], y[te]


CLASSIFIERS = {
    "LogisticRegression": (LogisticRegression, [
        {}, {"penalty": "l1", "solver": "saga"}, {"penalty": "l1", "solver": "liblinear"},
        {"penalty": "elasticnet", "solver": "saga", "l1_ratio": 0.5}, {"C": 0.1}, {"class_weight": "balanced"},
    ]),
    "SVC": (SVC, [{}, {"kernel": "linear"}, {"kernel": "poly"}, {"kernel": "sigmoid"}, {"C": 10, "gamma": "auto"}]),
    "MLPClassifier": (MLPClassifier, [{"random_state": 0}]),
}
REGRESSORS = {
    "LinearRegression": (LinearRegression, [{}]),
    "Ridge": (Ridge, [{}, {"alpha": 10.0}]),
    "Lasso": (Lasso, [{}, {"alpha": 0.1}]),
    "ElasticNet": (ElasticNet, [{}, {"alpha": 0.1, "l1_ratio": 0.7}]),
    "MLPRegressor": (MLPRegressor, [{"random_state": 0, "max_iter": 2000, "learning_rate_init": 0.01}]),
}

out = {"sklearn": sklearn.__version__, "split": "i % 5 == 0 is test; standardised on train", "cases": []}
for name in ["iris.csv", "wine.csv", "breast_cancer.csv"]:
    Xtr, ytr, Xte, yte = load(name, "classification")
    for algo, (cls, grid) in CLASSIFIERS.items():
        for params in grid:
            m = cls(**params).fit(Xtr, ytr)
            out["cases"].append({"dataset": name, "algorithm": algo, "params": params, "metric": "accuracy", "score": accuracy_score(yte, m.predict(Xte))})
for name in ["diabetes.csv"]:
    Xtr, ytr, Xte, yte = load(name, "regression")
    for algo, (cls, grid) in REGRESSORS.items():
        for params in grid:
            m = cls(**params).fit(Xtr, ytr)
            out["cases"].append({"dataset": name, "algorithm": algo, "params": params, "metric": "r2", "score": r2_score(yte, m.predict(Xte))})

with open(os.path.join(HERE, "..", "test", "linear", "sklearn-fixture.json"), "w") as f:
    json.dump(out, f, indent=1)
    f.write("\n")
print(f"wrote {len(out['cases'])} cases")
