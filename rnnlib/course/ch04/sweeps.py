"""Notebook 04's many settings: diagnostics recorded while the adders train, and the results table.

The settings are ``rnnlib.course.ch03.adder.LECTURE.but(...)`` variants, trained
together by ``train_adders``. ``diagnostics(setups, seeds)`` is the ``evaluate``
function that records, on a fixed probe batch, what explains the curves: the
share of saturated hidden units, the largest hidden activation, the size of
the output pre-activation, the gradient norm, the weight norm, and how far one SGD step on one
example moves the output.
"""
import numpy as np

from rnnlib.course.ch02.gradflow import GAMMA
from rnnlib.course.ch03.adder import steps_to_solve, summarize
from rnnlib.course.stats import censored_median, median_text, rate_interval
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
      param_norm : norm of all weights (lr * grad_norm / param_norm: the step relative to the weights);
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
    # a diverged model (NaN or inf outputs) gets NaN diagnostics; its zeroed gradient keeps the others going
    bad = ~np.isfinite(Y).reshape(lead, -1).all(axis=1)
    keep = lambda dY: np.where(np.isfinite(dY), dY, 0.0)  # noqa: E731
    _, dY = squared_error(Y, D)
    model.backward(keep(dY))
    out["grad_norm"] = grad_norm(model.grads, 1)
    out["param_norm"] = grad_norm(model.params, 1)          # the same norm, of the weights
    saved = {k: p.copy() for k, p in model.params.items()}
    shape = lambda p: (-1,) + (1,) * (p.ndim - 1)  # noqa: E731
    moves = []
    for j in range(n_step_examples):
        x, d = X[j:j + 1], D[j:j + 1]
        Yj = model.forward(x)
        v0 = model.last_forward().V
        model.backward(keep(squared_error(Yj, d)[1]))
        for k, p in model.params.items():
            p -= np.asarray(lr).reshape(shape(p)) * model.grads[k]
        model.forward(x)
        moves.append(np.abs(model.last_forward().V - v0).reshape(lead, -1).mean(axis=1))
        for k, p in model.params.items():
            p[...] = saved[k]
    out["step_dv"] = np.mean(moves, axis=0)
    return {k: np.where(bad, np.nan, np.asarray(v, dtype=float)) for k, v in out.items()}


# One colour per setting in every figure of notebook 04 (matplotlib's tab10 / tab20 colours).
COLOURS = {
    "sigmoid, normal 1, lr 0.1": "#1f77b4",      # the lecture's default: blue
    "sigmoid, normal 0.1, lr 0.1": "#17becf",
    "sigmoid, normal 10, lr 0.1": "#7f7f7f",
    "sigmoid, xavier 1, lr 0.1": "#2ca02c",
    "sigmoid, he 1, lr 0.1": "#bcbd22",
    "sigmoid, normal 1, lr 1": "#ff7f0e",
    "tanh, normal 1, lr 0.1": "#d62728",
    "tanh, xavier 1, lr 0.1": "#9467bd",
    "tanh, he 1, lr 0.1": "#c5b0d5",
    "relu, normal 1, lr 0.1": "#8c564b",
    "relu, normal 1, lr 0.1, clip 1": "#8c564b",  # = ReLU's
    "relu, identity 1, lr 0.01": "#c49c94",
    "relu, identity 1, lr 0.1": "#f7b6d2",
    "relu, identity 1, lr 0.1, clip 1": "#637939",
    "relu, orthogonal 1, lr 0.1, clip 1": "#393b79",
    "hidden 16": "#1f77b4",                       # = the default
    "hidden 160": "#e377c2",
    "hidden 160, xavier": "#98df8a",
    "hidden 160, lr 0.01": "#6b6ecf",
}


def summary(part):
    """``summarize(part)`` plus, per seed, the steps to solve (-1: never) and the step limit,
    for the censored median over all seeds (``rnnlib.course.stats.median_text``)."""
    out = summarize(part)
    out["steps_to_solve"] = steps_to_solve(part)
    out["limit"] = int(part.steps)
    return out


def _bound_text(bound, fmt):
    lo, hi = bound
    return f"<= {fmt(hi)}" if lo <= 0 else f"{fmt(lo)}-{fmt(hi)}"


