"""Argument checks shared across rnnlib: a clear ValueError that says what was expected and what came."""
import numpy as np


def positive_int(name, value):
    """``value`` as an int if it is a positive integer (a bool is not); else a ValueError naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return int(value)


def check_finite(name, A):
    """A ValueError naming ``name`` if the array A holds a NaN or an inf."""
    if not np.isfinite(A).all():
        raise ValueError(f"{name} contains NaN or inf")


def generator(rng):
    """A ``numpy.random.Generator`` from a Generator or an int seed; anything else is a ValueError
    (there is no global random state to fall back on)."""
    if isinstance(rng, np.random.Generator):
        return rng
    if isinstance(rng, (int, np.integer)) and not isinstance(rng, bool):
        return np.random.default_rng(rng)
    raise ValueError(f"rng must be a numpy.random.Generator or an int seed, got {rng!r}")
