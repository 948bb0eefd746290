"""The success-against-lag study: several settings x seeds trained as one vectorised model per lag.

A ``Setting`` is one way the course has met to start a simple RNN (hidden activation, initialiser,
learning rate). ``train_lag`` trains every setting with every seed on one task at one lag T, all
models on the same batches, as one ``SimpleRNN`` with n_models = settings x seeds (per-model
activations as in notebook 03's ``train_adders``, per-model learning rates through ``SGD``), and
evaluates every model on one fixed test set.
"""
import time
from dataclasses import dataclass, replace

import numpy as np

from rnnlib.activations import ACTIVATIONS
from rnnlib.course.ch02.gradflow import GAMMA, hidden_gradient_norms
from rnnlib.course.ch03.adder import per_model_activation
from rnnlib.course.ch06 import tasks
from rnnlib.init import largest_singular_value
from rnnlib.losses import binary_cross_entropy, last_step, squared_error
from rnnlib.optim import SGD
from rnnlib.rnn import SimpleRNN
from rnnlib.train import train


@dataclass(frozen=True)
class Setting:
    """One way to start and train a simple RNN.

    activation : hidden f; init, init_std : ``rnnlib.init`` scheme and its std or gain;
    input_std : if not None, W_in and W_out are redrawn N(0, input_std^2) (IRNN's small weights);
    lr, clip : plain SGD with gradient-norm clipping; label : the name in tables and legends.
    """
    label: str
    activation: str = "tanh"
    init: str = "xavier"
    init_std: float = 1.0
    input_std: float = None
    lr: float = 0.05
    clip: float = 1.0

    def but(self, **changes):
        return replace(self, **changes)


SETTINGS = (
    Setting("tanh, N(0, 0.1)", "tanh", "normal", 0.1),
    Setting("tanh, Xavier", "tanh", "xavier", 1.0),
    Setting("tanh, orthogonal", "tanh", "orthogonal", 1.0),
    Setting("IRNN (ReLU, W = I)", "relu", "identity", 1.0, input_std=0.001),
    Setting("sigmoid, Xavier", "sigmoid", "xavier", 1.0),
)

TASK_OUTPUT = {"adding": ("identity", squared_error), "bit": ("sigmoid", binary_cross_entropy)}


def build(settings, seeds, n_in, n_hidden, output_activation="identity"):
    """One SimpleRNN holding len(settings) x len(seeds) models; model i * n + s is setting i with
    seed seeds[s] (n = len(seeds)), and equals the model the setting builds alone with that seed."""
    settings, seeds = list(settings), [int(s) for s in seeds]
    n, parts = len(seeds), []
    for s in settings:
        part = SimpleRNN(n_in, n_hidden, 1, activation=s.activation, output_activation=output_activation,
                         init=s.init, init_std=s.init_std, seed=seeds, n_models=n)
        if s.input_std is not None:                 # model e's small weights from its own seed
            for e, seed in enumerate(seeds):
                rng = np.random.default_rng([seed, 606])
                for k in ("W_in", "W_out"):
                    part.params[k][e] = s.input_std * rng.standard_normal(part.params[k].shape[1:])
        parts.append(part)
    model = SimpleRNN(n_in, n_hidden, 1, output_activation=output_activation, seed=seeds * len(settings),
                      n_models=len(settings) * n)
    for k, p in model.params.items():
        p[...] = np.concatenate([part.params[k] for part in parts])
    acts = [ACTIVATIONS[s.activation] for s in settings]
    if len({a.name for a in acts}) > 1:
        model.f = per_model_activation([a for a in acts for _ in seeds],
                                       "per model: " + "/".join(s.activation for s in settings))
    else:
        model.f = acts[0]
    return model


def optimizer(settings, n):
    lrs = np.repeat([s.lr for s in settings], n)
    clips = np.repeat([np.inf if s.clip is None else s.clip for s in settings], n)
    return SGD(lrs, None if np.isinf(clips).all() else clips)


class LagRun:
    """What ``train_lag`` trained: ``score`` (S, n) test MSE (adding) or accuracy (bit) per setting
    and seed, ``curve`` (n_evals, S, n), ``eval_steps``, ``seconds``, ``model``, ``history``."""

    def __init__(self, settings, seeds, task, T, model, history, score, curve):
        self.settings, self.seeds, self.task, self.T = list(settings), list(seeds), task, T
        self.model, self.history, self.score, self.curve = model, history, score, curve
        self.eval_steps, self.seconds = history.eval_steps, history.seconds


def test_set(task, T, n=256, seed=2024):
    return tasks.TASKS[task](n, T, np.random.default_rng([seed, T]))


def majority_rate(T, n=256, seed=2024):
    """Accuracy of the better constant prediction on the bit task's test set at lag T (what a model that
    ignores its input scores; about, not exactly, 0.5)."""
    _, D = test_set("bit", T, n, seed)
    p = float(np.mean(D > 0.5))
    return max(p, 1 - p)


def evaluate(task, X, D):
    def run(model):
        Y = model.forward(X)[..., -1, :]
        if task == "adding":
            return {"score": tasks.mse(Y, D)}
        return {"score": np.mean((Y > 0.5) == (D > 0.5), axis=(-2, -1))}
    return run


