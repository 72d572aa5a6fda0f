#!/usr/bin/env python3
"""The reference side of bench/importance.ts: times Optuna's FanovaImportanceEvaluator (defaults,
seed 0) on the studies of the JSON file named on the command line ({studies: [{name,
search_space, trials: [{params, value}]}]}), and prints {name: {ms, importances}} as JSON."""
import json, sys, time
import optuna
from optuna.distributions import CategoricalDistribution, FloatDistribution, IntDistribution
from optuna.importance import FanovaImportanceEvaluator, get_param_importances

optuna.logging.set_verbosity(optuna.logging.WARNING)


def distribution(d):
    if d["type"] == "categorical":
        return CategoricalDistribution(d["choices"])
    cls = IntDistribution if d["type"] == "int" else FloatDistribution
    return cls(d["low"], d["high"], log=d.get("log", False), **({"step": d["step"]} if "step" in d else {}))


out = {}
for s in json.load(open(sys.argv[1]))["studies"]:
    dists = {p: distribution(d) for p, d in s["search_space"].items()}
    study = optuna.create_study()
    study.add_trials([optuna.trial.create_trial(params=t["params"], distributions={p: dists[p] for p in t["params"]}, value=t["value"]) for t in s["trials"]])
    start = time.perf_counter()
    importances = get_param_importances(study, evaluator=FanovaImportanceEvaluator(seed=0))
    out[s["name"]] = {"ms": (time.perf_counter() - start) * 1000, "importances": dict(importances)}
print(json.dumps(out))
