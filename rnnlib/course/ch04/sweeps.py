"""Many settings of the binary adder in one vectorised run, with diagnostics.

``run_settings`` trains every (setting, seed) pair as one model of a single
``SimpleRNN(n_models=len(settings) * len(seeds))``: the Python overhead of a
training step is paid once for all of them. Settings may differ in hidden
activation, init scheme and scale, learning rate, clipping and the lecture's
output-derivative bug; the hidden size is shared. Model (i, s) sees exactly
the sums that ``run_adder(seeds, ...)`` feeds its model s (the data stream is
drawn for ``len(seeds)`` models and repeated for every setting), so every
setting is compared on the same data and a setting alone reproduces
``run_adder`` bit for bit.

Besides test accuracy, ``evaluate`` records, on a fixed probe batch, what
explains the curves: the share of saturated hidden units, the largest
hidden activation, the size of the output pre-activation, the gradient
norm, and how far one SGD step on one example moves the output.
"""
import numpy as np

from rnnlib.activations import ACTIVATIONS, HIDDEN_ACTIVATIONS, Activation
from rnnlib.course.ch02.bugs import LECTURE_SIGMOID
from rnnlib.course.ch03.adder import adder_test_set, chunked_accuracy
from rnnlib.data import adder_batches, binary_addition
from rnnlib.losses import squared_error
from rnnlib.optim import grad_norm
from rnnlib.rnn import SimpleRNN
from rnnlib.train import History, train

DEFAULT = dict(activation="sigmoid", init="normal", init_std=1.0, lr=0.1, clip=None, lecture_output_bug=False)


def setting(**changes):
    """The seed-001 setting (hidden size aside) with ``changes``; unknown keys raise a ValueError."""
    unknown = set(changes) - set(DEFAULT) - {"label"}
    if unknown:
        raise ValueError(f"unknown setting keys {sorted(unknown)}: expected some of {sorted(DEFAULT)} or 'label'")
    out = dict(DEFAULT, **changes)
    if out["activation"] not in HIDDEN_ACTIVATIONS:
        raise ValueError(f"unknown activation {out['activation']!r}: expected one of {HIDDEN_ACTIVATIONS}")
    out.setdefault("label", describe(out))
    return out


def describe(s):
    """A short label such as 'tanh, normal 1, lr 0.1' (+ ', clip 1', ', lecture bug')."""
    text = f"{s['activation']}, {s['init']} {s['init_std']:g}, lr {s['lr']:g}"
    if s.get("clip") is not None:
        text += f", clip {s['clip']:g}"
    if s.get("lecture_output_bug"):
        text += ", lecture bug"
    return text


def _runs(mask):
    """The (start, stop) index ranges where a boolean vector is True."""
    edges = np.flatnonzero(np.diff(np.concatenate([[0], mask.astype(int), [0]])))
    return list(zip(edges[::2], edges[1::2]))


def _per_model(masks, name, forwards, grads):
    """An Activation whose function is chosen per model along the leading axis:
    model e uses forwards[i] and grads[i] where masks[i][e] is True. Each
    function runs only on its own models (contiguous blocks of the model axis)."""
    runs = [_runs(np.asarray(m)) for m in masks]

    def apply(functions, *arrays, out=None):
        out = np.empty_like(arrays[0]) if out is None else out
        for f, blocks in zip(functions, runs):
            for a, b in blocks:
                out[a:b] = f(*(x[a:b] for x in arrays))
        return out

    return Activation(name, lambda u, out=None: apply(forwards, u, out=out), lambda u, z: apply(grads, u, z))


class PerModelSGD:
    """SGD whose learning rate and clipping threshold differ per model: lr (E,), clip (E,) (inf = none)."""

    def __init__(self, lr, clip):
        self.lr = np.asarray(lr, dtype=float)
        self.clip = np.asarray(clip, dtype=float)

    def step(self, params, grads):
        norm = grad_norm(grads, 1)
        scale = self.lr * np.minimum(1.0, self.clip / np.maximum(norm, 1e-300))
        for name, p in params.items():
            p -= scale.reshape((-1,) + (1,) * (p.ndim - 1)) * grads[name]


