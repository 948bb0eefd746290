"""The simple (Elman) recurrent network, forward and backward (BPTT).

Notation (batch-first row vectors, as in the notebooks):

    u^t = x^t W_in + z^{t-1} W + b        z^t = f(u^t)
    v^t = z^t W_out + c                   y^t = g(v^t)
    delta_out^t = dE/dv^t
    delta^t     = dE/du^t = (delta^{t+1} W^T + delta_out^t W_out^T) * f'(u^t)

With ``n_models=M`` every parameter gets a leading axis M: M independent
models trained side by side (e.g. M seeds). NumPy's ``@`` broadcasts over
leading axes, so one code path serves one model and M models. "M?" in a
shape means: the model axis, present only with ``n_models``.
"""
from collections import namedtuple

import numpy as np

from .activations import HIDDEN_ACTIVATIONS, OUTPUT_ACTIVATIONS, get_activation
from .checks import check_finite, positive_int
from .init import check_init, init_params

PARAM_NAMES = ("W_in", "W", "b", "W_out", "c")

Forward = namedtuple("Forward", "X U Z V Y")
Forward.__doc__ = """What one forward pass computed, batch-first.

X : (M?, B, T, n_in) inputs (no model axis when all models shared one X).
U : (M?, B, T, H) pre-activations u^1..u^T.
Z : (M?, B, T+1, H) hidden states z^0, z^1, ..., z^T (z^0 first).
V : (M?, B, T, n_out) output pre-activations v^1..v^T.
Y : (M?, B, T, n_out) outputs y^1..y^T.
"""


def transpose(A):
    """A^T for a matrix, or for each matrix of a stack (..., m, n) -> (..., n, m)."""
    return A.swapaxes(-1, -2)


def time_major(A):
    """(M?, B, T, n) <-> (M?, T, B, n): swap the batch and time axes (a view)."""
    return A.swapaxes(-3, -2)


def rows(A):
    """(M?, T, B, n) -> (M?, T*B, n): every step of every sequence as one row."""
    return A.reshape(A.shape[:-3] + (-1, A.shape[-1]))


