"""pandas + scikit-learn doing what POST /train does on bench:big's CSV: read it, one-hot encode
the categorical columns, split it as the service does (train_test_split, stratified, the same
random_state), fit HistGradientBoostingClassifier with the same parameters, score the held-out rows.

    /usr/bin/python3 bench/big.py file.csv target random_state test_size '{"param": value}'

Prints one JSON line: whole run (from the start of the process, imports included), read, encode,
split, fit and predict seconds, held-out accuracy, and the peak RSS (getrusage maxrss) in bytes.
"""
import time

START = time.perf_counter()
import json
import resource
import sys

import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.model_selection import train_test_split

path, target, seed, test_size, params = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), json.loads(sys.argv[5])
t0 = time.perf_counter()
df = pd.read_csv(path)
t1 = time.perf_counter()
y = df.pop(target).to_numpy()
categorical = [c for c in df.columns if df[c].dtype == object]
X = pd.get_dummies(df, columns=categorical, dtype=np.float64).to_numpy(dtype=np.float64)
del df
t2 = time.perf_counter()
Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=test_size, stratify=y, random_state=seed)
del X
ts = time.perf_counter()
model = HistGradientBoostingClassifier(**params, random_state=seed)
model.fit(Xtr, ytr)
t3 = time.perf_counter()
accuracy = float((model.predict(Xte) == yte).mean())
t4 = time.perf_counter()
print(json.dumps({
    "whole_s": t4 - START,
    "read_s": t1 - t0,
    "encode_s": t2 - t1,
    "split_s": ts - t2,
    "fit_s": t3 - ts,
    "predict_s": t4 - t3,
    "accuracy": accuracy,
    "n_iter": int(model.n_iter_),
    "n_features": int(Xtr.shape[1]),
    "peak_rss_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
}))
