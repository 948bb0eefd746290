"""Self-checks for the exercises of notebook 01 (what an RNN computes).

Each check prints 'Correct.' or 'Not yet: <hint>' and returns True or False.
"""
import numpy as np

from rnnlib.course.checking import missing, raised, verdict


def _params(rng, n_in, H, n_out):
    return {"W_in": rng.standard_normal((n_in, H)), "W": rng.standard_normal((H, H)) * 0.5,
            "b": rng.standard_normal(H), "W_out": rng.standard_normal((H, n_out)),
            "c": rng.standard_normal(n_out)}


def check_n_params(n_params):
    """Exercise 1. The number of parameters of SimpleRNN(n_in=3, n_hidden=5, n_out=2), biases included."""
    if (m := missing(n_params)) is not None:
        return m
    return verdict(n_params == 3 * 5 + 5 * 5 + 5 + 5 * 2 + 2,
                   "add up the sizes of W_in (n_in x H), W (H x H), b (H), W_out (H x n_out) and c (n_out)")


def check_u_shape(shape):
    """Exercise 2. The shape of u^t for a batch of B=4 sequences, n_in=3 and H=16 hidden units."""
    if (m := missing(shape)) is not None:
        return m
    try:
        ok = tuple(shape) == (4, 16)
    except TypeError:
        return verdict(False, "answer with a tuple such as (2, 3)")
    return verdict(ok, "x^t is (B, n_in) and W_in is (n_in, H): what shape does x^t W_in have? "
                       "(the time axis T is not part of one step)")


def check_rnn_step(rnn_step):
    """Exercise 3. ``rnn_step(x, z_prev, params)`` -> z^t = tanh(x W_in + z_prev W + b), all (B, .) arrays."""
    if (m := missing(rnn_step)) is not None:
        return m
    rng = np.random.default_rng(11)
    B, n_in, H = 3, 2, 4          # n_in != H, so swapping W_in and W cannot go unnoticed
    params = _params(rng, n_in, H, 1)
    x, z_prev = rng.standard_normal((B, n_in)), rng.standard_normal((B, H))
    want = np.tanh(x @ params["W_in"] + z_prev @ params["W"] + params["b"])
    try:
        got = np.asarray(rnn_step(x, z_prev, {k: v.copy() for k, v in params.items()}), dtype=float)
    except Exception as exc:
        return raised(exc)
    if got.shape != want.shape:
        return verdict(False, f"z^t should have shape (B, H) = {want.shape}, yours has {got.shape}")
    hint = ("u = x @ W_in + z_prev @ W + b (row vectors, so the vector comes first), then z = tanh(u); "
            "return z, not u")
    return verdict(np.allclose(got, want), hint)


def check_first_output(first_output):
    """Exercise 4. ``first_output(x1, z0, params)`` -> y^1 with f = tanh and g = sigmoid."""
    if (m := missing(first_output)) is not None:
        return m
    rng = np.random.default_rng(12)
    B, n_in, H, n_out = 2, 3, 4, 2
    params = _params(rng, n_in, H, n_out)
    x1, z0 = rng.standard_normal((B, n_in)), rng.standard_normal((B, H))
    z1 = np.tanh(x1 @ params["W_in"] + z0 @ params["W"] + params["b"])
    want = 1 / (1 + np.exp(-(z1 @ params["W_out"] + params["c"])))
    try:
        got = np.asarray(first_output(x1, z0, {k: v.copy() for k, v in params.items()}), dtype=float)
    except Exception as exc:
        return raised(exc)
    if got.shape != want.shape:
        return verdict(False, f"y^1 should have shape (B, n_out) = {want.shape}, yours has {got.shape}")
    hint = ("two steps: z^1 = tanh(x^1 W_in + z^0 W + b), then y^1 = sigmoid(z^1 W_out + c); "
            "z^0 is given, do not replace it by zeros")
    return verdict(np.allclose(got, want), hint)
