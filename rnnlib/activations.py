"""Activation functions and their derivatives.

Each activation is a small object with ``forward(u)`` and ``grad(u, z)``,
where ``z = forward(u)``. Passing ``z`` lets a derivative reuse the forward
result (``sigmoid' = z (1 - z)``, ``tanh' = 1 - z**2``), as every textbook
implementation does.
"""
import numpy as np


class Activation:
    """An elementwise function f with its derivative f'."""

    def __init__(self, name, forward, grad):
        self.name = name
        self._forward = forward
        self._grad = grad

    def forward(self, u):
        """f(u), elementwise; any shape."""
        return self._forward(u)

    def grad(self, u, z):
        """f'(u), elementwise, given u and z = f(u) (same shapes)."""
        return self._grad(u, z)

    def __repr__(self):
        return f"Activation({self.name!r})"


def _sigmoid(u):
    # 1 / (1 + exp(-u)) written with tanh: the same number, but exp never
    # overflows for large negative u, so no RuntimeWarning and no inf.
    return 0.5 * (1.0 + np.tanh(0.5 * u))


ACTIVATIONS = {
    "sigmoid": Activation("sigmoid", _sigmoid, lambda u, z: z * (1.0 - z)),
    "tanh": Activation("tanh", np.tanh, lambda u, z: 1.0 - z * z),
    "relu": Activation("relu", lambda u: np.maximum(u, 0.0), lambda u, z: (u > 0).astype(u.dtype)),
    "identity": Activation("identity", lambda u: u, lambda u, z: np.ones_like(u)),
}

HIDDEN_ACTIVATIONS = ("sigmoid", "tanh", "relu")
OUTPUT_ACTIVATIONS = ("sigmoid", "identity")


def get_activation(name, allowed=tuple(ACTIVATIONS)):
    """Look up an activation by name; a clear ValueError lists the valid names."""
    if name not in allowed:
        raise ValueError(f"unknown activation {name!r}: expected one of {', '.join(map(repr, allowed))}")
    return ACTIVATIONS[name]


def sigmoid(u):
    """The logistic function 1 / (1 + exp(-u)), overflow-free; any shape."""
    return _sigmoid(u)
