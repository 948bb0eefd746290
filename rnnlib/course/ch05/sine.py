"""Sine-wave prediction (notebook 05): the training schedules of the Keras overview and the
PyTorch Elman tutorial, an ordered validation split, and the baselines every error is shown beside.

The Keras overview: a noisy sine, ``sin(x) + 0.1 * noise`` on 50 points over
[-2 pi, 2 pi], cut into windows of 10; each window's target is the same
window shifted one step ahead, so the network predicts the next value at
every step. ``SimpleRNN(20)`` + ``Dense(1)``, MSE, plain SGD, batch 8,
20 epochs, the last 10 % of the windows held out for validation.

The PyTorch Elman tutorial: the clean ``sin(linspace(2, 10, 21))``, 6 hidden
units, no biases, weights N(0, 0.4) and N(0, 0.3), one SGD update (lr 0.1)
after every time step, the context detached after every step.

Shapes follow the course: X and its targets D are (n, L, 1) for n windows of length L,
or (M, n, L, 1) with one data set per model (``n_models=M``).
Every random choice takes a seed or a ``numpy.random.Generator``.
"""
import numpy as np

from rnnlib.checks import generator
from rnnlib.losses import squared_error
from rnnlib.optim import SGD
from rnnlib.rnn import SimpleRNN
from rnnlib.train import train


def target_steps(first, last, length):
    """The series indices that windows first..last (inclusive) of ``length`` steps use as targets:
    window i predicts s_{i+1} .. s_{i+L}. Returns a sorted array."""
    return np.arange(first + 1, last + length + 1)


def split_ordered(X, D, n_val):
    """A validation split ordered in time with NO shared targets.

    The last ``n_val`` windows are held out (as Keras' ``validation_split`` does), and
    the L - 1 windows before them are dropped: window i's targets are s_{i+1}..s_{i+L},
    so a training window that overlapped the first held-out window would train on
    held-out targets. With 40 windows of 10 and n_val = 4: training windows 0..26
    (targets s_1..s_36), held out 36..39 (targets s_37..s_49).
    Returns (X_train, D_train, X_val, D_val).
    """
    n, L = X.shape[-3], X.shape[-2]
    n_val = int(n_val)
    n_train = n - n_val - (L - 1)
    if n_val < 1 or n_train < 1:
        raise ValueError(f"n_val={n_val!r} leaves no training or no validation window out of {n} "
                         f"(the {L - 1} windows before the held-out ones are dropped)")
    return X[..., :n_train, :, :], D[..., :n_train, :, :], X[..., n - n_val:, :, :], D[..., n - n_val:, :, :]


def split_validation(X, D, fraction=0.1):
    """Hold out the LAST ``fraction`` of the windows, as Keras' ``validation_split`` does
    (it takes the tail before any shuffling). Returns (X_train, D_train, X_val, D_val).

    The windows overlap, so the two sets share targets: with 40 windows of 10, training
    windows 0..35 predict s_1..s_45 and held-out windows 36..39 predict s_37..s_49, nine
    of them (s_37..s_45) training targets too. ``split_ordered`` has none in common."""
    n = X.shape[-3]
    split = int(n * (1 - fraction))
    if not 1 <= split < n:
        raise ValueError(f"fraction={fraction!r} leaves no training or no validation window out of {n}")
    return X[..., :split, :, :], D[..., :split, :, :], X[..., split:, :, :], D[..., split:, :, :]


def epoch_batches(X, D, batch_size, rng=0):
    """Endless minibatches, one reshuffle per epoch (as Keras' ``fit(shuffle=True)``).

    X, D : (n, L, 1), or (M, n, L, 1) with each model shuffled on its own.
    Every epoch yields ceil(n / batch_size) batches; the last one may be smaller.
    """
    rng = generator(rng)
    n = X.shape[-3]
    while True:
        if X.ndim == 3:
            order = rng.permutation(n)
            for i in range(0, n, batch_size):
                j = order[i:i + batch_size]
                yield X[j], D[j]
        else:
            M = X.shape[0]
            order = np.stack([rng.permutation(n) for _ in range(M)])
            rows = np.arange(M)[:, None]
            for i in range(0, n, batch_size):
                j = order[:, i:i + batch_size]
                yield X[rows, j], D[rows, j]


