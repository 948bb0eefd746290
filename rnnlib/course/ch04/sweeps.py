"""Notebook 04's many settings: diagnostics recorded while the adders train, and the results table.

The settings are ``rnnlib.course.ch03.adder.LECTURE.but(...)`` variants, trained
together by ``train_adders``. ``diagnostics(setups, seeds)`` is the ``evaluate``
function that records, on a fixed probe batch, what explains the curves: the
share of saturated hidden units, the largest hidden activation, the size of
the output pre-activation, the gradient norm, and how far one SGD step on one
example moves the output.
"""
import numpy as np

from rnnlib.course.ch02.gradflow import GAMMA
from rnnlib.data import binary_addition
from rnnlib.losses import squared_error
from rnnlib.optim import grad_norm


def diagnostics(setups, seeds, n_bits=8, n_probe=32, probe_seed=777):
    """The function model -> {name: (M,) array} that ``train_adders(setups, seeds, evaluate=...)``
    calls at every evaluation: ``probe_diagnostics`` on ``n_probe`` sums drawn with ``probe_seed``,
    with each model's learning rate and its activation's largest slope."""
    n = len(list(seeds))
    lr = np.repeat([float(s.lr) for s in setups], n)
    slope = np.repeat([GAMMA[s.activation] for s in setups], n)
    X, D = binary_addition(n_probe, n_bits, np.random.default_rng(probe_seed))
    return lambda model: probe_diagnostics(model, lr, X, D, slope)


def probe_diagnostics(model, lr, X, D, slope, n_step_examples=4):
    """Diagnostics of every model on the probe batch X (B, T, 2), targets D (B, T, 1).

    lr, slope : (M,) or scalars: each model's learning rate and its activation's largest slope
    (``GAMMA``). Returns {name: (M,) array}:
      saturated : share of hidden units u with f'(u) below 1 % of f's largest slope
                  (sigmoid, tanh: the flat tails; relu: the units that are off);
      z_max : largest |z| over the probe; v_abs : mean |v| (output pre-activation);
      grad_norm : norm of all gradients of the probe's mean squared error;
      step_dv : mean |change of v| on one example after one SGD step on that example
                alone (the model's own lr, no clipping), averaged over the first
                ``n_step_examples`` probe sums: how far one training step moves the output.
    """
    Y = model.forward(X)
    _, U, Z_all, V, _ = model.last_forward()         # batch-first: (M, B, T, n), Z_all with z^0
    fprime = model.f.grad(U, Z_all[..., 1:, :])
    lead = U.shape[0]
    slope = np.broadcast_to(np.asarray(slope, dtype=float), (lead,)).reshape(-1, 1, 1, 1)
    out = {
        "saturated": (fprime < 0.01 * slope).reshape(lead, -1).mean(axis=1),
        "z_max": np.abs(Z_all).reshape(lead, -1).max(axis=1),
        "v_abs": np.abs(V).reshape(lead, -1).mean(axis=1),
    }
    _, dY = squared_error(Y, D)
    model.backward(dY)
    out["grad_norm"] = grad_norm(model.grads, 1)
    saved = {k: p.copy() for k, p in model.params.items()}
    shape = lambda p: (-1,) + (1,) * (p.ndim - 1)  # noqa: E731
    moves = []
    for j in range(n_step_examples):
        x, d = X[j:j + 1], D[j:j + 1]
        Yj = model.forward(x)
        v0 = model.last_forward().V
        model.backward(squared_error(Yj, d)[1])
        for k, p in model.params.items():
            p -= np.asarray(lr).reshape(shape(p)) * model.grads[k]
        model.forward(x)
        moves.append(np.abs(model.last_forward().V - v0).reshape(lead, -1).mean(axis=1))
        for k, p in model.params.items():
            p[...] = saved[k]
    out["step_dv"] = np.mean(moves, axis=0)
    return out


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
