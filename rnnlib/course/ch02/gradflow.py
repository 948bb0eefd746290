"""How gradients flow back through time: vanishing, exploding, truncation.

One step back through the recurrence multiplies the error at the hidden
state by a Jacobian (row vectors, as everywhere in the course):

    dE/dz^{t-1} = (dE/dz^t * f'(u^t)) W^T

so the error that has travelled k steps is a product of k such factors.
Since |f'| <= gamma (gamma = 1 for tanh, 1/4 for sigmoid) and
||a W^T|| <= sigma_max(W) ||a||,

    ||dE/dz^{t-k}|| <= (gamma * sigma_max(W))^k ||dE/dz^t||,

the bound of Pascanu, Mikolov and Bengio (2013): gamma * sigma_max(W) < 1
is sufficient for the gradient to vanish geometrically, and
gamma * sigma_max(W) > 1 is necessary (not sufficient) for it to explode.
"""
import numpy as np

from rnnlib.gradcheck import relative_error
from rnnlib.init import largest_singular_value, set_spectral_radius, spectral_radius
from rnnlib.rnn import SimpleRNN
from rnnlib.train import train_stream

# The largest value of |f'(u)| over all u: the gamma of the bound.
GAMMA = {"tanh": 1.0, "sigmoid": 0.25, "relu": 1.0}


def hidden_gradient_norms(model, X, error):
    """||dE/dz^{T-k}|| for k = 0, 1, ..., T when the only error is at the last hidden state.

    model : a SimpleRNN (one model or n_models); X : its input, (E?, B, T, n_in).
    error : dE/dz^T, (E?, B, H); nothing else reaches the hidden states.
    Runs ``model.forward(X)`` and then the recursion
    dE/dz^{t-1} = (dE/dz^t * f'(u^t)) W^T. Returns an (E?, B, T + 1) array
    whose entry k is the norm of dE/dz^{T-k} (entry T is dE/dz^0).
    """
    model.forward(X)
    p = model.params
    X = np.asarray(X, dtype=float)
    Z = model.hidden                                     # z^1..z^T, (E?, B, T, H)
    Z_prev = np.concatenate([np.zeros_like(Z[..., :1, :]), Z[..., :-1, :]], axis=-2)
    U = X @ p["W_in"][..., None, :, :] + Z_prev @ p["W"][..., None, :, :] + p["b"][..., None, None, :]
    fprime = model.f.grad(U, Z)
    W_T = np.swapaxes(p["W"], -1, -2)
    dz = np.asarray(error, dtype=float)
    norms = [np.linalg.norm(dz, axis=-1)]
    for t in reversed(range(Z.shape[-2])):
        dz = (dz * fprime[..., t, :]) @ W_T
        norms.append(np.linalg.norm(dz, axis=-1))
    return np.stack(norms, axis=-1)


def pascanu_bound(W, activation, T):
    """(gamma * sigma_max(W))^k for k = 0..T: (T + 1,), or (E, T + 1) for a stack of W."""
    factor = GAMMA[activation] * np.asarray(largest_singular_value(W))
    return factor[..., None] ** np.arange(T + 1)


def rate_per_step(norms):
    """Geometric-mean factor per step back, (||dE/dz^0|| / ||dE/dz^T||)^(1/T), from hidden_gradient_norms."""
    T = norms.shape[-1] - 1
    return (norms[..., -1] / norms[..., 0]) ** (1.0 / T)