def train_lag(settings, seeds, T, task="adding", n_hidden=16, steps=400, batch_size=16, truncate=None,
              data_seed=1, eval_every=50):
    """Train every setting x seed on ``task`` with lag T; returns a ``LagRun``.

    truncate : None (full BPTT) or k: the last step's error reaches back k steps only
        (``SimpleRNN.backward(truncate=k)``; for a many-to-one loss the same as cutting the
        sequence's graph k steps before its end).
    """
    settings, seeds = list(settings), [int(s) for s in seeds]
    S, n = len(settings), len(seeds)
    out_act, loss = TASK_OUTPUT[task]
    n_in = 2 if task == "adding" else 1
    model = build(settings, seeds, n_in, n_hidden, out_act)
    X_test, D_test = test_set(task, T)
    history = train(model, last_step(loss), tasks.batches(task, batch_size, T, data_seed), optimizer(settings, n),
                    steps, truncate=truncate, evaluate=evaluate(task, X_test, D_test), eval_every=eval_every)
    curve = np.ma.filled(history.evals["score"], np.nan).reshape(-1, S, n)
    return LagRun(settings, seeds, task, T, model, history, curve[-1], curve)


# ------------------------------------------------------------------ the study
SOLVED = 0.9   # a model solves the bit task when its test accuracy reaches this (chance: 0.5)


def solved(run):
    """(S, n) bool: which models solved the task (bit: accuracy >= SOLVED; adding: MSE below half the baseline)."""
    score = np.nan_to_num(run.score, nan=-np.inf if run.task == "bit" else np.inf)
    return score >= SOLVED if run.task == "bit" else score < 0.5 * tasks.ADDING_BASELINE


def study(lags, settings=SETTINGS, seeds=range(8), task="bit", steps=300, data_seed=1, **kw):
    """``train_lag`` at every lag: {T: LagRun}."""
    return {int(T): train_lag(settings, seeds, T, task=task, steps=steps, data_seed=data_seed,
                              eval_every=steps, **kw) for T in lags}


def counts(runs):
    """(S, len(lags)) int array: how many seeds of each setting solved each lag."""
    return np.stack([solved(r).sum(axis=1) for r in runs.values()], axis=1)


def largest_solved(runs):
    """For each setting the largest lag at which at least half its seeds solved, or 0 if none."""
    lags = np.array(list(runs))
    c, n = counts(runs), len(next(iter(runs.values())).seeds)
    return [int(lags[row >= n / 2].max()) if (row >= n / 2).any() else 0 for row in c]


def factor_details(model, S, T, task="bit", n=64, seed=7):
    """How an error at z^T gets back to z^1 (where x^1 enters; z^0 is the fixed start state), for every
    model of ``model`` (S settings x n seeds, as ``build`` lays them out), over n task sequences with a
    random unit error vector at z^T (not the task's own dE/dz^T). Returns a dict of (S, seeds) arrays:

    rate : (mean over sequences of ||dE/dz^1|| / ||dE/dz^T||)^(1/(T-1)), the per-step factor of the
        average ratio (a batch gradient adds up the sequences, so this is the one that matters);
    geometric : the geometric mean of the per-sequence factors (0 as soon as one sequence is 0);
    reach : share of sequences whose error reaches z^1 at all (not exactly 0);
    along : the factor, as ``rate``, over those sequences only (nan if none);
    bound : gamma * sigma_max(W), the bound factor of notebook 02 (Pascanu et al.).
    """
    X, _ = tasks.TASKS[task](n, T, np.random.default_rng(seed))
    rng = np.random.default_rng(seed + 1)
    error = rng.standard_normal((model.n_models, n, model.n_hidden))
    error /= np.linalg.norm(error, axis=-1, keepdims=True)
    norms = hidden_gradient_norms(model, X, error)
    ratio = norms[..., T - 1] / norms[..., 0]          # ||dE/dz^1|| / ||dE/dz^T||, (M, n)
    steps = T - 1
    with np.errstate(divide="ignore"):
        geometric = np.exp(np.mean(np.log(ratio), axis=-1) / steps)
    hit = ratio > 0
    n_hit = hit.sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        along = (np.where(hit, ratio, 0).sum(axis=-1) / n_hit) ** (1.0 / steps)
    fnames = model.f.name.replace("per model: ", "").split("/")
    acts = np.repeat(fnames, model.n_models // len(fnames)) if len(fnames) > 1 else [fnames[0]] * model.n_models
    gamma = np.array([GAMMA[a] for a in acts])
    out = {"rate": np.mean(ratio, axis=-1) ** (1.0 / steps), "geometric": geometric,
           "reach": n_hit / n, "along": along, "bound": gamma * largest_singular_value(model.params["W"])}
    return {k: v.reshape(S, -1) for k, v in out.items()}


def gradient_factor(model, S, T, task="bit", n=64, seed=7):
    """``factor_details``' per-step factor of the average ratio ||dE/dz^1|| / ||dE/dz^T|| and the bound
    gamma * sigma_max(W), each (S, seeds)."""
    d = factor_details(model, S, T, task, n, seed)
    return d["rate"], d["bound"]


def initial_factor(settings, seeds, T, task="bit", n_hidden=16, details=False):
    """``gradient_factor`` of freshly built models (settings x seeds); ``factor_details`` if details."""
    settings = list(settings)
    out_act = TASK_OUTPUT[task][0]
    model = build(settings, seeds, 2 if task == "adding" else 1, n_hidden, out_act)
    if details:
        return factor_details(model, len(settings), T, task)
    return gradient_factor(model, len(settings), T, task)


def horizon(rate, fall=100.0):
    """Steps back until a gradient shrinking by ``rate`` per step has fallen ``fall``-fold: ln(fall) / -ln(rate)
    (inf for rate >= 1)."""
    rate = np.asarray(rate, dtype=float)
    with np.errstate(divide="ignore"):
        return np.where(rate < 1, np.log(fall) / -np.log(np.minimum(rate, 1 - 1e-300)), np.inf)
