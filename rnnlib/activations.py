"""Activation functions and their derivatives.

A hidden activation f is elementwise: a small object with ``forward(u)`` and
``grad(u, z)``, where ``z = forward(u)``. Passing ``z`` lets a derivative reuse
the forward result (``sigmoid' = z (1 - z)``, ``tanh' = 1 - z**2``), as every
textbook implementation does.

Backpropagation needs one thing from an activation: ``vjp(u, z, dz)``, the
error dE/du from the error dE/dz (a vector-Jacobian product). For an
elementwise f that is ``dz * f'(u)``. The softmax output is not elementwise
(each y_k depends on every v_j), so it has ``forward`` and ``vjp`` only.
"""
from collections import namedtuple

import numpy as np


class Activation(namedtuple("Activation", "name forward grad")):
    """An elementwise function f with its derivative f'.

    forward(u) : f(u), elementwise, any shape, a new array.
    grad(u, z) : f'(u), elementwise, given u and z = f(u) (same shapes), a new array.
    vjp(u, z, dz) : dE/du = dE/dz * f'(u), from dE/dz (same shapes).
    """
    __slots__ = ()

    def vjp(self, u, z, dz):
        return dz * self.grad(u, z)


VectorActivation = namedtuple("VectorActivation", "name forward vjp")
VectorActivation.__doc__ = """An output function over the last axis (softmax): forward(v) and vjp(v, y, dy) -> dE/dv."""


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


def softmax(v):
    """exp(v_k) / sum_j exp(v_j) over the last axis, any leading shape.

    The largest v of each row is subtracted first: the same result, and exp
    never overflows, so any logits are safe.
    """
    e = np.exp(v - v.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def softmax_vjp(v, y, dy):
    """dE/dv from dE/dy for y = softmax(v): the Jacobian is diag(y) - y y^T, so
    dE/dv_k = y_k (dE/dy_k - sum_j dE/dy_j y_j)."""
    return y * (dy - (dy * y).sum(axis=-1, keepdims=True))


ACTIVATIONS = {
    "sigmoid": Activation("sigmoid", sigmoid, lambda u, z: z * (1.0 - z)),
    "tanh": Activation("tanh", np.tanh, lambda u, z: 1.0 - z * z),
    "relu": Activation("relu", lambda u: np.maximum(u, 0.0), lambda u, z: (u > 0).astype(float)),
    "identity": Activation("identity", lambda u: np.array(u, dtype=float), lambda u, z: np.ones_like(u)),
    "softmax": VectorActivation("softmax", softmax, softmax_vjp),
}

HIDDEN_ACTIVATIONS = ("sigmoid", "tanh", "relu")
OUTPUT_ACTIVATIONS = ("sigmoid", "identity", "softmax")


def get_activation(name, allowed=tuple(ACTIVATIONS)):
    """Look up an activation by name; a clear ValueError lists the valid names."""
    if name not in allowed:
        raise ValueError(f"unknown activation {name!r}: expected one of {', '.join(map(repr, allowed))}")
    return ACTIVATIONS[name]