class SimpleRNN:
    """An Elman RNN with one hidden layer.

    Parameters
    ----------
    n_in, n_hidden, n_out : sizes of x^t, z^t and y^t.
    activation : hidden f, "sigmoid" | "tanh" | "relu".
    output_activation : output g, "sigmoid" | "identity" | "softmax" (over the n_out outputs of a step).
    init, init_std : weight initialiser and its std or gain (see ``rnnlib.init``).
    seed : int. Model e of an ensemble is drawn with seed ``seed + e``, so it
        equals ``SimpleRNN(..., seed=seed + e)``; a list of M ints picks them.
    n_models : None for one model, or M for M independent models.
    bias : False fixes b and c at zero (the lecture's code has none).

    Attributes
    ----------
    params : {"W_in": (M?, n_in, H), "W": (M?, H, H), "b": (M?, H),
              "W_out": (M?, H, n_out), "c": (M?, n_out)}, the arrays the model
              computes with.
    grads : same keys and shapes, filled by ``backward``.
    hidden : (M?, B, T, H) hidden states z^1..z^T of the last ``forward`` (a copy).
    dh0 : (M?, B, H) dE/dz^0 of the last ``backward``.
    """

    def __init__(self, n_in, n_hidden, n_out, activation="tanh", output_activation="sigmoid",
                 init="normal", init_std=1.0, seed=0, n_models=None, bias=True):
        self.n_in = positive_int("n_in", n_in)
        self.n_hidden = positive_int("n_hidden", n_hidden)
        self.n_out = positive_int("n_out", n_out)
        self.f = get_activation(activation, HIDDEN_ACTIVATIONS)
        self.g = get_activation(output_activation, OUTPUT_ACTIVATIONS)
        check_init(init)
        if not np.isfinite(init_std) or init_std < 0:
            raise ValueError(f"init_std must be a finite number >= 0, got {init_std!r}")
        self.n_models = None if n_models is None else positive_int("n_models", n_models)
        self.bias = bool(bias)
        self.seeds = self._member_seeds(seed)
        members = [init_params(n_in, n_hidden, n_out, init, init_std, np.random.default_rng(s))
                   for s in self.seeds]
        if self.n_models is None:
            self.params = members[0]
        else:
            self.params = {k: np.stack([m[k] for m in members]) for k in PARAM_NAMES}
        self.grads = {k: np.zeros_like(p) for k, p in self.params.items()}
        self.lead = () if self.n_models is None else (self.n_models,)
        self.dh0 = None
        self._cache = None

    def _member_seeds(self, seed):
        M = 1 if self.n_models is None else self.n_models
        if np.ndim(seed) == 0:
            if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
                raise ValueError(f"seed must be a non-negative int or a list of them, got {seed!r}")
            return [int(seed) + e for e in range(M)]
        seeds = [int(s) for s in seed]
        if len(seeds) != M:
            raise ValueError(f"seed lists one seed per model: expected {M} seeds, got {len(seeds)}")
        return seeds

    # ------------------------------------------------------------------ forward
    def _check_X(self, X):
        X = np.asarray(X, dtype=float)
        shape_text = "(B, T, n_in)" if self.n_models is None else "(B, T, n_in) or (M, B, T, n_in)"
        if X.ndim not in ((3,) if self.n_models is None else (3, 4)):
            raise ValueError(f"X must have shape {shape_text} with n_in={self.n_in}, got shape {X.shape}")
        if X.ndim == 4 and X.shape[0] != self.n_models:
            raise ValueError(f"X with a model axis must have shape (M={self.n_models}, B, T, n_in), got {X.shape}")
        if X.shape[-1] != self.n_in:
            raise ValueError(f"X must have n_in={self.n_in} features in its last axis, got shape {X.shape}")
        if X.shape[-2] < 1 or X.shape[-3] < 1:
            raise ValueError(f"X needs at least one sequence and one time step, got shape {X.shape}")
        check_finite("X", X)
        return X

    def _check_h0(self, h0, B):
        if h0 is None:
            return 0.0
        shape = self.lead + (B, self.n_hidden)
        h0 = np.asarray(h0, dtype=float)
        if h0.shape != shape:
            raise ValueError(f"h0 must have shape {shape} (models?, B, H), got {h0.shape}")
        check_finite("h0", h0)
        return h0

    def forward(self, X, h0=None):
        """Run the network over whole sequences.

        X  : (B, T, n_in), or (M, B, T, n_in) for one batch per model.
        h0 : (M?, B, H) initial hidden state z^0; zeros if None.
        Returns Y : (M?, B, T, n_out), a new array. Keeps what ``backward`` needs.

        Inside, arrays are time-major, (M?, T, B, n), so that step t of all
        sequences, ``A[..., t, :, :]``, is one contiguous (M?, B, n) block.
        """
        X = np.array(time_major(self._check_X(X)), order="C")   # (M?, T, B, n_in), our own copy
        T, B = X.shape[-3], X.shape[-2]
        W_in, W, b, W_out, c = (self.params[k] for k in PARAM_NAMES)
        U = rows(X) @ W_in + b[..., None, :]              # x^t W_in + b for every t at once ...
        U = U.reshape(U.shape[:-2] + (T, B, self.n_hidden))   # ... (M?, T, B, H)
        Z = np.empty(self.lead + (T + 1, B, self.n_hidden))   # z^0, z^1, ..., z^T
        Z[..., 0, :, :] = self._check_h0(h0, B)
        for t in range(T):                                # (index t of U holds step t+1)
            U[..., t, :, :] += Z[..., t, :, :] @ W        # u^t = x^t W_in + z^{t-1} W + b
            Z[..., t + 1, :, :] = self.f.forward(U[..., t, :, :])   # z^t = f(u^t)
        V = rows(Z[..., 1:, :, :]) @ W_out + c[..., None, :]  # v^t = z^t W_out + c, every t
        Y = self.g.forward(V).reshape(self.lead + (T, B, self.n_out))   # y^t = g(v^t)
        self._cache = (X, U, Z, V.reshape(Y.shape), Y)
        return time_major(Y).copy()

    @property
    def hidden(self):
        """(M?, B, T, H): z^1..z^T of the last forward pass (a new array)."""
        return None if self._cache is None else time_major(self._cache[2][..., 1:, :, :]).copy()

    def last_forward(self):
        """A ``Forward`` (X, U, Z, V, Y) of the last forward pass, batch-first, as new arrays."""
        if self._cache is None:
            raise ValueError("last_forward needs a forward pass first")
        return Forward(*(time_major(A).copy() for A in self._cache))

    # ----------------------------------------------------------------- backward
    def backward(self, dY, truncate=None):
        """Backpropagation through time.

        dY : dE/dY, the shape of the last forward's Y, (M?, B, T, n_out).
        truncate : None for full BPTT, or k >= 1: the error of the output at
            step t reaches u^t, u^{t-1}, ..., u^{t-k+1} and no further
            (k = 1: nothing flows back through W across steps).
        Fills ``self.grads``, sets ``self.dh0`` = dE/dz^0, (M?, B, H), and
        returns dX = dE/dX, the shape of X (summed over models when one X
        was shared by all of them).
        """
        if self._cache is None:
            raise ValueError("backward needs a forward pass first")
        X, U, Z, V, Y = self._cache                           # time-major, (M?, T, B, n)
        dY = np.asarray(dY, dtype=float)
        if dY.shape != time_major(Y).shape:
            raise ValueError(f"dY must have the shape of the last forward's Y, {time_major(Y).shape}, got {dY.shape}")
        check_finite("dY", dY)
        if truncate is not None:
            truncate = positive_int("truncate", truncate)
        W_in, W, _, W_out, _ = (self.params[k] for k in PARAM_NAMES)
        T = U.shape[-3]

        delta_out = self.g.vjp(V, Y, time_major(dY))        # delta_out^t = dE/dv^t (= dE/dy^t g'(v^t) for elementwise g)
        from_out = delta_out @ transpose(W_out)[..., None, :, :]   # delta_out^t W_out^T: the error reaching z^t from y^t
        fprime = self.f.grad(U, Z[..., 1:, :, :])             # f'(u^t)
        if truncate is None:
            delta = np.empty_like(U)
            delta_next = np.zeros_like(U[..., 0, :, :])       # delta^{T+1} = 0
            for t in reversed(range(T)):                      # delta^t = (delta^{t+1} W^T + delta_out^t W_out^T) f'(u^t)
                delta_next = (delta_next @ transpose(W) + from_out[..., t, :, :]) * fprime[..., t, :, :]
                delta[..., t, :, :] = delta_next
        else:
            delta = truncated_deltas(from_out, fprime, W, truncate)

        g = self.grads
        g["W_in"][...] = transpose(rows(X)) @ rows(delta)                        # sum_t [x^t]^T delta^t
        g["W"][...] = transpose(rows(Z[..., :-1, :, :])) @ rows(delta)           # sum_t [z^{t-1}]^T delta^t
        g["W_out"][...] = transpose(rows(Z[..., 1:, :, :])) @ rows(delta_out)    # sum_t [z^t]^T delta_out^t
        g["b"][...] = rows(delta).sum(axis=-2) if self.bias else 0.0             # sum_t delta^t
        g["c"][...] = rows(delta_out).sum(axis=-2) if self.bias else 0.0         # sum_t delta_out^t
        self.dh0 = delta[..., 0, :, :] @ transpose(W)                            # dE/dz^0 = delta^1 W^T
        dX = time_major(delta @ transpose(W_in)[..., None, :, :])                # dE/dx^t = delta^t W_in^T
        return dX.sum(axis=0) if dX.ndim > X.ndim else dX

    def n_params(self):
        """Number of trainable parameters of one model (biases excluded when bias=False)."""
        keys = PARAM_NAMES if self.bias else ("W_in", "W", "W_out")
        return sum(self.params[k].size for k in keys) // len(self.seeds)

    def __repr__(self):
        models = "" if self.n_models is None else f", n_models={self.n_models}"
        return (f"SimpleRNN({self.n_in}, {self.n_hidden}, {self.n_out}, activation={self.f.name!r}, "
                f"output_activation={self.g.name!r}{models})")


def truncated_deltas(from_out, fprime, W, k):
    """delta^t of truncated BPTT: the error of output s reaches u^s, ..., u^{s-k+1} only.

    from_out : (M?, T, B, H) delta_out^s W_out^T; fprime : (M?, T, B, H) f'(u^t);
    W : (M?, H, H). Returns delta (M?, T, B, H): the sum over origins s of each
    output's error, followed back at most k steps (the definition, one origin at a time).
    """
    delta = np.zeros_like(fprime)
    for s in range(fprime.shape[-3]):
        d = from_out[..., s, :, :] * fprime[..., s, :, :]    # output s's error at u^s
        delta[..., s, :, :] += d
        for t in range(s - 1, max(s - k, -1), -1):           # back to u^{s-k+1}, not before u^1
            d = (d @ transpose(W)) * fprime[..., t, :, :]
            delta[..., t, :, :] += d
    return delta
