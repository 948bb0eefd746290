"""A training loop that records history and stops cleanly on divergence."""
import time

import numpy as np

from .checks import positive_int


class History:
    """What a training run recorded.

    steps : number of steps run.
    loss : (steps, E?) masked array, the training loss at every step; entries
        from a model's divergence on are masked, so plots show a gap, never NaN.
    eval_steps : (n_evals,) the steps after which ``evaluate`` ran (0 = before training).
    evals : {name: (n_evals, E?) masked array}, the values ``evaluate`` returned.
    diverged_at : (E?,) int array: the first step whose loss was not finite, -1 if none.
    seconds : wall-clock time of the run.
    """

    def __init__(self, loss, eval_steps, evals, diverged_at, seconds):
        self.loss = loss
        self.steps = loss.shape[0]
        self.eval_steps = eval_steps
        self.evals = evals
        self.diverged_at = diverged_at
        self.seconds = seconds

    def __repr__(self):
        n_div = int(np.sum(np.asarray(self.diverged_at) >= 0))
        return f"History(steps={self.steps}, evals={list(self.evals)}, diverged={n_div}, seconds={self.seconds:.2f})"


def _mask_after(values, steps, diverged_at):
    """Mask entries recorded at or after each model's divergence step."""
    values = np.asarray(values, dtype=float)
    steps = np.asarray(steps).reshape((-1,) + (1,) * (values.ndim - 1))
    dead = (diverged_at >= 0) & (steps >= diverged_at)
    return np.ma.masked_array(values, mask=dead | ~np.isfinite(values))


def train(model, loss, batches, optimizer, steps, truncate=None,
          evaluate=None, eval_every=100, progress=None):
    """Train ``model`` for ``steps`` steps of: forward, loss, backward, update.

    model : a SimpleRNN (one model or n_models).
    loss : a function (Y, T) -> (loss, dY), e.g. ``rnnlib.losses.squared_error``.
    batches : an iterator of (X, T) batches, e.g. ``rnnlib.data.adder_batches``.
    optimizer : e.g. ``rnnlib.SGD``; truncate : passed to ``model.backward``.
    evaluate : optional function model -> {name: float or (E,) array}, run
        before training and after every ``eval_every`` steps (and the last).
    progress : optional function (step, steps, latest_evals) for live displays.

    A model whose loss is not finite is stopped: its step is recorded in
    ``diverged_at``, its parameters are frozen, and the others go on. The run
    ends early when every model has diverged. Returns a ``History``.
    """
    positive_int("steps", steps)
    positive_int("eval_every", eval_every)
    lead = model.lead
    losses = np.empty((steps,) + lead)
    diverged_at = np.full(lead, -1)
    eval_steps, eval_rows = [], []
    start = time.perf_counter()

    def record_eval(step):
        row = {k: np.asarray(v, dtype=float) for k, v in evaluate(model).items()}
        eval_steps.append(step)
        eval_rows.append(row)
        if progress is not None:
            progress(step, steps, row)

    # Diverging models overflow on purpose; their non-finite values are
    # detected below, so the warnings would only be noise.
    with np.errstate(all="ignore"):
        if evaluate is not None:
            record_eval(0)
        step = 0
        while step < steps:
            X, T = next(batches)
            Y = model.forward(X)
            value, dY = loss(Y, T)
            losses[step] = value
            step += 1
            dead = ~np.isfinite(value)
            diverged_at = np.where(dead & (diverged_at < 0), step, diverged_at)
            alive = diverged_at < 0
            if not alive.any():
                break
            model.backward(np.where(alive[..., None, None, None], dY, 0.0), truncate=truncate)
            for g in model.grads.values():
                g[~alive] = 0.0                 # a diverged model stays as it was
            optimizer.step(model.params, model.grads)
            if evaluate is not None and (step % eval_every == 0 or step == steps):
                record_eval(step)
            elif progress is not None and evaluate is None and (step % eval_every == 0 or step == steps):
                progress(step, steps, {})
    seconds = time.perf_counter() - start

    losses = losses[:step]
    evals = {k: _mask_after([r[k] for r in eval_rows], eval_steps, diverged_at) for k in (eval_rows[0] if eval_rows else {})}
    return History(_mask_after(losses, np.arange(1, step + 1), diverged_at),
                   np.array(eval_steps), evals, diverged_at, seconds)
