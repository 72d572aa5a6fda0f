"""scikit-learn's side of bench/forest-cv.ts: 3-fold stratified CV accuracy of
RandomForestClassifier on churn.csv for the given configurations, on the exact features and on
the same features with every continuous column (more than 255 distinct values) quantized to 255
quantile bins, as histogram trees see them. Prints one JSON list: [{"exact", "binned"}, ...]."""
import json, sys
import numpy as np, pandas as pd
from sklearn.ensemble import RandomForestClassifier
from sklearn.model_selection import StratifiedKFold, cross_val_score

path, seed, configs = sys.argv[1], int(sys.argv[2]), json.load(open(sys.argv[3]))
df = pd.read_csv(path)
y = df.pop("Churn").to_numpy()
num = df.select_dtypes("number")
num = num.fillna(num.median())
cat = pd.get_dummies(df.select_dtypes(exclude="number"))
binned = num.copy()
for col in binned.columns:
    v = binned[col].to_numpy(dtype=float)
    if len(np.unique(v)) > 255:
        binned[col] = np.searchsorted(np.unique(np.quantile(v, np.arange(1, 255) / 255)), v)
X = pd.concat([num, cat], axis=1).to_numpy(dtype=float)
Xb = pd.concat([binned, cat], axis=1).to_numpy(dtype=float)
cv = StratifiedKFold(3, shuffle=True, random_state=seed)
out = []
for p in configs:
    model = lambda: RandomForestClassifier(**p, random_state=seed, n_jobs=2)
    out.append({"exact": cross_val_score(model(), X, y, cv=cv, scoring="accuracy").mean(), "binned": cross_val_score(model(), Xb, y, cv=cv, scoring="accuracy").mean()})
print(json.dumps(out))
