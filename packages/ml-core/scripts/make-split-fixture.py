"""Writes test/fixtures/splits-sklearn.json: the indices scikit-learn's splitters give, so that
test/model-selection/sklearn-parity.test.ts can check ours are the same. Run with Debian's
/usr/bin/python3 (python3-sklearn 1.2.1): /usr/bin/python3 scripts/make-split-fixture.py"""
import json, os
import numpy as np
from sklearn.model_selection import KFold, StratifiedKFold, train_test_split

rs = np.random.RandomState(0)
y3 = rs.choice([0, 1, 2], size=1000, p=[0.6, 0.3, 0.1])
y2 = (np.arange(37) % 4 == 0).astype(int)
cases = []
for seed in [0, 42, 2**32 - 1]:
    cases.append({"kind": "permutation", "n": 50, "seed": seed, "expected": np.random.RandomState(seed).permutation(50).tolist()})
for y in [y3, y2]:
    n = len(y)
    for seed, test_size in [(42, 0.2), (7, 0.33), (123, 5)]:
        tr, te = train_test_split(np.arange(n), test_size=test_size, random_state=seed, stratify=y)
        cases.append({"kind": "stratified", "y": y.tolist(), "seed": seed, "test_size": test_size, "train": tr.tolist(), "test": te.tolist()})
        tr, te = train_test_split(np.arange(n), test_size=test_size, random_state=seed)
        cases.append({"kind": "plain", "n": n, "seed": seed, "test_size": test_size, "train": tr.tolist(), "test": te.tolist()})
    for seed in [1, 42]:
        cases.append({"kind": "kfold", "n": n, "k": 3, "seed": seed, "folds": [[a.tolist(), b.tolist()] for a, b in KFold(3, shuffle=True, random_state=seed).split(np.arange(n))]})
        cases.append({"kind": "stratified_kfold", "y": y.tolist(), "k": 3, "seed": seed, "folds": [[a.tolist(), b.tolist()] for a, b in StratifiedKFold(3, shuffle=True, random_state=seed).split(np.arange(n), y)]})
out = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "splits-sklearn.json")
json.dump(cases, open(out, "w"))
print(f"wrote {len(cases)} cases to {out}")
