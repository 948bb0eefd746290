"""Accuracy of binary outputs (e.g. the sum bits of the adder)."""
import numpy as np


def _right_bits(Y, T):
    """True where a rounded output bit equals its target; NaN or inf outputs are wrong."""
    Y = np.asarray(Y, dtype=float)
    return ((Y > 0.5) == (np.asarray(T) > 0.5)) & np.isfinite(Y)


def _exact(Y, T):
    """(E?, B): True where every output bit of a sequence is right."""
    return _right_bits(Y, T).all(axis=(-2, -1))


def _per_model(out):
    """A float for one model, the (E,) array for several."""
    return float(out) if np.ndim(out) == 0 else out


def bit_accuracy(Y, T):
    """Share of output bits right after rounding at 0.5.

    Y : (E?, B, T, n_out) outputs; T : targets (B, T, n_out) or the shape of Y.
    Returns a float, or an (E,) array. NaN outputs count as wrong.
    """
    return _per_model(_right_bits(Y, T).mean(axis=(-3, -2, -1)))


def exact_accuracy(Y, T):
    """Share of sequences whose every output bit is right (for the adder: the sum is exact).

    Shapes as in ``bit_accuracy``; returns a float or an (E,) array.
    """
    return _per_model(_exact(Y, T).mean(axis=-1))


def chunked_accuracy(model, X, T, chunk=128):
    """``exact_accuracy(model.forward(X), T)``, computed ``chunk`` sequences per forward pass.

    model : a SimpleRNN (one model or n_models); X : (B, T, n_in) shared by
    every model; T : (B, T, n_out). Returns a float or an (E,) array.
    A forward pass keeps every hidden state for ``backward``: at hidden 160
    and 10 models, 512 sums at once take about 50 MB per array, above glibc's
    32 MB threshold for reusing freed memory, so each evaluation would page
    its arrays in afresh. 128 sums per pass stay below it; the hidden-160
    evaluation ran about 1.3x faster (benchmarks/bench.py measures it).
    """
    n = X.shape[0]
    right = sum(_exact(model.forward(X[i:i + chunk]), T[i:i + chunk]).sum(axis=-1) for i in range(0, n, chunk))
    return _per_model(right / n)
