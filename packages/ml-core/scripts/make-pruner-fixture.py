"""Writes test/fixtures/pruners-optuna.json: the prune decisions Optuna's pruners take on simulated
studies, so that test/study/pruners.test.ts can check ours take the same ones, report by report.
Run with Debian's /usr/bin/python3 (python3-optuna 3.1.0): /usr/bin/python3 scripts/make-pruner-fixture.py

Each case runs `n_trials` trials through the ask/tell interface, `concurrency` at a time in
lockstep: at every tick each running trial (oldest first) reports its next step's value and asks
`should_prune`; a pruned trial is told PRUNED, a trial at its last step COMPLETE with its last value,
and a free slot takes the next trial. Every report and its decision is recorded in order."""
import json, os
import numpy as np
import optuna

optuna.logging.set_verbosity(optuna.logging.WARNING)

PRUNERS = {
    "median": lambda s: optuna.pruners.MedianPruner(**s),
    "percentile": lambda s: optuna.pruners.PercentilePruner(**s),
    "successive_halving": lambda s: optuna.pruners.SuccessiveHalvingPruner(**s),
    "hyperband": lambda s: optuna.pruners.HyperbandPruner(**s),
}


def curves(seed, n_trials, n_steps):
    """Learning curves: each trial rises towards its own plateau at its own rate, with noise."""
    rs = np.random.RandomState(seed)
    plateau = rs.uniform(0.5, 0.95, n_trials)
    tau = rs.uniform(1.0, n_steps / 3, n_trials)
    steps = np.arange(n_steps)
    out = plateau[:, None] * (1 - np.exp(-(steps[None, :] + 1) / tau[:, None])) + rs.normal(0, 0.01, (n_trials, n_steps))
    return out.round(6).tolist()


def run(case):
    values = case["curves"]
    n_steps = len(values[0])
    study = optuna.create_study(study_name=case["study_name"], direction=case["direction"], pruner=PRUNERS[case["pruner"]](case["settings"]))
    waiting = list(range(len(values)))
    running = []  # [trial, number, next step]
    events = []
    while waiting or running:
        while waiting and len(running) < case["concurrency"]:
            trial = study.ask()
            running.append([trial, waiting.pop(0), 0])
        for slot in list(running):
            trial, number, step = slot
            assert trial.number == number
            value = values[number][step]
            trial.report(value, step)
            pruned = bool(trial.should_prune())
            events.append([number, step, pruned])
            if pruned:
                study.tell(trial, state=optuna.trial.TrialState.PRUNED)
                running.remove(slot)
            elif step == n_steps - 1:
                study.tell(trial, value)
                running.remove(slot)
            else:
                slot[2] = step + 1
    return events


CASES = [
    ("median", {}, "maximize", 20, 5, 1),
    ("median", {}, "maximize", 20, 5, 3),
    ("percentile", {"percentile": 25.0, "n_startup_trials": 3, "n_warmup_steps": 2, "interval_steps": 3}, "minimize", 25, 12, 2),
    ("successive_halving", {}, "maximize", 40, 30, 1),
    ("successive_halving", {"min_resource": 2, "reduction_factor": 3, "min_early_stopping_rate": 1, "bootstrap_count": 2}, "minimize", 40, 30, 4),
    ("successive_halving", {"min_resource": 1}, "maximize", 40, 30, 3),
    ("hyperband", {}, "maximize", 60, 27, 1),
    ("hyperband", {"min_resource": 1, "max_resource": 27, "reduction_factor": 3}, "maximize", 60, 27, 3),
    ("hyperband", {"min_resource": 2, "max_resource": 40, "reduction_factor": 2}, "minimize", 50, 40, 3),
]

cases = []
for i, (name, settings, direction, n_trials, n_steps, concurrency) in enumerate(CASES):
    case = {"pruner": name, "settings": settings, "direction": direction, "concurrency": concurrency, "study_name": f"fixture-{i}", "curves": curves(i, n_trials, n_steps)}
    if direction == "minimize":
        case["curves"] = [[round(1 - v, 6) for v in c] for c in case["curves"]]
    case["events"] = run(case)
    cases.append(case)
out = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "pruners-optuna.json")
json.dump({"optuna": optuna.__version__, "cases": cases}, open(out, "w"))
print(f"wrote {len(cases)} cases ({sum(len(c['events']) for c in cases)} decisions) to {out} with Optuna {optuna.__version__}")
