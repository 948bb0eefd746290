"""The simple (Elman) recurrent network, forward and backward (BPTT).

Notation (batch-first row vectors, as in the notebooks):

    u^t = x^t W_in + z^{t-1} W + b        z^t = f(u^t)
    v^t = z^t W_out + c                   y^t = g(v^t)
    delta_out^t = dE/dv^t
    delta^t     = dE/du^t = (delta^{t+1} W^T + delta_out^t W_out^T) * f'(u^t)

With ``n_models=E`` every parameter gets a leading axis E: E independent
models trained side by side (e.g. E seeds). NumPy's ``@`` broadcasts over
leading axes, so one code path serves one model and E models.
"""
import math
from collections import namedtuple

import numpy as np

from .activations import HIDDEN_ACTIVATIONS, OUTPUT_ACTIVATIONS, get_activation
from .checks import positive_int
from .init import check_init, init_params

PARAM_NAMES = ("W_in", "W", "b", "W_out", "c")

Forward = namedtuple("Forward", "X U Z V Y")
Forward.__doc__ = """What one forward pass computed, batch-first (``SimpleRNN.last_forward``).

X : (E?, B, T, n_in) inputs (no model axis when all models shared one X).
U : (E?, B, T, H) pre-activations u^1..u^T.
Z : (E?, B, T+1, H) hidden states z^0, z^1, ..., z^T (z^0 first).
V : (E?, B, T, n_out) output pre-activations v^1..v^T.
Y : (E?, B, T, n_out) outputs y^1..y^T.
"""


def _T(A):
    """Transpose the last two axes (a stack of matrices)."""
    return A.swapaxes(-1, -2)


def _flat(A):
    """(..., T, B, n) -> (..., T*B, n): all time steps of all sequences as rows."""
    return A.reshape(A.shape[:-3] + (-1, A.shape[-1]))


def _steps(A):
    """(E?, T, B, n) -> a (T, E?, B, n) view of the same memory: A_[t] is step t."""
    return A if A.ndim == 3 else A.swapaxes(0, 1)  # at most one model axis, so a swap is the move


def _all_finite(A):
    """True when A holds no NaN or inf.

    The sum of squares is finite only if every element is (NaN and inf
    propagate), so one BLAS dot product decides in the common case; only
    elements above 1e154, whose squares overflow, need the elementwise test.
    (Several times cheaper than ``np.isfinite(A).all()`` on the small arrays
    of an overhead-bound training step.)
    """
    a = A.ravel()
    return math.isfinite(a.dot(a)) or bool(np.isfinite(A).all())