class Sweep:
    """Result of ``run_settings``: the trained model, the whole History and one per setting.

    history : History over all models (axis E = settings x seeds, setting-major).
    parts : list of History, one per setting, each with a model axis of len(seeds).
    diag : {name: (n_evals, n_settings, n_seeds) masked array} of the diagnostics.
    """

    def __init__(self, settings, seeds, n_hidden, model, history):
        self.settings, self.seeds, self.n_hidden = settings, list(seeds), n_hidden
        self.model, self.history = model, history
        S, n = len(settings), len(self.seeds)
        self.parts = []
        for i in range(S):
            cut = slice(i * n, (i + 1) * n)
            evals = {k: v[:, cut] for k, v in history.evals.items()}
            self.parts.append(History(history.loss[:, cut], history.eval_steps, evals,
                                      history.diverged_at[cut], history.seconds))
        self.diag = {k: v.reshape(v.shape[0], S, n) for k, v in history.evals.items()}

    def labels(self):
        return [s["label"] for s in self.settings]

    def index(self, label):
        return self.labels().index(label)

    def part(self, label):
        """The History of the setting with this label."""
        return self.parts[self.index(label)]


SLOPE = {"sigmoid": 0.25, "tanh": 1.0, "relu": 1.0}  # the largest f'(u) of each hidden activation


def probe_diagnostics(model, lr, X, T, slope, n_step_examples=4):
    """Diagnostics of every model on the probe batch (X, T) (B, T_len, 2), (B, T_len, 1).

    lr, slope : (E,) or scalars: each model's learning rate and its activation's largest slope
    (``SLOPE``). Returns {name: (E,) array}:
      saturated : share of hidden units u with f'(u) below 1 % of f's largest slope
                  (sigmoid, tanh: the flat tails; relu: the units that are off);
      z_max : largest |z| over the probe; v_abs : mean |v| (output pre-activation);
      grad_norm : norm of all gradients of the probe's mean squared error;
      step_dv : mean |change of v| on one example after one SGD step on that example
                alone (the model's own lr, no clipping), averaged over the first
                ``n_step_examples`` probe sums: how far one training step moves the output.
    """
    Y = model.forward(X)
    _, U, Z_all, V, _ = model.last_forward()         # batch-first: (E, B, T, n), Z_all with z^0
    fprime = model.f.grad(U, Z_all[..., 1:, :])
    lead = U.shape[0]
    slope = np.broadcast_to(np.asarray(slope, dtype=float), (lead,)).reshape(-1, 1, 1, 1)
    out = {
        "saturated": (fprime < 0.01 * slope).reshape(lead, -1).mean(axis=1),
        "z_max": np.abs(Z_all).reshape(lead, -1).max(axis=1),
        "v_abs": np.abs(V).reshape(lead, -1).mean(axis=1),
    }
    _, dY = squared_error(Y, T)
    model.backward(dY)
    out["grad_norm"] = grad_norm(model.grads, 1)
    saved = {k: p.copy() for k, p in model.params.items()}
    shape = lambda p: (-1,) + (1,) * (p.ndim - 1)  # noqa: E731
    moves = []
    for j in range(n_step_examples):
        x, t = X[j:j + 1], T[j:j + 1]
        Yj = model.forward(x)
        v0 = model.last_forward().V
        model.backward(squared_error(Yj, t)[1])
        for k, p in model.params.items():
            p -= np.asarray(lr).reshape(shape(p)) * model.grads[k]
        model.forward(x)
        moves.append(np.abs(model.last_forward().V - v0).reshape(lead, -1).mean(axis=1))
        for k, p in model.params.items():
            p[...] = saved[k]
    out["step_dv"] = np.mean(moves, axis=0)
    return out


