"""pandas + scikit-learn / xgboost doing what one POST /train does (bench/train.ts's reference):
read the CSV, split it as the service does (train_test_split, stratified, the same test_size and
random_state: the service's split replicates it, so both sides hold out the same rows), encode
it (numeric columns: missing values -> the training rows' median; text columns one-hot), fit,
predict the held-out rows and score them.

    /usr/bin/python3 bench/train.py file.csv target XGBClassifier|RandomForestClassifier random_state test_size

Prints one JSON line of seconds from the start of the process: imports_s (pandas, scikit-learn,
xgboost), read_s, encode_s (target, split, encoding), fit_s, predict_s; and the held-out accuracy.
The caller times the whole process from outside.
"""
import time

START = time.perf_counter()
import json
import sys

import numpy as np
import pandas as pd
import xgboost
from sklearn.ensemble import RandomForestClassifier
from sklearn.model_selection import train_test_split

MODELS = {
    "XGBClassifier": lambda seed: xgboost.XGBClassifier(tree_method="hist", n_jobs=2),
    "RandomForestClassifier": lambda seed: RandomForestClassifier(n_estimators=100, n_jobs=2, random_state=seed),
}

path, target, algorithm, seed, test_size = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), float(sys.argv[5])
t0 = time.perf_counter()
df = pd.read_csv(path)
t1 = time.perf_counter()
df = df[df[target].notna()]
labels, y = np.unique(df.pop(target).to_numpy(), return_inverse=True)
train, test = train_test_split(np.arange(len(y)), test_size=test_size, stratify=y, random_state=seed)
numeric = df.select_dtypes("number")
numeric = numeric.fillna(numeric.iloc[train].median())
text = df.select_dtypes(exclude="number")
if len(text.columns):
    numeric = pd.concat([numeric, pd.get_dummies(text, dtype=np.float64)], axis=1)
X = numeric.to_numpy(dtype=np.float64)
t2 = time.perf_counter()
model = MODELS[algorithm](seed)
model.fit(X[train], y[train])
t3 = time.perf_counter()
accuracy = float((model.predict(X[test]) == y[test]).mean())
t4 = time.perf_counter()
print(json.dumps({
    "imports_s": t0 - START,
    "read_s": t1 - t0,
    "encode_s": t2 - t1,
    "fit_s": t3 - t2,
    "predict_s": t4 - t3,
    "accuracy": accuracy,
    "n_features": int(X.shape[1]),
    "n_test": int(len(test)),
}))
