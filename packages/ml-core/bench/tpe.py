"""Reference side of bench/tpe.ts: Optuna 3.1's TPESampler on the same problems.

Usage: /usr/bin/python3 bench/tpe.py '<json config>'  (spawned by bench/tpe.ts; prints one JSON line)
config: {"seeds": [...], "trials": 100, "sizes": [100, 500, 1000], "asks": 20}
"""
import json
import math
import sys
import time

import optuna
from optuna.distributions import CategoricalDistribution, FloatDistribution, IntDistribution
from optuna.trial import TrialState, create_trial

optuna.logging.set_verbosity(optuna.logging.ERROR)


def sphere(t):
    return sum(t.suggest_float(f"x{i}", -5, 5) ** 2 for i in range(5))


def branin(t):
    x1 = t.suggest_float("x1", -5, 10)
    x2 = t.suggest_float("x2", 0, 15)
    b, c, r, s, tt = 5.1 / (4 * math.pi**2), 5 / math.pi, 6, 10, 1 / (8 * math.pi)
    return (x2 - b * x1**2 + c * x1 - r) ** 2 + s * (1 - tt) * math.cos(x1) + s


def rosenbrock(t):
    x = [t.suggest_float(f"x{i}", -2, 2) for i in range(4)]
    return sum(100 * (x[i + 1] - x[i] ** 2) ** 2 + (1 - x[i]) ** 2 for i in range(3))


ACT = {"relu": 0.0, "tanh": 0.5, "sigmoid": 1.5}


def mixed(t):
    lr = t.suggest_float("lr", 1e-4, 1, log=True)
    layers = t.suggest_int("layers", 1, 8)
    units = t.suggest_int("units", 8, 512, log=True)
    act = t.suggest_categorical("act", list(ACT))
    return (math.log10(lr) + 2) ** 2 + 0.5 * (layers - 3) ** 2 + 0.3 * (math.log2(units) - 7) ** 2 + ACT[act]


PROBLEMS = {"sphere": sphere, "branin": branin, "rosenbrock": rosenbrock, "mixed": mixed}


def quality(seeds, n_trials):
    out = {}
    for name, f in PROBLEMS.items():
        bests = []
        for s in seeds:
            study = optuna.create_study(sampler=optuna.samplers.TPESampler(seed=s))
            study.optimize(f, n_trials=n_trials)
            bests.append(study.best_value)
        out[name] = bests
    return out


def cost(sizes, asks):
    dists = {f"x{i}": FloatDistribution(-5, 5) for i in range(5)}
    out = {}
    for n in sizes:
        import random

        rnd = random.Random(0)
        study = optuna.create_study(sampler=optuna.samplers.TPESampler(seed=0))
        trials = []
        for _ in range(n):
            params = {k: rnd.uniform(-5, 5) for k in dists}
            trials.append(create_trial(params=params, distributions=dists, value=sum(v * v for v in params.values())))
        study.add_trials(trials)
        study.tell(study.ask(dists), state=TrialState.FAIL)  # warm-up
        t0 = time.perf_counter()
        for _ in range(asks):
            trial = study.ask(dists)
            study.tell(trial, state=TrialState.FAIL)
        out[str(n)] = (time.perf_counter() - t0) * 1000 / asks
    return out


def main():
    cfg = json.loads(sys.argv[1])
    res = {"version": optuna.__version__, "cost": cost(cfg["sizes"], cfg["asks"]), "quality": quality(cfg["seeds"], cfg["trials"])}
    print(json.dumps(res))


if __name__ == "__main__":
    main()
