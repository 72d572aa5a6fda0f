"""scikit-learn side of bench/trees.ts: fits the same models on the same encoded matrix and split.

    python3 bench/trees.py spec.json   -> one JSON line per model: {"model", "fit_s", "accuracy"}

Like the TypeScript side, each model is fitted up to spec["repeat"] times (no new fit once 10 s of
fitting were spent on it) and fit_s is the best of them.
"""
import json
import sys
import time

import numpy as np
from sklearn.ensemble import GradientBoostingClassifier, HistGradientBoostingClassifier, RandomForestClassifier

MODELS = {
    "RF": RandomForestClassifier,
    "GB": GradientBoostingClassifier,
    "HGB": HistGradientBoostingClassifier,
}

spec = json.load(open(sys.argv[1]))
data = np.loadtxt(spec["csv"], delimiter=",", skiprows=1)
X, y = data[:, :-1], data[:, -1].astype(int)
split = json.load(open(spec["split"]))
tr, te = np.array(split["train"]), np.array(split["test"])
Xtr, ytr = X[tr], y[tr]
for run in spec["runs"]:
    times = []
    while len(times) < spec["repeat"] and sum(times) < spec["budget_s"]:
        model = MODELS[run["model"]](**run["params"])
        t0 = time.perf_counter()
        model.fit(Xtr, ytr)
        times.append(time.perf_counter() - t0)
    fit_s = min(times)
    acc = float((model.predict(X[te]) == y[te]).mean())
    print(json.dumps({"model": run["model"], "fit_s": fit_s, "accuracy": acc}), flush=True)
