"""Training loops that record history and stop cleanly on divergence: ``train`` on batches of
sequences, ``train_stream`` on consecutive windows of one long stream."""
import time

import numpy as np

from .checks import positive_int


class History:
    """What a training run recorded.

    steps : number of steps run.
    loss : (steps, M?) masked array, the training loss at every step; entries
        from a model's divergence on are masked, so plots show a gap, never NaN.
    eval_steps : (n_evals,) the steps after which ``evaluate`` ran (0 = before training).
    evals : {name: (n_evals, M?) masked array}, the values ``evaluate`` returned.
    diverged_at : (M?,) int array: the first step whose loss was not finite, -1 if none.
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


class _Run:
    """The bookkeeping ``train`` and ``train_stream`` share: the loss of every update,
    which models diverged when, and the evaluations."""

    def __init__(self, model, steps, evaluate, eval_every, progress):
        positive_int("eval_every", eval_every)
        self.model, self.steps, self.evaluate, self.eval_every, self.progress = model, steps, evaluate, eval_every, progress
        self.losses = np.empty((steps,) + model.lead)
        self.diverged_at = np.full(model.lead, -1)
        self.step = 0
        self.eval_steps, self.eval_rows = [], []
        self.start = time.perf_counter()
        if evaluate is not None:
            self._record_eval()

    def update(self, loss, optimizer, X, D, truncate=None, h0=None):
        """One training step: forward, loss, backward, update. Returns the models still alive (bool, M?).

        A model whose loss is not finite is stopped: its step goes into ``diverged_at``
        and its parameters stay as they were, while the others go on.
        """
        Y = self.model.forward(X, h0=h0)
        value, dY = loss(Y, D)
        self.losses[self.step] = value
        self.step += 1
        self.diverged_at = np.where(~np.isfinite(value) & (self.diverged_at < 0), self.step, self.diverged_at)
        alive = self.diverged_at < 0
        if alive.any():
            if not alive.all():
                dY = np.where(alive[..., None, None, None], dY, 0.0)
            self.model.backward(dY, truncate=truncate)
            if not alive.all():
                for g in self.model.grads.values():
                    g[~alive] = 0.0                   # a diverged model stays as it was
            optimizer.step(self.model.params, self.model.grads)
        return alive

    def report(self):
        """After an update: evaluate (or just report progress) every ``eval_every`` steps and at the last.
        An evaluation may run the model on other data: read what the update left first."""
        if self.step % self.eval_every == 0 or self.step == self.steps:
            if self.evaluate is not None:
                self._record_eval()
            elif self.progress is not None:
                self.progress(self.step, self.steps, {})

    def _record_eval(self):
        row = {k: np.asarray(v, dtype=float) for k, v in self.evaluate(self.model).items()}
        self.eval_steps.append(self.step)
        self.eval_rows.append(row)
        if self.progress is not None:
            self.progress(self.step, self.steps, row)

    def history(self):
        n = self.step
        evals = {k: _mask_after([r[k] for r in self.eval_rows], self.eval_steps, self.diverged_at)
                 for k in (self.eval_rows[0] if self.eval_rows else {})}
        return History(_mask_after(self.losses[:n], np.arange(1, n + 1), self.diverged_at),
                       np.array(self.eval_steps), evals, self.diverged_at, time.perf_counter() - self.start)


def train(model, loss, batches, optimizer, steps, truncate=None,
          evaluate=None, eval_every=100, progress=None):
    """Train ``model`` for ``steps`` steps of: forward, loss, backward, update.

    model : a SimpleRNN (one model or n_models).
    loss : a function (Y, D) -> (loss, dY), e.g. ``rnnlib.losses.squared_error``.
    batches : an iterator of (X, D) batches (inputs, targets), e.g. ``rnnlib.data.adder_batches``.
    optimizer : e.g. ``rnnlib.SGD``; truncate : passed to ``model.backward``.
    evaluate : optional function model -> {name: float or (M,) array}, run
        before training and after every ``eval_every`` steps (and the last).
    progress : optional function (step, steps, latest_evals) for live displays.

    A model whose loss is not finite is stopped: its step is recorded in
    ``diverged_at``, its parameters are frozen, and the others go on. The run
    ends early when every model has diverged. Returns a ``History``.
    """
    positive_int("steps", steps)
    # Diverging models overflow on purpose; their non-finite values are
    # detected, so the warnings would only be noise (also in the evaluation before step 1).
    with np.errstate(all="ignore"):
        run = _Run(model, steps, evaluate, eval_every, progress)
        while run.step < steps:
            X, D = next(batches)
            if not run.update(loss, optimizer, X, D, truncate=truncate).any():
                break
            run.report()
    return run.history()


def _check_stream(model, X, D):
    """X, D as float arrays of the shapes ``train_stream`` accepts, or a clear ValueError."""
    X = np.asarray(X, dtype=float)
    D = np.asarray(D, dtype=float)
    ndims = (3,) if model.n_models is None else (3, 4)
    if X.ndim not in ndims or X.shape[-1] != model.n_in:
        want = "(B, T_total, n_in)" + ("" if model.n_models is None else " or (M, B, T_total, n_in)")
        raise ValueError(f"the stream X must have shape {want} with n_in={model.n_in}, got {X.shape}")
    if X.ndim == 4 and X.shape[0] != model.n_models:
        raise ValueError(f"a stream with a model axis must have M={model.n_models} first, got {X.shape}")
    if D.ndim not in ndims or D.shape[-3:-1] != X.shape[-3:-1] or D.shape[-1] != model.n_out \
            or (D.ndim == 4 and D.shape[0] != model.n_models):
        raise ValueError(f"the targets D must have shape (M?, B, T_total, n_out) = "
                         f"(M?, {X.shape[-3]}, {X.shape[-2]}, {model.n_out}), got {D.shape}")
    if not (np.isfinite(X).all() and np.isfinite(D).all()):
        raise ValueError("the stream X and its targets D must be finite (no NaN or inf)")
    return X, D


def train_stream(model, loss, X, D, window, optimizer, epochs=1, h0=None,
                 evaluate=None, eval_every=100, progress=None):
    """Truncated BPTT on a long stream: consecutive windows, the state carried forward.

    The scheme of d2l's ``state.detach()``, the stateful ``TimeRNN`` of Deep
    Learning from Scratch 2 and min-char-rnn's ``hprev``. The stream (B
    parallel streams of T_total steps each) is cut into consecutive windows of
    ``window`` = k steps: steps 1..k, k+1..2k, ... (the last window is shorter
    when k does not divide T_total). For each window:

        forward from z^0 = the last hidden state of the previous window,
        loss and full BPTT inside the window only, one optimizer step.

    The carried state enters as a constant: its gradient (``model.dh0``) is
    dropped, so no error crosses a window boundary, yet the forward pass sees
    the whole past. (``SimpleRNN.backward(dY, truncate=k)`` is a different
    scheme: every output's error reaches back exactly k steps in one long
    sequence, all T states kept.) With ``window = T_total`` and one epoch this
    is one full-BPTT step on the whole stream.

    model : a SimpleRNN (one model or n_models).
    loss : (Y, D) -> (loss, dY), e.g. ``rnnlib.losses.squared_error``.
    X : (B, T_total, n_in), or (M, B, T_total, n_in) with n_models: the stream.
    D : its targets, (M?, B, T_total, n_out).
    window : k, a positive int <= T_total.
    optimizer : e.g. ``rnnlib.SGD``; anything with ``step(params, grads)``.
    epochs : passes over the stream; each starts again from ``h0``.
    h0 : (M?, B, H) state at the start of each epoch; zeros if None.
    evaluate, eval_every, progress : as in ``train``, counted in updates.

    Returns a ``History`` whose loss is (epochs * n_windows, M?), one entry per
    window (the window's loss, as ``loss`` normalises it), and with two more
    attributes: ``window_starts`` (n_windows,), the first step (0-based) of each
    window, and ``state`` (M?, B, H), the hidden state the last window ended in
    (computed with the parameters before that window's update). A model whose
    loss stops being finite is frozen as in ``train`` (its carried state is reset
    to zeros so that the others can go on).
    """
    X, D = _check_stream(model, X, D)
    k = positive_int("window", window)
    epochs = positive_int("epochs", epochs)
    T_total, B = X.shape[-2], X.shape[-3]
    if k > T_total:
        raise ValueError(f"window must be at most the stream's length T_total={T_total}, got {k}")
    shape = model.lead + (B, model.n_hidden)
    if h0 is not None:
        h0 = np.asarray(h0, dtype=float)
        if h0.shape != shape:
            raise ValueError(f"h0 must have shape {shape} (M?, B, H), got {h0.shape}")
    starts = np.arange(0, T_total, k)
    state = np.zeros(shape)
    with np.errstate(all="ignore"):                       # divergence is detected, not warned about
        run = _Run(model, epochs * len(starts), evaluate, eval_every, progress)
        for _ in range(epochs):
            state = np.zeros(shape) if h0 is None else h0.copy()
            for s in starts:
                # z^0 of this window = the carried state; BPTT inside the window only (dh0 dropped)
                alive = run.update(loss, optimizer, X[..., s:s + k, :], D[..., s:s + k, :], h0=state)
                state = model.hidden[..., -1, :]          # z^k of this window, a new array
                state[~alive] = 0.0
                if not alive.any():
                    break
                run.report()
            if not alive.any():
                break
    history = run.history()
    history.window_starts = starts
    history.state = state
    return history
