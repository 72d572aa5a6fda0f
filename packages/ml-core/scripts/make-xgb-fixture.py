#!/usr/bin/env python3
"""Writes test/fixtures/xgb-reference.json: what Debian's python3-xgboost (tree_method="hist")
gives on small data, for test/ensemble/xgboost.test.ts.

- "margins": raw margins (output_margin=True) on the training rows after 10 rounds, for several
  parameter sets without randomness, on iris, wine, diabetes and breast_cancer (whose features have
  more distinct values than bins: XGBoost's quantile cuts) and on iris with every 7th value of its
  first column missing (the learned default direction). Trees should match ours node for node.
- "scores": held-out accuracy / log loss / R^2 at the defaults and with row and column sampling,
  for random_state 0..4 (compared as means over the seeds).
- "tiny": four rows, one feature, one stump, where gamma, min_child_weight and reg_alpha decide by
  hand-checkable margins.

Data are prepared as test/prepare-dataset.ts does for these all-numeric files (raw columns in file
order; train_test_split(test_size=0.25, random_state=42, stratified for classes); classes in sorted
label order).

Run: /usr/bin/python3 scripts/make-xgb-fixture.py   (Debian's python3-xgboost 1.7.4)
MLW_DATASETS overrides where the datasets are (default: ../shared/datasets beside the repository).
"""
import json, os
import numpy as np
import pandas as pd
import xgboost as xgb
from sklearn.metrics import accuracy_score, log_loss, r2_score
from sklearn.model_selection import train_test_split

HERE = os.path.dirname(os.path.abspath(__file__))
DATASETS = os.environ.get("MLW_DATASETS", os.path.normpath(os.path.join(HERE, "..", "..", "..", "..", "shared", "datasets")))
OUT = os.path.join(HERE, "..", "test", "fixtures", "xgb-reference.json")
SEEDS = list(range(5))

MARGIN_SETS = [
    {},
    {"reg_alpha": 1.0},
    {"gamma": 0.5},
    {"max_delta_step": 0.3},
    {"min_child_weight": 5},
    {"grow_policy": "lossguide", "max_leaves": 6, "max_depth": 0},
    {"reg_lambda": 0.5, "learning_rate": 0.1, "max_depth": 3},
]
SCORE_SETS = [{}, {"subsample": 0.8, "colsample_bytree": 0.8, "colsample_bynode": 0.8}]


def load(name, target, task, missing=False):
    df = pd.read_csv(os.path.join(DATASETS, name))
    X = df.drop(columns=[target]).to_numpy(dtype=float)
    if missing:
        X[::7, 0] = np.nan
    if task == "classification":
        _, y = np.unique(df[target].astype(str), return_inverse=True)
    else:
        y = df[target].to_numpy(dtype=float)
    rows = np.arange(len(df))
    tr, te = train_test_split(rows, test_size=0.25, random_state=42, stratify=y if task == "classification" else None)
    return X[tr], y[tr], X[te], y[te]


def model(task, params, seed=0):
    cls = xgb.XGBClassifier if task == "classification" else xgb.XGBRegressor
    return cls(tree_method="hist", random_state=seed, **params)


def margins():
    out = []
    for name, target, task, missing in [("iris.csv", "species", "classification", False), ("iris.csv", "species", "classification", True),
                                        ("wine.csv", "cultivar", "classification", False), ("diabetes.csv", "progression", "regression", False),
                                        ("breast_cancer.csv", "diagnosis", "classification", False)]:
        Xtr, ytr, _, _ = load(name, target, task, missing)
        for params in MARGIN_SETS:
            m = model(task, {"n_estimators": 10, **params}).fit(Xtr, ytr)
            out.append({"dataset": name, "target": target, "task": task, "missing_every_7th_of_first_column": missing, "params": {"n_estimators": 10, **params},
                        "margins": [float(f"{v:.7g}") for v in m.predict(Xtr, output_margin=True).ravel()]})
    return out


def scores():
    out = []
    for name, target, task in [("iris.csv", "species", "classification"), ("wine.csv", "cultivar", "classification"),
                               ("breast_cancer.csv", "diagnosis", "classification"), ("diabetes.csv", "progression", "regression")]:
        Xtr, ytr, Xte, yte = load(name, target, task)
        for params in SCORE_SETS:
            per_seed = []
            for seed in SEEDS:
                m = model(task, params, seed).fit(Xtr, ytr)
                if task == "classification":
                    per_seed.append({"accuracy": accuracy_score(yte, m.predict(Xte)), "log_loss": log_loss(yte, m.predict_proba(Xte), labels=m.classes_)})
                else:
                    per_seed.append({"r2": r2_score(yte, m.predict(Xte))})
            mean = {k: float(np.mean([s[k] for s in per_seed])) for k in per_seed[0]}
            out.append({"dataset": name, "target": target, "task": task, "params": params, "seeds": SEEDS, "mean": mean})
    return out


def tiny():
    X = np.array([[0.0], [1.0], [2.0], [3.0]])
    y = np.array([0.0, 0.0, 1.0, 1.0])
    base = {"n_estimators": 1, "learning_rate": 1.0, "reg_lambda": 0.0, "min_child_weight": 0.0, "base_score": 0.0, "max_depth": 1}
    cases = [{"gamma": g} for g in (0.99, 1.0, 1.01)] + [{"min_child_weight": w} for w in (2.0, 2.1)]
    cases += [{"reg_alpha": a} for a in (0.5, 1.0, 2.0, 2.5)] + [{"max_delta_step": 0.3}]
    out = []
    for extra in cases:
        params = {**base, **extra}
        m = xgb.XGBRegressor(tree_method="hist", **params).fit(X, y)
        out.append({"params": params, "predictions": m.predict(X).astype(float).tolist()})
    return {"X": X.ravel().tolist(), "y": y.tolist(), "cases": out}


json.dump({"xgboost": xgb.__version__, "margins": margins(), "scores": scores(), "tiny": tiny()}, open(OUT, "w"), indent=1)
print("wrote", OUT)
