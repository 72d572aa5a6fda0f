#!/usr/bin/env python3
"""scikit-learn side of bench/linear.ts: reads the matrices the .ts side prepared (same split,
same preprocessing), fits the same models with the same hyperparameters, prints JSON
{key: {score, fit_s}} on stdout. Usage: linear.py <dir with cases.json and .f64 files>"""
import json, os, sys, time, warnings
import numpy as np
from sklearn.linear_model import LogisticRegression, LinearRegression, Ridge, Lasso, ElasticNet
from sklearn.svm import SVC
from sklearn.neural_network import MLPClassifier
from sklearn.metrics import accuracy_score, r2_score

warnings.filterwarnings("ignore")
MODELS = {"LogisticRegression": LogisticRegression, "LinearRegression": LinearRegression, "Ridge": Ridge,
          "Lasso": Lasso, "ElasticNet": ElasticNet, "SVC": SVC, "MLPClassifier": MLPClassifier}
d = sys.argv[1]
cases = json.load(open(os.path.join(d, "cases.json")))
out = {}
for c in cases:
    ds = c["dataset"]
    load = lambda n: np.fromfile(os.path.join(d, f"{ds}.{n}.f64"), dtype="<f8")
    cols = c["cols"]
    Xtr, ytr, Xte, yte = load("Xtrain").reshape(-1, cols), load("ytrain"), load("Xtest").reshape(-1, cols), load("ytest")
    fit_s = float("inf")
    scores = []
    # a seeded initialisation (MLP) cannot draw the same numbers on both sides: as on our side, the
    # mean score over the seeds c["seeds"], each fitted once; else the best of N fits
    seeds = c.get("seeds") or [None] * (int(sys.argv[2]) if len(sys.argv) > 2 else 3)
    for seed in seeds:
        m = MODELS[c["algorithm"]](**c["params"], **({} if seed is None else {"random_state": seed}))
        t = time.perf_counter()
        m.fit(Xtr, ytr)
        fit_s = min(fit_s, time.perf_counter() - t)
        p = m.predict(Xte)
        scores.append(accuracy_score(yte, p) if c["metric"] == "accuracy" else r2_score(yte, p))
    score = scores[-1] if c.get("seeds") is None else float(np.mean(scores))
    out[c["key"]] = {"score": float(score), "fit_s": fit_s}
print(json.dumps(out))