def gradient_flow(activation="tanh", radius=1.0, T=50, n_hidden=32, n_in=4, input_scale=1.0,
                  n_models=8, seed=0, centre=False):
    """The vanishing/exploding experiment: error injected at z^T only, measured back to z^0.

    Builds ``n_models`` tanh or sigmoid RNNs (Xavier init, seeds seed..seed+E-1),
    rescales each W to spectral radius ``radius``, feeds each a random input
    sequence x^t ~ N(0, input_scale^2) (one sequence per model, drawn with
    seed ``seed + 1000``) and a random unit error at z^T.
    centre : if True, set b = -1/2 (column sums of W), so that u^t has mean
        about 0 when the states sit near 1/2 (the sigmoid's midpoint): the
        control for the sigmoid's saturation.
    Returns a dict: k (T+1,), norms (E, T+1), bound (E, T+1), radius (E,),
    sigma (E,) = sigma_max(W), gamma, rate (E,) = rate_per_step(norms),
    mean_fprime (E,) = the mean of f'(u^t) over steps and units,
    mean_abs_u (E,) = the mean of |u^t|, mean_z (E,) = the mean of z^t,
    fprime_t (E, T) = the mean of f'(u^t) over units, for t = 1..T.
    """
    model = SimpleRNN(n_in, n_hidden, 1, activation=activation, init="xavier",
                      seed=seed, n_models=n_models)
    set_spectral_radius(model, radius)
    if centre:
        model.params["b"][...] = -0.5 * model.params["W"].sum(axis=-2)
    rng = np.random.default_rng(seed + 1000)
    X = input_scale * rng.standard_normal((n_models, 1, T, n_in))
    error = rng.standard_normal((n_models, 1, n_hidden))
    error /= np.linalg.norm(error, axis=-1, keepdims=True)
    norms = hidden_gradient_norms(model, X, error)[:, 0, :]
    W = model.params["W"]
    seen = model.last_forward()
    fprime = model.f.grad(seen.U, seen.Z[..., 1:, :])
    return {"k": np.arange(T + 1), "norms": norms, "bound": pascanu_bound(W, activation, T),
            "radius": spectral_radius(W), "sigma": largest_singular_value(W),
            "gamma": GAMMA[activation], "rate": rate_per_step(norms),
            "mean_fprime": fprime.mean(axis=(1, 2, 3)), "mean_abs_u": np.abs(seen.U).mean(axis=(1, 2, 3)),
            "mean_z": seen.Z[..., 1:, :].mean(axis=(1, 2, 3)), "fprime_t": fprime.mean(axis=(1, 3))}


def rate_between(norms, k0, k1):
    """Geometric-mean factor per step back between k0 and k1 > k0:
    (||dE/dz^{T-k1}|| / ||dE/dz^{T-k0}||)^(1/(k1-k0)), from hidden_gradient_norms' (..., T+1) array.
    One number per stretch of the curve: an endpoint mean over all T steps hides a curve
    that falls and then rises."""
    if not 0 <= k0 < k1 < norms.shape[-1]:
        raise ValueError(f"need 0 <= k0 < k1 <= T={norms.shape[-1] - 1}, got k0={k0}, k1={k1}")
    return (norms[..., k1] / norms[..., k0]) ** (1.0 / (k1 - k0))


def truncation_bias(model, X, dY, ks, names=("W_in", "W", "b")):
    """How far truncated BPTT is from full BPTT, for each truncation length k.

    Runs ``model.forward(X)``, full ``backward(dY)`` and ``backward(dY, truncate=k)``
    for every k in ``ks``; returns an array (len(ks),) of the relative error
    (``rnnlib.gradcheck.relative_error``) of the truncated gradients of ``names``
    (the ones truncation changes), taken together, against the full ones.
    """
    model.forward(X)
    model.backward(dY)
    full = np.concatenate([model.grads[n].ravel() for n in names])
    errors = []
    for k in ks:
        model.backward(dY, truncate=int(k))
        errors.append(relative_error(np.concatenate([model.grads[n].ravel() for n in names]), full))
    return np.array(errors)


class _Keep:
    """An optimizer that changes nothing and adds up the gradients it is given."""

    def __init__(self):
        self.total = None

    def step(self, params, grads):
        if self.total is None:
            self.total = {k: np.zeros_like(g) for k, g in grads.items()}
        for k, g in grads.items():
            self.total[k] += g


def windowed_gradient(model, X, D, loss, window):
    """The gradient that windowed truncated BPTT (``rnnlib.train.train_stream``) computes
    over one pass of the stream X, D, summed over the windows, without updating:
    {name: array}. With window = T_total it is the full BPTT gradient."""
    keep = _Keep()
    train_stream(model, loss, X, D, window, keep)
    return keep.total


def windowed_bias(model, X, D, loss, ks, names=("W_in", "W", "b")):
    """``truncation_bias`` for the windowed scheme: for every window length k in ``ks``,
    the relative error of the summed window gradients of ``names`` against full BPTT on
    the whole stream. Returns an array (len(ks),)."""
    model.backward(loss(model.forward(X), D)[1])
    full = np.concatenate([model.grads[n].ravel() for n in names])
    errors = []
    for k in ks:
        g = windowed_gradient(model, X, D, loss, int(k))
        errors.append(relative_error(np.concatenate([g[n].ravel() for n in names]), full))
    return np.array(errors)