def _ci_text(lo_k, hi_k, n):
    """95 % interval of a rate; for a bounded count lo_k-hi_k, the union of their intervals."""
    return f"{rate_interval(lo_k, n)[0]:.2f}-{rate_interval(hi_k, n)[1]:.2f}"


def table(rows, seeds_note="", edge=None):
    """Aligned text table of (label, summary dict from ``summary`` or ``summarize``) rows.

    Columns: seeds; solved, with its exact 95 % interval (``rnnlib.course.stats.rate_interval``);
    median steps to solve over *all* seeds, an unsolved seed counting as more than the step limit
    ("> 10,000" when more than half never solve; needs the ``summary`` keys ``steps_to_solve``
    and ``limit``, else the median over the solving seeds); median final accuracy; diverged models.

    edge : optional {label: {"solved": (lo, hi), "median": (lo, hi), "final": (lo, hi), "diverged": (lo, hi)}} for settings at the limit of
        what they tolerate, whose seed count and final accuracy change with the last bits of the arithmetic
        (another CPU, another NumPy build; see the README). Such a row prints the bounds instead of
        the numbers ("<= 2/10" for 0-2 seeds, "1-3/10", "<= 0.25" for a final accuracy from 0 to
        0.25; the interval covers every count in the bounds; its median steps as "> limit" when even
        hi seeds are fewer than half, else "varies", or "lo-hi" for a ``median`` bound (censored
        median of all seeds); ``final=None`` prints "varies"), and the table
        checks that its numbers lie inside the bounds: AssertionError if not. A row whose label is
        in ``edge`` is marked with a '*'.
    """
    rows, edge = list(rows), dict(edge or {})
    unknown = set(edge) - {label for label, _ in rows}
    if unknown:
        raise ValueError(f"edge bounds for settings not in the table: {sorted(unknown)}")
    labels = [label + (" *" if label in edge else "") for label, _ in rows]
    w = max([len("setting")] + [len(label) for label in labels])
    head = (f"{'setting':<{w}} {'seeds':>5} {'solved':>7} {'95 % CI':>9} {'median steps':>13} "
            f"{'final acc':>9} {'diverged':>8}")
    lines = [head, "-" * len(head)]
    for text, (label, r) in zip(labels, rows):
        n = r["seeds"]
        if "steps_to_solve" in r:
            med = median_text(r["steps_to_solve"], r["limit"])
        else:
            med = "-" if not np.isfinite(r["median_steps"]) else f"{r['median_steps']:.0f}"
        solved, ci = f"{r['solved']}/{n}", _ci_text(r["solved"], r["solved"], n)
        final = f"{r['final_accuracy']:.3f}"
        bounds = edge.get(label, {})
        if "solved" in bounds:
            lo, hi = bounds["solved"]
            assert lo <= r["solved"] <= hi, f"{label}: {r['solved']} seeds solved, outside the stated {lo}-{hi}"
            solved, ci = _bound_text((lo, hi), str) + f"/{n}", _ci_text(lo, hi, n)
            if "limit" in r and 2 * hi < n:
                med = f"> {r['limit']:,}"
            else:
                med = "varies" if hi > 0 else "-"
        if "median" in bounds:
            lo, hi = bounds["median"]
            m = censored_median(r["steps_to_solve"], r["limit"])
            assert lo <= m <= hi, f"{label}: median {m:.0f} steps, outside the stated {lo}-{hi}"
            med = f"{lo:,}-{hi:,}"
        if bounds.get("final", ()) is None:
            final = "varies"
        elif "final" in bounds:
            lo, hi = bounds["final"]
            assert lo <= r["final_accuracy"] <= hi, \
                f"{label}: final accuracy {r['final_accuracy']:.3f}, outside the stated {lo}-{hi}"
            final = _bound_text((lo, hi), lambda v: f"{v:.2f}")
        diverged = str(r["diverged"])
        if "diverged" in bounds:
            lo, hi = bounds["diverged"]
            assert lo <= r["diverged"] <= hi, f"{label}: {r['diverged']} models diverged, outside the stated {lo}-{hi}"
            diverged = _bound_text((lo, hi), str) if lo < hi else str(lo)
        lines.append(f"{text:<{w}} {n:>5} {solved:>7} {ci:>9} {med:>13} {final:>9} {diverged:>8}")
    if seeds_note:
        lines.append(seeds_note)
    return "\n".join(lines)
