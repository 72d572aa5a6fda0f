"""xgboost side of bench/xgb.ts: the same encoded matrix, split and seeds, tree_method="hist",
n_jobs=2, defaults otherwise.

    python3 bench/xgb.py spec.json   -> one JSON line: {"fit_s", "fit_1thread_s", "score", "log_loss"}

score is the mean held-out accuracy (R^2 for regression) over random_state 0..seeds-1, log_loss
the mean log loss (classification), fit_s the best fit time of those seeds, fit_1thread_s the
time of one more fit with n_jobs=1 (for reference).
"""
import json
import sys
import time

import numpy as np
import pandas as pd
import xgboost as xgb
from sklearn.metrics import accuracy_score, log_loss, r2_score

spec = json.load(open(sys.argv[1]))
data = pd.read_csv(spec["csv"]).to_numpy(dtype=float)
X, y = data[:, :-1], data[:, -1]
tr, te = np.array(spec["train"]), np.array(spec["test"])
classify = spec["task"] == "classification"
if classify:
    y = y.astype(int)
times, scores, losses = [], [], []
for seed in range(spec["seeds"]):
    model = (xgb.XGBClassifier if classify else xgb.XGBRegressor)(tree_method="hist", n_jobs=2, random_state=seed)
    t0 = time.perf_counter()
    model.fit(X[tr], y[tr])
    times.append(time.perf_counter() - t0)
    if classify:
        scores.append(accuracy_score(y[te], model.predict(X[te])))
        losses.append(log_loss(y[te], model.predict_proba(X[te]), labels=model.classes_))
    else:
        scores.append(r2_score(y[te], model.predict(X[te])))
# one more fit on one thread: OpenMP's two threads suffer most when the shared machine is loaded
single = (xgb.XGBClassifier if classify else xgb.XGBRegressor)(tree_method="hist", n_jobs=1, random_state=0)
t0 = time.perf_counter()
single.fit(X[tr], y[tr])
fit_1thread_s = time.perf_counter() - t0
print(json.dumps({"fit_s": min(times), "fit_1thread_s": fit_1thread_s, "score": float(np.mean(scores)), "log_loss": float(np.mean(losses)) if classify else None}))
