"""Weight initialisers.

Every initialiser draws from a ``numpy.random.Generator`` passed in: there is
no global random state. ``fan_in`` is the number of units feeding a weight
matrix (its number of rows, since the code multiplies row vectors from the
left: ``x W_in``, ``z W``, ``z W_out``).

- ``"normal"``: N(0, std^2) for every matrix. The E-qualification lecture
  notes' code does this with ``weight_init_std``.
- ``"xavier"``: N(0, 1/fan_in) times ``std`` (a gain, 1 by default). The name is
  the lecture code's and the adder tutorial's (``randn / sqrt(n_upper)``), but this
  1/fan_in form is LeCun's; Glorot and Bengio's ("Xavier") uses 2 / (fan_in + fan_out).
- ``"he"``: N(0, 2/fan_in) times ``std`` (He et al. 2015, for ReLU).
- ``"identity"``: recurrent W = std * I, the others Xavier with gain std (Le, Jaitly and
  Hinton 2015, "IRNN").
- ``"orthogonal"``: recurrent W = std * Q with Q a random orthogonal matrix
  (all singular values 1), the others Xavier with gain std.

Biases always start at zero.
"""
import numpy as np

INITS = ("normal", "xavier", "he", "identity", "orthogonal")


def check_init(name):
    """Raise a ValueError naming the valid choices if ``name`` is unknown."""
    if name not in INITS:
        raise ValueError(f"unknown init {name!r}: expected one of {', '.join(map(repr, INITS))}")


def scaled_normal(shape, rng, scheme, std):
    """A (fan_in, fan_out) matrix drawn by 'normal', 'xavier' or 'he'."""
    fan_in = shape[0]
    scale = {"normal": std, "xavier": std / np.sqrt(fan_in), "he": std * np.sqrt(2.0 / fan_in)}[scheme]
    return scale * rng.standard_normal(shape)


def orthogonal(n, rng):
    """A random n x n orthogonal matrix (QR of a Gaussian matrix, signs fixed
    so that Q is uniformly distributed)."""
    q, r = np.linalg.qr(rng.standard_normal((n, n)))
    return q * np.sign(np.diag(r))


def init_params(n_in, n_hidden, n_out, init, std, rng):
    """Draw one model's parameters.

    Returns a dict: W_in (n_in, H), W (H, H), b (H,), W_out (H, n_out), c (n_out,).
    The draw order (W_in, W, W_out) is fixed, so a seed always gives the same model.
    """
    check_init(init)
    matrix = init if init in ("normal", "xavier", "he") else "xavier"
    W_in = scaled_normal((n_in, n_hidden), rng, matrix, std)
    if init == "identity":
        W = std * np.eye(n_hidden)
    elif init == "orthogonal":
        W = std * orthogonal(n_hidden, rng)
    else:
        W = scaled_normal((n_hidden, n_hidden), rng, matrix, std)
    W_out = scaled_normal((n_hidden, n_out), rng, matrix, std)
    return {"W_in": W_in, "W": W, "b": np.zeros(n_hidden), "W_out": W_out, "c": np.zeros(n_out)}


# ------------------------------------------------ the size of the recurrent W
def spectral_radius(W):
    """Largest |eigenvalue| of W (..., H, H): float, or one per model."""
    out = np.max(np.abs(np.linalg.eigvals(W)), axis=-1)
    return float(out) if np.ndim(out) == 0 else out


def largest_singular_value(W):
    """sigma_max(W), the most W can stretch a vector: float, or one per model."""
    out = np.linalg.svd(W, compute_uv=False)[..., 0]
    return float(out) if np.ndim(out) == 0 else out


def set_spectral_radius(model, radius):
    """Rescale the recurrent W of ``model`` in place so that its spectral radius is ``radius``."""
    W = model.params["W"]
    W *= (radius / np.asarray(spectral_radius(W)))[..., None, None]
