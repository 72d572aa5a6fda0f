"""Optuna + scikit-learn doing what bench/prune.ts asks of the service: TPE over
HistGradientBoostingClassifier's max_iter (50-500, step 10) and learning_rate (log 0.01-0.3) on
churn.csv, 3-fold stratified CV accuracy, with Optuna's HyperbandPruner deciding every 10 boosting
rounds on the folds' mean validation accuracy (warm_start grows each fold's model, the folds in
lockstep, as ours do). One process. Prints one JSON line: {"best", "seconds", "n_trials", "n_pruned"}."""
import json, sys, time
import numpy as np, optuna
from churn import load_churn
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.model_selection import StratifiedKFold

path, n_trials, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
optuna.logging.set_verbosity(optuna.logging.WARNING)
start = time.time()
X, y = load_churn(path)
folds = list(StratifiedKFold(3, shuffle=True, random_state=seed).split(X, y))
STEP = 10


def objective(trial):
    max_iter = trial.suggest_int("max_iter", 50, 500, step=10)
    learning_rate = trial.suggest_float("learning_rate", 0.01, 0.3, log=True)
    models = [HistGradientBoostingClassifier(max_iter=STEP, learning_rate=learning_rate, warm_start=True, random_state=seed) for _ in folds]
    step, value = 0, None
    for rounds in range(STEP, max_iter + STEP, STEP):
        rounds = min(rounds, max_iter)
        scores = []
        for model, (tr, te) in zip(models, folds):
            model.set_params(max_iter=rounds)
            model.fit(X[tr], y[tr])
            scores.append(model.score(X[te], y[te]))
        value = float(np.mean(scores))
        if rounds < max_iter:
            trial.report(value, step)
            if trial.should_prune():
                raise optuna.TrialPruned()
        step += 1
    return value


study = optuna.create_study(direction="maximize", sampler=optuna.samplers.TPESampler(seed=seed), pruner=optuna.pruners.HyperbandPruner())
study.optimize(objective, n_trials=n_trials)
n_pruned = sum(t.state == optuna.trial.TrialState.PRUNED for t in study.trials)
print(json.dumps({"best": study.best_value, "seconds": time.time() - start, "n_trials": len(study.trials), "n_pruned": n_pruned, "best_params": study.best_params}))
