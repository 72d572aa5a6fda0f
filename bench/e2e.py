"""Optuna + scikit-learn doing what POST /optimize does: TPE over the original design's
RandomForestClassifier space, 3-fold stratified CV accuracy on churn.csv, one process.
Prints one JSON line: {"best": ..., "seconds": ..., "n_trials": ...}."""
import json, sys, time
import numpy as np, optuna
from churn import load_churn
from sklearn.ensemble import RandomForestClassifier
from sklearn.model_selection import StratifiedKFold, cross_val_score

path, n_trials, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
optuna.logging.set_verbosity(optuna.logging.WARNING)
start = time.time()
X, y = load_churn(path)
cv = StratifiedKFold(3, shuffle=True, random_state=seed)

def objective(trial):
    model = RandomForestClassifier(
        n_estimators=trial.suggest_int("n_estimators", 50, 500),
        max_depth=trial.suggest_int("max_depth", 3, 20),
        min_samples_split=trial.suggest_int("min_samples_split", 2, 20),
        min_samples_leaf=trial.suggest_int("min_samples_leaf", 1, 10),
        max_features=trial.suggest_categorical("max_features", ["sqrt", "log2", None]),
        random_state=seed, n_jobs=1)
    return cross_val_score(model, X, y, cv=cv, scoring="accuracy").mean()

study = optuna.create_study(direction="maximize", sampler=optuna.samplers.TPESampler(seed=seed))
study.optimize(objective, n_trials=n_trials)
print(json.dumps({"best": study.best_value, "seconds": time.time() - start, "n_trials": len(study.trials), "best_params": study.best_params}))
