"""scikit-learn side of bench/trees.ts: fits the same models on the same encoded matrix and split.

    python3 bench/trees.py spec.json   -> one JSON line per model: {"model", "fit_s", "accuracy"}
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
for run in spec["runs"]:
    model = MODELS[run["model"]](**run["params"])
    t0 = time.perf_counter()
    model.fit(X[tr], y[tr])
    fit_s = time.perf_counter() - t0
    acc = float((model.predict(X[te]) == y[te]).mean())
    print(json.dumps({"model": run["model"], "fit_s": fit_s, "accuracy": acc}), flush=True)
