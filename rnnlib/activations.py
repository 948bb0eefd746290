"""Activation functions and their derivatives.

Each activation is a small object with ``forward(u, out=None)`` and
``grad(u, z)``, where ``z = forward(u)``. ``out`` lets the RNN write each
step's hidden state straight into its place, without a temporary. Passing
``z`` lets a derivative reuse the forward result (``sigmoid' = z (1 - z)``,
``tanh' = 1 - z**2``), as every textbook implementation does.
"""
import numpy as np


class Activation:
    """An elementwise function f with its derivative f'.

    forward(u, out=None) : f(u), elementwise, any shape; ``out``, if given, is
        an array of u's shape to write into (and is returned).
    grad(u, z) : f'(u), elementwise, given u and z = f(u) (same shapes); a new
        array, which callers may scale in place.
    The two functions are stored as they are, not wrapped in methods: the RNN
    calls ``forward`` once per time step, and on small batches every Python
    call shows in the step time.
    """

    def __init__(self, name, forward, grad):
        self.name = name
        self.forward = forward
        self.grad = grad

    def __repr__(self):
        return f"Activation({self.name!r})"


def _sigmoid(u, out=None):
    # 1 / (1 + exp(-u)), in place. u is floored at -708 first: exp(708) is close
    # to the largest float64, so exp never overflows (no warning, no inf), and
    # sigmoid(-708) = 3e-308 is 0 for every practical purpose.
    # Why not 0.5 (1 + tanh(u / 2)): np.exp is about twice as fast as np.tanh in
    # float64, so this sigmoid costs about half as much (benchmarks/results.md
    # measures both forms); and 1 + tanh(u / 2) cancels for negative u, where
    # this form keeps full relative precision.
    if out is None:
        out = np.empty_like(u, dtype=float)
    np.maximum(u, -708.0, out=out)
    np.negative(out, out=out)
    np.exp(out, out=out)
    out += 1.0
    np.reciprocal(out, out=out)
    return out if out.ndim else out[()]


def _identity(u, out=None):
    if out is None:
        return u
    out[...] = u
    return out


def _sigmoid_grad(u, z):
    g = 1.0 - z
    g *= z                  # z (1 - z), with one temporary
    return g


def _tanh_grad(u, z):
    g = z * z
    np.subtract(1.0, g, out=g)   # 1 - z^2, with one temporary
    return g


ACTIVATIONS = {
    "sigmoid": Activation("sigmoid", _sigmoid, _sigmoid_grad),
    "tanh": Activation("tanh", np.tanh, _tanh_grad),
    "relu": Activation("relu", lambda u, out=None: np.maximum(u, 0.0, out=out), lambda u, z: (u > 0).astype(u.dtype)),
    "identity": Activation("identity", _identity, lambda u, z: np.ones_like(u)),
}

HIDDEN_ACTIVATIONS = ("sigmoid", "tanh", "relu")
OUTPUT_ACTIVATIONS = ("sigmoid", "identity")


def get_activation(name, allowed=tuple(ACTIVATIONS)):
    """Look up an activation by name; a clear ValueError lists the valid names."""
    if name not in allowed:
        raise ValueError(f"unknown activation {name!r}: expected one of {', '.join(map(repr, allowed))}")
    return ACTIVATIONS[name]


def sigmoid(u, out=None):
    """The logistic function 1 / (1 + exp(-u)), overflow-free; any shape."""
    return _sigmoid(u, out)
