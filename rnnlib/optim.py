"""Stochastic gradient descent with optional gradient-norm clipping."""
import numpy as np


def model_axes(params):
    """Number of leading model axes: 0 for one model, 1 with n_models.

    Every parameter carries the same leading axes, and the smallest
    parameters (the biases b and c) are vectors, so this is their ndim - 1.
    """
    return min(p.ndim for p in params.values()) - 1


def grad_norm(grads, lead=0):
    """Euclidean norm of all gradients together, per model: float or (E,)."""
    total = sum((g * g).reshape(g.shape[:lead] + (-1,)).sum(axis=-1) for g in grads.values())
    return np.sqrt(total)


class SGD:
    """theta <- theta - lr * grad, in place.

    clip : None, or a maximum gradient norm. When the norm of all gradients
        of a model together exceeds ``clip`` they are rescaled to norm ``clip``
        (Pascanu et al. 2013). With n_models each model is clipped on its own.
    """

    def __init__(self, lr=0.1, clip=None):
        if not np.isfinite(lr) or lr <= 0:
            raise ValueError(f"lr must be a positive number, got {lr!r}")
        if clip is not None and (not np.isfinite(clip) or clip <= 0):
            raise ValueError(f"clip must be None or a positive number, got {clip!r}")
        self.lr = lr
        self.clip = clip

    def step(self, params, grads):
        """Update every array in ``params`` in place from ``grads`` (same keys and shapes)."""
        if self.clip is None:
            for name, p in params.items():
                p -= self.lr * grads[name]
            return
        lead = model_axes(params)
        scale = self.lr * np.minimum(1.0, self.clip / np.maximum(grad_norm(grads, lead), 1e-300))
        for name, p in params.items():
            p -= scale.reshape(scale.shape + (1,) * (p.ndim - lead)) * grads[name]