def run_settings(settings, seeds=range(10), n_hidden=16, steps=10_000, batch_size=1, n_bits=8,
                 eval_every=250, test_set=None, data_seed=2024, probe_seed=777, n_probe=32,
                 diagnostics=True, progress=None):
    """Train every setting on every seed in one vectorised run; returns a ``Sweep``.

    settings : list of dicts from ``setting(...)`` (activation, init, init_std, lr, clip,
        lecture_output_bug, label). All use squared error, a sigmoid output and no biases,
        as the lecture code does.
    test_set : (X, Y) for the accuracy (default ``adder_test_set()``, 512 sums).
    Diagnostics (see ``probe_diagnostics``) are recorded with the accuracy every
    ``eval_every`` steps, on ``n_probe`` sums drawn with ``probe_seed``.
    """
    settings = [setting(**s) for s in settings]
    labels = [s["label"] for s in settings]
    if len(set(labels)) != len(labels):
        raise ValueError(f"setting labels must be unique, got {labels}")
    seeds = [int(s) for s in seeds]
    S, n = len(settings), len(seeds)
    E = S * n
    model = SimpleRNN(2, n_hidden, 1, activation="sigmoid", output_activation="sigmoid",
                      seed=seeds * S, n_models=E, bias=False)
    for i, s in enumerate(settings):
        part = SimpleRNN(2, n_hidden, 1, activation=s["activation"], init=s["init"],
                         init_std=s["init_std"], seed=seeds, n_models=n, bias=False)
        for k, p in model.params.items():
            p[i * n:(i + 1) * n] = part.params[k]
    acts = sorted({s["activation"] for s in settings})
    if len(acts) == 1:
        model.f = ACTIVATIONS[acts[0]]
    else:
        masks = [np.repeat([s["activation"] == a for s in settings], n) for a in acts]
        model.f = _per_model(masks, "per model: " + "/".join(acts),
                             [ACTIVATIONS[a].forward for a in acts], [ACTIVATIONS[a].grad for a in acts])
    bug = np.repeat([bool(s["lecture_output_bug"]) for s in settings], n)
    if bug.all():
        model.g = LECTURE_SIGMOID
    elif bug.any():
        sig = ACTIVATIONS["sigmoid"]
        model.g = _per_model([bug, ~bug], "sigmoid, lecture bug for some models",
                             [sig.forward, sig.forward], [LECTURE_SIGMOID.grad, sig.grad])
    lr = np.repeat([float(s["lr"]) for s in settings], n)
    slope = np.repeat([SLOPE[s["activation"]] for s in settings], n)
    clip = np.repeat([np.inf if s["clip"] is None else float(s["clip"]) for s in settings], n)

    X_test, Y_test = adder_test_set(n_bits=n_bits) if test_set is None else test_set
    X_probe, Y_probe = binary_addition(n_probe, n_bits, np.random.default_rng(probe_seed))

    def evaluate(m):
        row = {"accuracy": chunked_accuracy(m, X_test, Y_test)}
        if diagnostics:
            row.update(probe_diagnostics(m, lr, X_probe, Y_probe, slope))
        return row

    def batches():
        for X, Y in adder_batches(batch_size, n_bits, data_seed, n):
            yield np.concatenate([X] * S), np.concatenate([Y] * S)

    history = train(model, squared_error, batches(), PerModelSGD(lr, clip), steps,
                    evaluate=evaluate, eval_every=eval_every, progress=progress)
    return Sweep(settings, seeds, n_hidden, model, history)


def _bound_text(bound, fmt):
    lo, hi = bound
    return f"<= {fmt(hi)}" if lo <= 0 else f"{fmt(lo)}-{fmt(hi)}"


def table(rows, seeds_note="", edge=None):
    """Aligned text table of (label, summary dict from ``rnnlib.course.ch03.adder.summarize``) rows.

    edge : optional {label: {"solved": (lo, hi), "final": (lo, hi)}} for settings at the limit of
        what they tolerate, whose seed count and final accuracy change with the last bits of the arithmetic
        (another CPU, another NumPy build; see the README). Such a row prints the bounds instead of
        the numbers ("<= 2/10" for 0-2 seeds, "1-3/10", "<= 0.25" for a final accuracy from 0 to
        0.25; its median steps as "varies" when the count is bounded; ``final=None`` prints
        "varies"), and the table checks that its numbers lie inside the bounds: AssertionError if
        not. A row whose label is in ``edge`` is marked with a '*'.
    """
    rows, edge = list(rows), dict(edge or {})
    unknown = set(edge) - {label for label, _ in rows}
    if unknown:
        raise ValueError(f"edge bounds for settings not in the table: {sorted(unknown)}")
    labels = [label + (" *" if label in edge else "") for label, _ in rows]
    w = max([len("setting")] + [len(label) for label in labels])
    head = f"{'setting':<{w}} {'seeds':>5} {'solved':>7} {'median steps':>13} {'final acc':>9} {'diverged':>8}"
    lines = [head, "-" * len(head)]
    for text, (label, r) in zip(labels, rows):
        med = "-" if not np.isfinite(r["median_steps"]) else f"{r['median_steps']:.0f}"
        solved = f"{r['solved']}/{r['seeds']}"
        final = f"{r['final_accuracy']:.3f}"
        bounds = edge.get(label, {})
        if "solved" in bounds:
            lo, hi = bounds["solved"]
            assert lo <= r["solved"] <= hi, f"{label}: {r['solved']} seeds solved, outside the stated {lo}-{hi}"
            solved = _bound_text((lo, hi), str) + f"/{r['seeds']}"
            med = "varies" if hi > 0 else "-"
        if bounds.get("final", ()) is None:
            final = "varies"
        elif "final" in bounds:
            lo, hi = bounds["final"]
            assert lo <= r["final_accuracy"] <= hi, \
                f"{label}: final accuracy {r['final_accuracy']:.3f}, outside the stated {lo}-{hi}"
            final = _bound_text((lo, hi), lambda v: f"{v:.2f}")
        lines.append(f"{text:<{w}} {r['seeds']:>5} {solved:>7} {med:>13} {final:>9} {r['diverged']:>8}")
    if seeds_note:
        lines.append(seeds_note)
    return "\n".join(lines)