class SimpleRNN:
    """An Elman RNN with one hidden layer.

    Parameters
    ----------
    n_in, n_hidden, n_out : sizes of x^t, z^t and y^t.
    activation : hidden f, "sigmoid" | "tanh" | "relu".
    output_activation : output g, "sigmoid" | "identity".
    init, init_std : weight initialiser and its std or gain (see ``rnnlib.init``).
    seed : int. Model e of an ensemble is drawn with seed ``seed + e``, so it
        equals ``SimpleRNN(..., seed=seed + e)``; a list of E ints picks them.
    n_models : None for one model, or E for E independent models.
    bias : False fixes b and c at zero (the lecture code behind seed 001 has none).

    Attributes
    ----------
    params : {"W_in": (E?, n_in, H), "W": (E?, H, H), "b": (E?, H),
              "W_out": (E?, H, n_out), "c": (E?, n_out)}, the arrays the model
              computes with (E? is the model axis, present only with n_models).
    grads : same keys and shapes, filled by ``backward``.
    hidden : (E?, B, T, H) hidden states z^1..z^T of the last ``forward`` (a new
        array at every access: changing it changes nothing in the model).
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
        self._cache = None

    def _member_seeds(self, seed):
        E = 1 if self.n_models is None else self.n_models
        if np.ndim(seed) == 0:
            if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
                raise ValueError(f"seed must be a non-negative int or a list of them, got {seed!r}")
            return [int(seed) + e for e in range(E)]
        seeds = [int(s) for s in seed]
        if len(seeds) != E:
            raise ValueError(f"seed lists one seed per model: expected {E} seeds, got {len(seeds)}")
        return seeds

    # ------------------------------------------------------------------ forward
    def _check_X(self, X):
        X = np.asarray(X, dtype=float)
        ok_ndim = (3,) if self.n_models is None else (3, 4)
        shape_text = "(B, T, n_in)" if self.n_models is None else "(B, T, n_in) or (E, B, T, n_in)"
        if X.ndim not in ok_ndim:
            raise ValueError(f"X must have shape {shape_text} with n_in={self.n_in}, got shape {X.shape}")
        if X.ndim == 4 and X.shape[0] != self.n_models:
            raise ValueError(f"X with a model axis must have shape (E={self.n_models}, B, T, n_in), got {X.shape}")
        if X.shape[-1] != self.n_in:
            raise ValueError(f"X must have n_in={self.n_in} features in its last axis, got shape {X.shape}")
        if X.shape[-2] < 1 or X.shape[-3] < 1:
            raise ValueError(f"X needs at least one sequence and one time step, got shape {X.shape}")
        if not _all_finite(X):
            raise ValueError("X contains NaN or inf")
        return X

    def _check_h0(self, h0, B):
        if h0 is None:
            return 0.0      # z^0 = 0, written into the state array by broadcasting
        shape = self.lead + (B, self.n_hidden)
        h0 = np.asarray(h0, dtype=float)
        if h0.shape != shape:
            raise ValueError(f"h0 must have shape {shape} (models?, B, H), got {h0.shape}")
        if not _all_finite(h0):
            raise ValueError("h0 contains NaN or inf")
        return h0

    def forward(self, X, h0=None):
        """Run the network over whole sequences.

        X  : (B, T, n_in), or (E, B, T, n_in) for one batch per model.
        h0 : (E?, B, H) initial hidden state z^0; zeros if None.
        Returns Y : (E?, B, T, n_out), a new array. Keeps what ``backward`` needs
        (its own copy of X, so later changes to the caller's X do not reach it).
        """
        X = self._check_X(X)
        B, T = X.shape[-3], X.shape[-2]
        h0 = self._check_h0(h0, B)
        p, f = self.params, self.f.forward
        # Inside, arrays are time-major, (E?, T, B, n): each step's slice is
        # contiguous, and all steps flatten to (E?, T*B, n) rows for free.
        Xt = np.array(X.swapaxes(-3, -2), order="C")      # always a copy (swapaxes of B=1 is not)
        # The input term x^t W_in + b of every step at once, then the recurrence.
        U = np.empty(self.lead + (T, B, self.n_hidden))
        np.matmul(_flat(Xt), p["W_in"], out=_flat(U))
        U += p["b"][..., None, None, :]
        Z_all = np.empty(self.lead + (T + 1, B, self.n_hidden))   # z^0, z^1, ..., z^T
        # U_[t], Z_[t]: step t of U and Z_all (time-first views, cheaper to index).
        U_, Z_, W = _steps(U), _steps(Z_all), p["W"]
        Z_[0] = h0
        for t in range(T):
            u, z = U_[t], Z_[t + 1]
            np.matmul(Z_[t], W, out=z)        # z^{t-1} W, written where z^t will go
            u += z
            f(u, out=z)
        Z = Z_all[..., 1:, :, :]
        V = np.empty(self.lead + (T, B, self.n_out))
        np.matmul(_flat(Z), p["W_out"], out=_flat(V))
        V += p["c"][..., None, None, :]
        Y = self.g.forward(V)
        self._cache = (Xt, U, Z_all, V, Y)
        return Y.swapaxes(-3, -2).copy()

    @property
    def hidden(self):
        """(E?, B, T, H): z^1..z^T of the last forward pass, a new array; None before any."""
        return None if self._cache is None else self._cache[2][..., 1:, :, :].swapaxes(-3, -2).copy()

    def last_forward(self):
        """A ``Forward`` (X, U, Z, V, Y) of the last forward pass, batch-first, as new arrays."""
        if self._cache is None:
            raise ValueError("last_forward needs a forward pass first")
        return Forward(*(A.swapaxes(-3, -2).copy() for A in self._cache))

    # ----------------------------------------------------------------- backward
    def backward(self, dY, truncate=None, input_grads=True):
        """Backpropagation through time.

        dY : dE/dY, the shape of the last forward's Y, (E?, B, T, n_out).
        truncate : None for full BPTT, or k >= 1: the error of the output at
            step t reaches u^t, u^{t-1}, ..., u^{t-k+1} and no further
            (k = 1: nothing flows back through W across steps).
        input_grads : False skips dX and dh0 (returns None, sets dh0 to None).
            ``train`` needs only the parameter gradients: this saves two matrix
            products, about 7 % of a small training step (benchmarks/).
        Fills ``self.grads``, sets ``self.dh0`` = dE/dz^0, (E?, B, H), and
        returns dX = dE/dX, the shape of X (summed over models when one X
        was shared by all of them).
        """
        if self._cache is None:
            raise ValueError("backward needs a forward pass first")
        Xt, U, Z_all, V, Y = self._cache
        dY = np.asarray(dY, dtype=float)
        shape = Y.shape[:-3] + (Y.shape[-2], Y.shape[-3], Y.shape[-1])   # Y batch-first
        if dY.shape != shape:
            raise ValueError(f"dY must have the shape of the last forward's Y, {shape}, got {dY.shape}")
        if not _all_finite(dY):
            raise ValueError("dY contains NaN or inf")
        if truncate is not None:
            truncate = positive_int("truncate", truncate)
        p, T = self.params, U.shape[-3]
        Z = Z_all[..., 1:, :, :]

        dV = self.g.grad(V, Y)
        dV *= dY.swapaxes(-3, -2)                          # delta_out^t, all t
        # Delta starts as delta_out^t W_out^T, all t, and becomes delta^t in
        # place, step by step backwards (step t is read before it is written).
        Delta = np.empty_like(U)
        np.matmul(_flat(dV), _T(p["W_out"]), out=_flat(Delta))
        fprime = self.f.grad(U, Z)
        W_T = _T(p["W"])
        # Time-first views: Delta_[t] is step t of Delta, and so on.
        Delta_, fprime_ = _steps(Delta), _steps(fprime)
        if truncate is None:
            # delta^T has no later step; then delta^t = (delta_out^t W_out^T + delta^{t+1} W^T) f'(u^t).
            # (d is a view: ``Delta_[t] += ...`` would also write the slice back.)
            d = Delta_[T - 1]
            d *= fprime_[T - 1]
            back = np.empty_like(d)
            for t in reversed(range(T - 1)):
                np.matmul(d, W_T, out=back)                # delta^{t+1} W^T
                d = Delta_[t]
                d += back
                d *= fprime_[t]
        else:
            # G holds the error arriving at u^t, one slot per origin step t,
            # t+1, ..., t+k-1, so the slot that has travelled k steps can be
            # dropped; delta^t is the sum of the slots.
            G = np.zeros((1,) + U.shape[:-3] + U.shape[-2:])
            for t in reversed(range(T)):
                back = G @ W_T                             # delta^{t+1} W^T, per slot
                G = np.concatenate([Delta_[t][None], back[: truncate - 1]]) * fprime_[t]
                np.sum(G, axis=0, out=Delta_[t])

        g, flat_Delta, flat_dV = self.grads, _flat(Delta), _flat(dV)
        # Gradients summed over all steps and sequences, written into the grads arrays.
        np.matmul(_T(_flat(Xt)), flat_Delta, out=g["W_in"])
        np.matmul(_T(_flat(Z_all[..., :-1, :, :])), flat_Delta, out=g["W"])
        np.matmul(_T(_flat(Z)), flat_dV, out=g["W_out"])
        if self.bias:
            np.add.reduce(flat_Delta, axis=-2, out=g["b"])  # = np.sum, without its Python wrapper
            np.add.reduce(flat_dV, axis=-2, out=g["c"])
        else:
            g["b"][...] = 0.0
            g["c"][...] = 0.0
        if not input_grads:
            self.dh0 = None
            return None
        self.dh0 = Delta[..., 0, :, :] @ W_T
        dX = (flat_Delta @ _T(p["W_in"])).reshape(U.shape[:-1] + (self.n_in,)).swapaxes(-3, -2)
        return dX.sum(axis=0) if dX.ndim > Xt.ndim else dX

    def n_params(self):
        """Number of trainable parameters of one model (biases excluded when bias=False)."""
        keys = PARAM_NAMES if self.bias else ("W_in", "W", "W_out")
        E = len(self.seeds)
        return sum(self.params[k].size for k in keys) // E

    def __repr__(self):
        models = "" if self.n_models is None else f", n_models={self.n_models}"
        return (f"SimpleRNN({self.n_in}, {self.n_hidden}, {self.n_out}, activation={self.f.name!r}, "
                f"output_activation={self.g.name!r}{models})")
