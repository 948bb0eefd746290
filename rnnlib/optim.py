"""Stochastic gradient descent with optional gradient-norm clipping."""
import numpy as np


def model_axes(params):
    """Number of leading model axes: 0 for one model, 1 with n_models.

    Every parameter carries the same leading axes, and the smallest
    parameters (the biases b and c) are vectors, so this is their ndim - 1.
    """
    return min(p.ndim for p in params.values()) - 1


def grad_norm(grads, lead=0):
    """Euclidean norm of all gradients together, per model: float or (M,)."""
    total = sum((g * g).reshape(g.shape[:lead] + (-1,)).sum(axis=-1) for g in grads.values())
    return np.sqrt(total)


class SGD:
    """theta <- theta - lr * grad, in place.

    lr : a positive number, or an (M,) array of them: one rate per model,
        to train models with different rates side by side.
    clip : None, or a maximum gradient norm (or an (M,) array of them, inf
        for a model that is not clipped). When the norm of all gradients of a
        model together exceeds ``clip`` they are rescaled to norm ``clip``
        (Pascanu et al. 2013). With n_models each model is clipped on its own.
    """

    def __init__(self, lr=0.1, clip=None):
        lr = np.asarray(lr, dtype=float)
        if lr.ndim > 1 or not np.all(np.isfinite(lr) & (lr > 0)):
            raise ValueError(f"lr must be a positive number or an (M,) array of them, got {lr.tolist()!r}")
        if clip is not None:
            clip = np.asarray(clip, dtype=float)
            if clip.ndim > 1 or not np.all(clip > 0) or np.isnan(clip).any() or (clip.ndim == 0 and np.isinf(clip)):
                raise ValueError(f"clip must be None, a positive number or an (M,) array of them (inf: no clipping), "
                                 f"got {clip.tolist()!r}")
        self.lr = float(lr) if lr.ndim == 0 else lr
        self.clip = clip if clip is None or clip.ndim else float(clip)

    def step(self, params, grads):
        """Update every array in ``params`` in place from ``grads`` (same keys and shapes)."""
        lead = model_axes(params)
        if max(np.ndim(self.lr), np.ndim(self.clip)) > lead:
            raise ValueError("per-model lr or clip arrays need parameters with a model axis (n_models)")
        scale = self.lr
        if self.clip is not None:
            scale = scale * np.minimum(1.0, self.clip / np.maximum(grad_norm(grads, lead), 1e-300))
        scale = np.asarray(scale)
        for name, p in params.items():
            p -= scale.reshape(scale.shape + (1,) * (p.ndim - scale.ndim)) * grads[name]
