"""The NumPy limit: one training step of an Elman RNN written by hand, nothing else.

The same math as ``rnnlib.SimpleRNN`` with a tanh hidden layer, a sigmoid
output, biases, squared error (summed over time, averaged over the batch),
full BPTT and plain SGD; no checks, no options, no caches kept for later.
Parameters may carry a leading model axis E (then X is (E, B, T, n_in)),
exactly as in rnnlib. ``bench.py`` times this against rnnlib.
"""
import numpy as np


def init(n_in, n_hidden, n_out, n_models=None, seed=0):
    """Random parameters {"W_in", "W", "b", "W_out", "c"}, with a leading axis E if n_models."""
    rng = np.random.default_rng(seed)
    lead = () if n_models is None else (n_models,)
    return {"W_in": rng.normal(0, 1, lead + (n_in, n_hidden)),
            "W": rng.normal(0, 1 / np.sqrt(n_hidden), lead + (n_hidden, n_hidden)),
            "b": np.zeros(lead + (n_hidden,)),
            "W_out": rng.normal(0, 1 / np.sqrt(n_hidden), lead + (n_hidden, n_out)),
            "c": np.zeros(lead + (n_out,))}


def train_step(P, X, D, lr):
    """Forward, squared error, full BPTT and SGD in place; X (E?, B, T, n_in), D (E?, B, T, n_out)."""
    W_in, W, b, W_out, c = P["W_in"], P["W"], P["b"], P["W_out"], P["c"]
    lead, (B, T, n_in) = X.shape[:-3], X.shape[-3:]
    H, n_out = W.shape[-1], W_out.shape[-1]
    # time-major rows: (E?, T*B, n), step t is rows t*B .. t*B+B-1
    Xf = np.swapaxes(X, -3, -2).reshape(lead + (T * B, n_in))
    Df = np.swapaxes(D, -3, -2).reshape(lead + (T * B, n_out))
    U = Xf @ W_in
    U += b[..., None, :]
    Z = np.empty(lead + ((T + 1) * B, H))
    Z[..., :B, :] = 0.0
    for t in range(T):
        u = U[..., t * B:(t + 1) * B, :]
        u += Z[..., t * B:(t + 1) * B, :] @ W
        np.tanh(u, out=Z[..., (t + 1) * B:(t + 2) * B, :])
    Zh = Z[..., B:, :]
    V = Zh @ W_out
    V += c[..., None, :]
    Y = 1.0 / (1.0 + np.exp(-V))
    dV = (Y - Df) * Y * (1.0 - Y) * (1.0 / B)
    Fp = 1.0 - Zh * Zh                        # tanh'(u) = 1 - z^2
    dZ = dV @ np.swapaxes(W_out, -1, -2)
    dZ *= Fp                                  # delta^t = (delta_out^t W_out^T + delta^{t+1} W^T) f'(u^t)
    W_T = np.swapaxes(W, -1, -2)
    Delta = dZ                                # filled backwards in place
    for t in range(T - 2, -1, -1):
        d = Delta[..., t * B:(t + 1) * B, :]
        d += (Delta[..., (t + 1) * B:(t + 2) * B, :] @ W_T) * Fp[..., t * B:(t + 1) * B, :]
    Zp = Z[..., :-B, :]
    W_in -= lr * (np.swapaxes(Xf, -1, -2) @ Delta)
    W -= lr * (np.swapaxes(Zp, -1, -2) @ Delta)
    b -= lr * Delta.sum(axis=-2)
    W_out -= lr * (np.swapaxes(Zh, -1, -2) @ dV)
    c -= lr * dV.sum(axis=-2)
    return 0.5 * float(((Y - Df) ** 2).sum()) / B
