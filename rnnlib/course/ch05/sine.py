"""Sine-wave prediction (notebook 05): the data sets and training schedules of seeds 002 and 004.

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


def split_validation(X, D, fraction=0.1):
    """Hold out the LAST ``fraction`` of the windows, as Keras' ``validation_split`` does
    (it takes the tail before any shuffling). Returns (X_train, T_train, X_val, T_val)."""
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
                truncate=None, progress=None):
    """Train on windows the way the Keras overview's ``model.fit`` does, and report Keras' numbers.

    The loss is rnnlib's squared error E; Keras minimises MSE = 2E/L, so SGD uses
    lr = lr_keras * 2 / L: the very same update as Keras' SGD(lr_keras) on MSE.
    Returns a dict of (epochs, M?) arrays, all in Keras' MSE units:
      "loss"      : the mean of the minibatch losses during each epoch (what Keras prints as loss),
      "train_end" : the training-set MSE at the end of each epoch,
      "val_loss"  : the validation MSE at the end of each epoch (Keras' val_loss),
    and "history", the ``rnnlib.train.History``.
    """
    L = X.shape[-2]
    Xtr, Dtr, Xva, Dva = split_validation(X, D, val_fraction)
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
    """One-step-ahead (teacher forcing): for every window of TRUE values, the prediction
    of the value after it. Xw (n, L, 1) -> (M?, n)."""
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
    starting windows, (M?, horizon); step 1 is the one-step-ahead (teacher-forced) error.
    """
    series = np.asarray(series, dtype=float)
    n = series.shape[-1] - length + 1
    starts = series[np.arange(n)[:, None] + np.arange(length)[None, :]]        # (n, L)
    dx = x[1] - x[0]
    future = x[0] + dx * (np.arange(n)[:, None] + length - 1 + np.arange(1, horizon + 1)[None, :])
    pred = free_run(model, starts, horizon)                                    # (M?, n, H)
    return np.sqrt(np.mean((pred - np.sin(future)) ** 2, axis=-2))


# ------------------------------------------------------------------ the PyTorch Elman tutorial's model
def elman_model(seed=0, n_models=None, n_hidden=6, std_context=0.4, std_out=0.3):
    """The PyTorch Elman tutorial's network in rnnlib: tanh hidden, identity output, no biases.

    The seed concatenates [input, context] (1 + 6 = 7 values) and multiplies by one
    (7, 6) matrix drawn N(0, 0.4): its first row is W_in, the other six are W.
    W_out is drawn N(0, 0.3). Model e uses ``default_rng(seed + e)``.
    """
    model = SimpleRNN(1, n_hidden, 1, activation="tanh", output_activation="identity",
                      seed=seed, n_models=n_models, bias=False)
    M = 1 if n_models is None else n_models
    for e in range(M):
        rng = np.random.default_rng(seed + e)
        w1 = rng.normal(0.0, std_context, (1 + n_hidden, n_hidden))
        sel = () if n_models is None else (e,)
        model.params["W_in"][sel] = w1[:1]
        model.params["W"][sel] = w1[1:]
        model.params["W_out"][sel] = rng.normal(0.0, std_out, (n_hidden, 1))
    return model


def train_online(model, series, epochs=300, lr=0.1, truncate="detach"):
    """The PyTorch Elman tutorial's schedule: one SGD step after EVERY time step, the sequence restarted
    from a zero context each epoch. Input s[j], target s[j+1], loss (y - t)^2 / 2.

    truncate="detach": the seed's code. The context z^{j-1} enters step j as a constant
        (a one-step ``forward`` with ``h0`` = the previous state, computed with the
        weights of that moment): nothing flows back through W to earlier steps.
    truncate=k (int) or None: the prefix s[0..j] is re-run with the current weights and
        the step-j loss is backpropagated k steps (None: all the way, full BPTT).
    Returns the per-epoch total loss, (epochs, M?), summed over the sequence as the seed prints it.
    """
    if not (truncate == "detach" or truncate is None or isinstance(truncate, (int, np.integer))):
        raise ValueError(f"truncate must be 'detach', None or a positive int, got {truncate!r}")
    s = np.asarray(series, dtype=float)
    X, D = s[None, :-1, None], s[None, 1:, None]           # (1, N-1, 1)
    opt = SGD(lr=lr)
    totals = np.zeros((epochs,) + model.lead)
    for epoch in range(epochs):
        h = None
        for j in range(X.shape[1]):
            if truncate == "detach":
                Y = model.forward(X[:, j:j + 1], h0=h)
                loss, dY = squared_error(Y, D[:, j:j + 1])
                h = model.hidden[..., -1, :]
                model.backward(dY)
            else:
                Y = model.forward(X[:, :j + 1])
                dY = np.zeros_like(Y)
                loss, dY[..., -1:, :] = squared_error(Y[..., -1:, :], D[:, j:j + 1])
                model.backward(dY, truncate=truncate)
            opt.step(model.params, model.grads)
            totals[epoch] += loss
    return totals


def sequence_loss(model, series):
    """Total squared error / 2 of one-step-ahead predictions over a series, from a zero state: float or (M,)."""
    s = np.asarray(series, dtype=float)
    return squared_error(model.forward(s[None, :-1, None]), s[None, 1:, None])[0]
