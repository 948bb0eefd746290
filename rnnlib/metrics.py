"""Accuracy of binary outputs (e.g. the sum bits of the adder)."""
import numpy as np


def _right_bits(Y, T):
    """True where a rounded output bit equals its target; NaN or inf outputs are wrong."""
    Y = np.asarray(Y, dtype=float)
    return ((Y > 0.5) == (np.asarray(T) > 0.5)) & np.isfinite(Y)


def bit_accuracy(Y, T):
    """Share of output bits right after rounding at 0.5.

    Y : (E?, B, T, n_out) outputs; T : targets (B, T, n_out) or the shape of Y.
    Returns a float, or an (E,) array. NaN outputs count as wrong.
    """
    out = _right_bits(Y, T).mean(axis=(-3, -2, -1))
    return float(out) if np.ndim(out) == 0 else out


def exact_accuracy(Y, T):
    """Share of sequences whose every output bit is right (for the adder: the sum is exact).

    Shapes as in ``bit_accuracy``; returns a float or an (E,) array.
    """
    out = _right_bits(Y, T).all(axis=(-2, -1)).mean(axis=-1)
    return float(out) if np.ndim(out) == 0 else out