def batches_per_epoch(n, batch_size):
    return -(-n // batch_size)


# ------------------------------------------------------------------ the Keras overview's model
def mse_from_squared_error(M, length):
    """Keras' MSE (mean over batch, steps and outputs) from rnnlib's squared error
    (1/2 sum over steps and outputs, mean over batch), for windows of ``length`` steps and one output."""
    return 2.0 * np.asarray(M) / length


def keras_init(model, seed=0):
    """Overwrite a SimpleRNN's parameters with Keras' defaults for SimpleRNN + Dense:
    W_in and W_out Glorot-uniform (limit sqrt(6 / (fan_in + fan_out))), W orthogonal,
    b = c = 0. Model e draws from ``default_rng(seed + e)``. Returns the model."""
    from rnnlib.init import orthogonal
    p = model.params
    n_in, H, n_out = model.n_in, model.n_hidden, model.n_out
    M = 1 if model.n_models is None else model.n_models
    for e in range(M):
        rng = np.random.default_rng(seed + e)
        sel = () if model.n_models is None else (e,)
        lim_in, lim_out = np.sqrt(6 / (n_in + H)), np.sqrt(6 / (H + n_out))
        p["W_in"][sel] = rng.uniform(-lim_in, lim_in, (n_in, H))
        p["W"][sel] = orthogonal(H, rng)
        p["W_out"][sel] = rng.uniform(-lim_out, lim_out, (H, n_out))
        p["b"][sel] = 0.0
        p["c"][sel] = 0.0
    return model


def keras_model(n_hidden=20, seed=0, n_models=None, activation="tanh"):
    """SimpleRNN(n_hidden) + Dense(1, linear) with Keras' default initialisation."""
    model = SimpleRNN(1, n_hidden, 1, activation=activation, output_activation="identity",
                      seed=seed, n_models=n_models)
    return keras_init(model, seed)


def fit_windows(model, X, D, epochs=20, batch_size=8, lr_keras=0.01, val_fraction=0.1, rng=0,
                truncate=None, progress=None, split="keras"):
    """Train on windows the way the Keras overview's ``model.fit`` does, and report Keras' numbers.

    The loss is rnnlib's squared error E; Keras minimises MSE = 2E/L, so SGD uses
    lr = lr_keras * 2 / L: the very same update as Keras' SGD(lr_keras) on MSE.
    Returns a dict of (epochs, M?) arrays, all in Keras' MSE units:
      "loss"      : the mean of the minibatch losses during each epoch (what Keras prints as loss),
      "train_end" : the training-set MSE at the end of each epoch,
      "val_loss"  : the validation MSE at the end of each epoch (Keras' val_loss),
    and "history", the ``rnnlib.train.History``.
    split="keras": the last ``val_fraction`` of the windows held out, as Keras does (shared targets);
    split="ordered": the same held-out windows, the L - 1 windows before them dropped (``split_ordered``).
    """
    L = X.shape[-2]
    if split == "keras":
        Xtr, Dtr, Xva, Dva = split_validation(X, D, val_fraction)
    elif split == "ordered":
        n = X.shape[-3]
        Xtr, Dtr, Xva, Dva = split_ordered(X, D, n - int(n * (1 - val_fraction)))
    else:
        raise ValueError(f"split must be 'keras' or 'ordered', got {split!r}")
    n = Xtr.shape[-3]
    per_epoch = batches_per_epoch(n, batch_size)
    sizes = np.array([min(batch_size, n - i) for i in range(0, n, batch_size)], dtype=float)

    def evaluate(m):
        return {"train": mse_from_squared_error(squared_error(m.forward(Xtr), Dtr)[0], L),
                "val": mse_from_squared_error(squared_error(m.forward(Xva), Dva)[0], L)}

    hist = train(model, squared_error, epoch_batches(Xtr, Dtr, batch_size, rng), SGD(lr=lr_keras * 2 / L),
                 steps=epochs * per_epoch, truncate=truncate, evaluate=evaluate, eval_every=per_epoch,
                 progress=progress)
    step_loss = np.ma.filled(hist.loss, np.nan).reshape((epochs, per_epoch) + hist.loss.shape[1:])
    weights = (sizes / sizes.sum()).reshape((1, per_epoch) + (1,) * (step_loss.ndim - 2))
    return {"loss": mse_from_squared_error((step_loss * weights).sum(axis=1), L),
            "train_end": np.ma.filled(hist.evals["train"][1:], np.nan),
            "val_loss": np.ma.filled(hist.evals["val"][1:], np.nan),
            "history": hist}


# ------------------------------------------------------------ prediction
def predict_next(model, Xw):
    """One step ahead (an evaluation): for every window of TRUE values, the prediction
    of the value after it. Xw (n, L, 1), or (M, n, L, 1) one set per model -> (M?, n)."""
    return model.forward(Xw)[..., -1, 0]


def free_run(model, start, n_steps):
    """The Keras overview's free-running prediction: feed the model its own predictions.

    start : (L,) or (n, L) windows of true values to begin from (shared by all models).
    Each step runs the model on the last L values (from a zero state, as Keras does)
    and appends the last output. Returns (M?, n?, n_steps) predictions.
    """
    start = np.asarray(start, dtype=float)
    single = start.ndim == 1
    w = np.broadcast_to(np.atleast_2d(start), model.lead + np.atleast_2d(start).shape).copy()  # (M?, n, L)
    out = np.empty(w.shape[:-1] + (n_steps,))
    for k in range(n_steps):
        y = model.forward(w[..., None])[..., -1, 0]
        out[..., k] = y
        w = np.concatenate([w[..., 1:], y[..., None]], axis=-1)
    return out[..., 0, :] if single else out


def horizon_errors(model, x, series, length, horizon):
    """Error against the clean sine after h = 1..horizon steps of free running.

    Starts from every window of the (noisy) ``series`` (shared by all models), feeds
    predictions back for ``horizon`` steps and compares step h with sin at that point
    (x is extended on the same grid past its end). Returns the RMS error over the
    starting windows, (M?, horizon); step 1 is the one-step-ahead error.
    """
    series = np.asarray(series, dtype=float)
    n = series.shape[-1] - length + 1
    starts = series[np.arange(n)[:, None] + np.arange(length)[None, :]]        # (n, L)
    dx = x[1] - x[0]
    future = x[0] + dx * (np.arange(n)[:, None] + length - 1 + np.arange(1, horizon + 1)[None, :])
    pred = free_run(model, starts, horizon)                                    # (M?, n, H)
    return np.sqrt(np.mean((pred - np.sin(future)) ** 2, axis=-2))


# ------------------------------------------------------------------ the PyTorch Elman tutorial's model
def elman_model(seed=0, n_models=None, n_hidden=6, std_context=0.4, std_out=0.3, seeds=None):
    """The PyTorch Elman tutorial's network in rnnlib: tanh hidden, identity output, no biases.

    The tutorial concatenates [input, context] (1 + 6 = 7 values) and multiplies by one
    (7, 6) matrix drawn N(0, 0.4): its first row is W_in, the other six are W.
    W_out is drawn N(0, 0.3). Model e uses ``default_rng(seed + e)``, or ``default_rng(seeds[e])``
    with a list of seeds (one per model, repeats allowed: the same start under several settings).
    """
    if seeds is not None:
        seeds = [int(v) for v in seeds]
        if n_models is None:
            n_models = len(seeds)
        if len(seeds) != n_models:
            raise ValueError(f"seeds must have n_models={n_models} entries, got {len(seeds)}")
    model = SimpleRNN(1, n_hidden, 1, activation="tanh", output_activation="identity",
                      seed=seed, n_models=n_models, bias=False)
    M = 1 if n_models is None else n_models
    for e in range(M):
        rng = np.random.default_rng(seed + e if seeds is None else seeds[e])
        w1 = rng.normal(0.0, std_context, (1 + n_hidden, n_hidden))
        sel = () if n_models is None else (e,)
        model.params["W_in"][sel] = w1[:1]
        model.params["W"][sel] = w1[1:]
        model.params["W_out"][sel] = rng.normal(0.0, std_out, (n_hidden, 1))
    return model


def train_online(model, series, epochs=300, lr=0.1, truncate="detach"):
    """The PyTorch Elman tutorial's schedule: one SGD step after EVERY time step, the sequence restarted
    from a zero context each epoch. Input s[j], target s[j+1], loss (y - t)^2 / 2.

    truncate="detach": the tutorial's code. The context z^{j-1} enters step j as a constant
        (a one-step ``forward`` with ``h0`` = the previous state, computed with the
        weights of that moment): nothing flows back through W to earlier steps.
    truncate=k (int) or None: the prefix s[0..j] is re-run with the current weights and
        the step-j loss is backpropagated k steps (None: all the way, full BPTT).
    truncate=array of one k per model (0 or a value >= the length: full BPTT): the same,
        every model with its own k, in one vectorised run (a tanh network without biases).
    Returns a dict of (epochs, M?) arrays:
      "running": the total loss of each epoch, summed over the steps while the weights change
                 (what the tutorial prints), and
      "fresh":   the total loss over the sequence with the weights at the end of the epoch,
                 from a zero state (``sequence_loss``).
    """
    per_model = not (isinstance(truncate, str) or truncate is None or isinstance(truncate, (int, np.integer)))
    if per_model:
        k = np.asarray(truncate)
        if model.n_models is None or k.shape != (model.n_models,) or not np.issubdtype(k.dtype, np.integer) \
                or np.any(k < 0):
            raise ValueError(f"truncate as an array needs one int >= 0 per model ({model.n_models}), got {truncate!r}")
        if model.f.name != "tanh" or model.g.name != "identity" or model.bias:
            raise ValueError("per-model truncation is written for a tanh network with identity output and no biases")
    elif not (truncate == "detach" or truncate is None
              or (isinstance(truncate, (int, np.integer)) and not isinstance(truncate, bool) and truncate >= 1)):
        raise ValueError(f"truncate must be 'detach', None, a positive int or one int per model, got {truncate!r}")
    detach = isinstance(truncate, str)
    s = np.asarray(series, dtype=float)
    X, D = s[None, :-1, None], s[None, 1:, None]           # (1, N-1, 1)
    opt = SGD(lr=lr)
    running = np.zeros((epochs,) + model.lead)
    fresh = np.zeros((epochs,) + model.lead)
    for epoch in range(epochs):
        h = None
        for j in range(X.shape[1]):
            if detach:
                Y = model.forward(X[:, j:j + 1], h0=h)
                loss, dY = squared_error(Y, D[:, j:j + 1])
                h = model.hidden[..., -1, :]
                model.backward(dY)
                grads = model.grads
            elif per_model:
                z = prefix_states(model, X[0, :j + 1, 0])        # the prefix re-run with the current weights
                dy = np.sum(z[:, -1] * model.params["W_out"][:, :, 0], axis=-1) - D[0, j, 0]   # y^j - d^j, (M,)
                loss = 0.5 * dy ** 2
                grads = states_grads(model, X[0, :j + 1, 0], z, dy, k)
            else:
                Y = model.forward(X[:, :j + 1])
                dY = np.zeros_like(Y)
                loss, dY[..., -1:, :] = squared_error(Y[..., -1:, :], D[:, j:j + 1])
                model.backward(dY, truncate=truncate)
                grads = model.grads
            opt.step(model.params, grads)
            running[epoch] += loss
        fresh[epoch] = sequence_loss(model, s)
    return {"running": running, "fresh": fresh}


def prefix_states(model, x):
    """z^0 = 0, z^1, ..., z^T of a tanh network without biases run on one sequence x (T,),
    every model at once: (M, T + 1, H). The forward pass of ``SimpleRNN`` for B = 1, without
    its bookkeeping (the sweep in ``train_online`` re-runs a prefix at every step)."""
    W_in, W = model.params["W_in"][:, 0, :], model.params["W"]
    z = np.zeros((W.shape[0], len(x) + 1, W.shape[-1]))
    for t, xt in enumerate(x):
        z[:, t + 1] = np.tanh(xt * W_in + (z[:, t, None, :] @ W)[:, 0])
    return z


def states_grads(model, x, z, dy, k):
    """Gradients of (y^T - d)^2 / 2 at the LAST step of one sequence x (T,), given its states
    z (M, T + 1, H) with z^0 first, the error followed back k[m] steps for model m (0: all the
    way); tanh hidden, identity output, no biases. dy : (M,) = y^T - d.
    The same as ``backward(dY, truncate=k[m])`` model by model (tests/test_ch05.py)."""
    M, T = z.shape[0], z.shape[1] - 1
    H = z.shape[2]
    W, W_out = model.params["W"], model.params["W_out"]
    reach = np.where(np.asarray(k) == 0, T, np.minimum(k, T))
    fprime = 1 - z[:, 1:] ** 2                               # f'(u^t) = 1 - tanh^2, (M, T, H)
    delta = np.zeros((M, T, H))
    WT = np.swapaxes(W, 1, 2)
    d = (dy[:, None] * W_out[:, :, 0] * fprime[:, T - 1])[:, None, :]   # delta^T, (M, 1, H)
    for back in range(int(reach.max())):
        t = T - 1 - back                                     # 0-based index of step t + 1
        delta[:, t] = d[:, 0] * (back < reach)[:, None]
        if t > 0:
            d = (d @ WT) * fprime[:, t - 1:t]                # delta^{t-1} = delta^t W^T f'(u^{t-1})
    g = {name: np.zeros_like(p) for name, p in model.params.items()}
    g["W_in"][...] = np.asarray(x, dtype=float)[None, None, :] @ delta                     # sum_t [x^t]^T delta^t
    g["W"][...] = np.swapaxes(z[:, :-1], 1, 2) @ delta                                     # sum_t [z^{t-1}]^T delta^t
    g["W_out"][...] = z[:, T, :, None] * dy[:, None, None]                                 # [z^T]^T delta_out^T
    return g


def last_step_grads(model, x, dy, k):
    """``states_grads`` for the last forward pass of ``model``, run on x (T,) from z^0 = 0."""
    z = model.hidden[:, 0]                                   # (M, T, H): z^1..z^T
    z = np.concatenate([np.zeros((z.shape[0], 1, z.shape[2])), z], axis=1)
    return states_grads(model, x, z, dy, k)


def sequence_loss(model, series):
    """Total squared error / 2 of one-step-ahead predictions over a series, from a zero state: float or (M,)."""
    s = np.asarray(series, dtype=float)
    return squared_error(model.forward(s[None, :-1, None]), s[None, 1:, None])[0]


# ------------------------------------------------------------------ baselines
def ar_fit(series, p, stop):
    """Least-squares AR(p) with an intercept on the points s_0 .. s_{stop-1}:
    s_t ~ a_1 s_{t-1} + ... + a_p s_{t-p} + c for t = p .. stop-1.
    series (N,) or (M, N) -> coefficients (M?, p + 1): a_1..a_p, then c."""
    s = np.asarray(series, dtype=float)
    p = int(p)
    if p < 1 or stop - p < p + 1 or stop > s.shape[-1]:
        raise ValueError(f"need 1 <= p and more equations than unknowns: p={p!r}, stop={stop!r}")
    rows = np.atleast_2d(s)
    coef = []
    for r in rows:
        A = np.stack([r[p - j:stop - j] for j in range(1, p + 1)] + [np.ones(stop - p)], axis=1)
        coef.append(np.linalg.lstsq(A, r[p:stop], rcond=None)[0])
    coef = np.array(coef)
    return coef[0] if s.ndim == 1 else coef


def ar_step(coef, past):
    """One AR prediction from the last p values of ``past`` (M?, >= p) -> (M?,)."""
    coef, past = np.asarray(coef, dtype=float), np.asarray(past, dtype=float)
    p = coef.shape[-1] - 1
    return np.sum(coef[..., :p] * past[..., :-p - 1:-1], axis=-1) + coef[..., p]


def forecasts(series, first, how, p=10, stop=None, model=None, length=10):
    """Predictions of s_first .. s_{N-1} of each series, by one method, in both modes.

    series (N,) or (M, N); stop : the training points are s_0..s_{stop-1} (default: first).
    how : "persistence" (predict s_{t-1}; free running: the last known value forever),
          "zero", "mean" (the training points' mean), "ar" (a least-squares AR(p) on the
          training points), or "rnn" (``model``, windows of ``length``; model m on series m
          when there is one series per model).
    Returns (one_step, free), each (M?, N - first): one step ahead, every prediction
    from the TRUE past; free running, from s_0..s_{first-1}, each prediction fed back.
    """
    s = np.asarray(series, dtype=float)
    N = s.shape[-1]
    stop = first if stop is None else stop
    n = N - first
    if not 1 <= first < N:
        raise ValueError(f"first must be in [1, {N - 1}], got {first!r}")
    if how == "persistence":
        return s[..., first - 1:N - 1].copy(), np.repeat(s[..., first - 1:first], n, axis=-1)
    if how == "zero":
        return np.zeros(s.shape[:-1] + (n,)), np.zeros(s.shape[:-1] + (n,))
    if how == "mean":
        mean = np.repeat(s[..., :stop].mean(axis=-1, keepdims=True), n, axis=-1)
        return mean, mean.copy()
    if how == "ar":
        coef = ar_fit(s, p, stop)
        one = np.stack([ar_step(coef, s[..., :t]) for t in range(first, N)], axis=-1)
        run = s[..., :first].copy()
        for _ in range(n):
            run = np.concatenate([run, ar_step(coef, run)[..., None]], axis=-1)
        return one, run[..., first:]
    if how == "rnn":
        if model is None or first < length:
            raise ValueError("how='rnn' needs a model and first >= length")
        idx = np.arange(first - length, N - length)[:, None] + np.arange(length)[None, :]
        windows = s[..., idx, None]                                   # (M?, n, L, 1)
        one = model.forward(windows)[..., -1, 0]
        w = s[..., None, first - length:first]                        # (M?, 1, L)
        out = []
        for _ in range(n):
            y = model.forward(w[..., None])[..., -1, 0]               # (M?, 1)
            out.append(y[..., 0])
            w = np.concatenate([w[..., 1:], y[..., None]], axis=-1)
        return one, np.stack(out, axis=-1)
    raise ValueError(f"how must be 'persistence', 'zero', 'mean', 'ar' or 'rnn', got {how!r}")


def rms(err, axis=-1):
    """Root mean square over ``axis``."""
    return np.sqrt(np.mean(np.square(err), axis=axis))


def period_amplitude(x, y):
    """The period (mean spacing of upward zero crossings of y - mean(y), x linearly interpolated)
    and amplitude (half of max - min between the first and last crossing) of a wave y(x).
    y (n,) or (M, n) -> two floats or two (M,) arrays; NaN when fewer than two crossings."""
    y0 = np.asarray(y, dtype=float)
    y = np.atleast_2d(y0)
    x = np.asarray(x, dtype=float)
    per, amp = np.full(len(y), np.nan), np.full(len(y), np.nan)
    for m, row in enumerate(y):
        c = row - row.mean()
        up = np.nonzero((c[:-1] < 0) & (c[1:] >= 0))[0]
        if len(up) < 2:
            continue
        xc = x[up] + (x[up + 1] - x[up]) * (-c[up]) / (c[up + 1] - c[up])
        per[m] = np.mean(np.diff(xc))
        seg = row[up[0]:up[-1] + 2]
        amp[m] = (seg.max() - seg.min()) / 2
    return (float(per[0]), float(amp[0])) if y0.ndim == 1 else (per, amp)


def elman_free_run(model, first, n_steps):
    """Free running of a one-input model that carries its state: start from the value ``first``
    and z^0 = 0, then feed every prediction back as the next input. Returns (M?, n_steps):
    the predictions of s_1 .. s_{n_steps}."""
    x = np.full(model.lead + (1, 1, 1), float(first))
    h, out = None, []
    for _ in range(n_steps):
        y = model.forward(x, h0=h)                        # one step from the carried state
        h = model.hidden[..., -1, :]
        out.append(y[..., 0, 0, 0])
        x = y
    return np.stack(out, axis=-1)
