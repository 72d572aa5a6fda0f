#!/usr/bin/env python3
"""Writes test/fixtures/fanova-optuna.json: finished Optuna studies (five or more parameters) and
the hyperparameter importances Optuna's FanovaImportanceEvaluator gives them, for the parity test
of our fANOVA (test/importance/fanova-parity.test.ts).

Each candidate study is a seeded study (random or TPE sampler) on a synthetic objective or on a scikit-learn model
cross-validated on a scikit-learn dataset. Its importances are computed with the evaluator's
defaults (n_trees 64, max_depth 64) under seeds 0..SEEDS-1; a study is kept only when Optuna's
own ranking is stable across those seeds (the same top parameter under every seed, and a
Spearman correlation of at least 0.9 between every two seeds), so that the test compares with
a ranking Optuna itself stands by. The fixture keeps the search space in this service's JSON
form, every complete trial's parameters and value, each seed's importances and their mean.

Run: /usr/bin/python3 scripts/make-fanova-fixture.py   (Debian's python3-optuna 3.1.0, python3-sklearn 1.2.1)
"""
import itertools, json, math, os
import numpy as np
import optuna
from optuna.distributions import CategoricalDistribution, FloatDistribution, IntDistribution
from optuna.importance import FanovaImportanceEvaluator
from scipy.stats import spearmanr
from sklearn.datasets import load_breast_cancer, load_diabetes
from sklearn.ensemble import GradientBoostingRegressor
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_val_score
from sklearn.preprocessing import StandardScaler
from sklearn.pipeline import make_pipeline

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "test", "fixtures", "fanova-optuna.json")
SEEDS = 5
optuna.logging.set_verbosity(optuna.logging.WARNING)


def space_json(d):
    """A distribution in this service's search-space JSON form."""
    if isinstance(d, CategoricalDistribution):
        return {"type": "categorical", "choices": list(d.choices)}
    kind = "int" if isinstance(d, IntDistribution) else "float"
    out = {"type": kind, "low": d.low, "high": d.high}
    if d.log:
        out["log"] = True
    if d.step is not None and not (kind == "int" and d.step == 1):
        out["step"] = d.step
    return out


def synthetic_additive(trial):
    """Additive effects of clearly different sizes, one per parameter type."""
    a = trial.suggest_float("a", -1, 1)
    b = trial.suggest_float("b", 1e-3, 1e3, log=True)
    c = trial.suggest_categorical("c", ["x", "y", "z"])
    d = trial.suggest_int("d", 0, 10)
    e = trial.suggest_float("e", 0, 1, step=0.1)
    f = trial.suggest_int("f", 1, 64, log=True)
    return 3 * a + {"x": 0, "y": 1.2, "z": 0.6}[c] + 0.1 * d + 0.6 * e + 0.0005 * b + 0.003 * f


def synthetic_interactions(trial):
    lr = trial.suggest_float("lr", 1e-4, 1, log=True)
    depth = trial.suggest_int("depth", 1, 12)
    kind = trial.suggest_categorical("kind", ["linear", "tree", "mlp", "svm"])
    frac = trial.suggest_float("frac", 0.1, 1.0, step=0.1)
    width = trial.suggest_int("width", 8, 256, log=True)
    noise = trial.suggest_float("noise", 0, 1)
    base = {"linear": 3.0, "tree": 0.0, "mlp": 1.0, "svm": 2.0}[kind]
    return base + (math.log10(lr) + 2) ** 2 + 0.3 * abs(depth - 6) * (kind == "tree") + 0.5 * (1 - frac) + 0.05 * math.log2(width) + 0.01 * noise


def sklearn_gbr_diabetes(trial):
    X, y = load_diabetes(return_X_y=True)
    model = GradientBoostingRegressor(
        n_estimators=trial.suggest_int("n_estimators", 10, 200, log=True),
        learning_rate=trial.suggest_float("learning_rate", 1e-3, 1.0, log=True),
        max_depth=trial.suggest_int("max_depth", 1, 6),
        subsample=trial.suggest_float("subsample", 0.3, 1.0),
        min_samples_leaf=trial.suggest_int("min_samples_leaf", 1, 50),
        random_state=0,
    )
    return float(cross_val_score(model, X, y, cv=3, scoring="r2").mean())


def sklearn_logreg_breast_cancer(trial):
    X, y = load_breast_cancer(return_X_y=True)
    penalty = trial.suggest_categorical("penalty", ["l1", "l2"])
    model = make_pipeline(StandardScaler(), LogisticRegression(
        C=trial.suggest_float("C", 1e-4, 1e2, log=True),
        penalty=penalty,
        solver="liblinear",
        fit_intercept=trial.suggest_categorical("fit_intercept", [True, False]),
        tol=trial.suggest_float("tol", 1e-6, 1e-2, log=True),
        max_iter=trial.suggest_int("max_iter", 20, 500),
        random_state=0,
    ))
    return float(cross_val_score(model, X, y, cv=3, scoring="accuracy").mean())


RANDOM, TPE = optuna.samplers.RandomSampler, optuna.samplers.TPESampler
CANDIDATES = [
    ("synthetic_additive_random", synthetic_additive, "minimize", 150, RANDOM),
    ("synthetic_additive_tpe", synthetic_additive, "minimize", 120, TPE),
    ("synthetic_interactions_random", synthetic_interactions, "minimize", 150, RANDOM),
    ("sklearn_gbr_diabetes_random", sklearn_gbr_diabetes, "maximize", 80, RANDOM),
    ("sklearn_logreg_breast_cancer_tpe", sklearn_logreg_breast_cancer, "maximize", 80, TPE),
]


def run(name, objective, direction, n_trials, sampler):
    study = optuna.create_study(direction=direction, sampler=sampler(seed=1))
    study.optimize(objective, n_trials=n_trials)
    per_seed = [dict(optuna.importance.get_param_importances(study, evaluator=FanovaImportanceEvaluator(seed=s))) for s in range(SEEDS)]
    params = list(study.best_trial.distributions.keys())
    vectors = [[imp[p] for p in params] for imp in per_seed]
    tops = {max(imp, key=imp.get) for imp in per_seed}
    min_rho = min(spearmanr(u, v).correlation for u, v in itertools.combinations(vectors, 2))
    mean = {p: float(np.mean([imp[p] for imp in per_seed])) for p in params}
    stable = len(tops) == 1 and min_rho >= 0.9 - 1e-9
    print(f"{name}: top {tops}, min pairwise Spearman {min_rho:.3f} -> {'kept' if stable else 'dropped'}; mean {json.dumps({p: round(v, 4) for p, v in sorted(mean.items(), key=lambda kv: -kv[1])})}")
    if not stable:
        return None
    trials = [{"number": t.number, "params": t.params, "value": t.value} for t in study.trials if t.state == optuna.trial.TrialState.COMPLETE]
    space = {p: space_json(d) for p, d in study.best_trial.distributions.items()}
    return {"name": name, "sampler": sampler.__name__, "direction": direction, "search_space": space, "trials": trials, "optuna_importances": per_seed, "optuna_mean": mean, "optuna_min_pairwise_spearman": min_rho}


if __name__ == "__main__":
    studies = [s for s in (run(*c) for c in CANDIDATES) if s is not None]
    fixture = {"generator": "scripts/make-fanova-fixture.py", "optuna": optuna.__version__, "evaluator": {"n_trees": 64, "max_depth": 64, "seeds": list(range(SEEDS))}, "studies": studies}
    with open(OUT, "w") as f:
        json.dump(fixture, f, indent=1)
    print(f"wrote {len(studies)} studies to {os.path.relpath(OUT)}")
