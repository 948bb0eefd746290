"""Losses E(Y, D) of outputs Y and targets D (the d^t of the lecture notes), each returning
``(loss, dY)`` with ``dY = dE/dY``.

Normalisation: the loss of one sequence is summed over time steps and
outputs, then averaged over the B sequences of the batch. With B = 1 the
squared error is exactly the lecture's ``sum_t 1/2 (y^t - d^t)^2``.
With a leading model axis (Y of shape (M, B, T, n_out)) the loss is one
number per model, shape (M,); the targets may be shared, (B, T, n_out).
"""
import numpy as np

# Probabilities are kept in [EPS, 1 - EPS] inside the log, so the loss is never inf.
EPS = 1e-12


def _check(Y, D):
    Y = np.asarray(Y, dtype=float)
    D = np.asarray(D, dtype=float)
    if Y.ndim < 3 or D.ndim < 3 or D.shape[-3:] != Y.shape[-3:] or D.ndim > Y.ndim:
        raise ValueError(f"targets must have the shape of Y's last three axes (B, T, n_out) = "
                         f"{Y.shape[-3:]}, got Y {Y.shape} and targets {D.shape}")
    return Y, D


def per_sequence_mean(values):
    """Sum over steps and outputs, mean over the B sequences: a float, or (M,) with a model axis."""
    out = values.sum(axis=(-3, -2, -1)) / values.shape[-3]
    return float(out) if out.ndim == 0 else out


def squared_error(Y, D):
    """E = 1/2 sum (y - d)^2 per sequence, averaged over the batch.

    Y : (M?, B, T, n_out); D : targets d^t, same shape or (B, T, n_out).
    Returns (loss, dY): loss float or (M,), dY the shape of Y.
    """
    Y, D = _check(Y, D)
    diff = Y - D
    return per_sequence_mean(0.5 * diff * diff), diff / Y.shape[-3]


def binary_cross_entropy(Y, D):
    """E = -sum [d log y + (1 - d) log(1 - y)] per sequence, averaged over the batch.

    For a sigmoid output y = sigmoid(v), dE/dv = y - d: the sigmoid's
    flat ends no longer slow learning as they do with squared error.
    Y must hold probabilities in [0, 1]; they are clipped to [EPS, 1 - EPS]
    so that no log(0) or division by zero occurs.
    Returns (loss, dY) as ``squared_error`` does.
    """
    Y, D = _check(Y, D)
    if np.any((Y < 0) | (Y > 1)):
        raise ValueError("binary_cross_entropy needs outputs in [0, 1] (a sigmoid output layer)")
    P = np.clip(Y, EPS, 1.0 - EPS)
    loss = -(D * np.log(P) + (1.0 - D) * np.log1p(-P))
    dY = (P - D) / (P * (1.0 - P)) / Y.shape[-3]
    return per_sequence_mean(loss), dY


def cross_entropy(Y, D):
    """E = -sum_t sum_k d_k log y_k per sequence, averaged over the batch: for a softmax output
    (``output_activation="softmax"``) and one-hot targets D (or any distribution over the
    n_out classes) of Y's shape.

    With the softmax, dE/dv = y - d (over the batch): the gradient of the logits is the
    output's error, as for a sigmoid with binary cross-entropy. Y is floored at EPS inside
    the log and the division, so the loss is finite for any logits; a true class whose
    probability is below EPS (logits 27 nats apart) gets a gradient scaled down by y / EPS.
    Returns (loss, dY) as ``squared_error`` does.
    """
    Y, D = _check(Y, D)
    if np.any(D < 0):
        raise ValueError("cross_entropy needs targets D >= 0 (one-hot class vectors)")
    P = np.maximum(Y, EPS)
    return per_sequence_mean(-D * np.log(P)), -D / P / Y.shape[-3]


def last_step(loss):
    """Many-to-one: ``loss`` on the output of the last step only (a classifier reading z^T).

    The returned function takes Y (M?, B, T, n_out) and targets D (M?, B, n_out), one per
    sequence, and returns (loss, dY) with dY zero at every step but the last.
    """
    def on_last_step(Y, D):
        Y, D = np.asarray(Y, dtype=float), np.asarray(D, dtype=float)
        if Y.ndim < 3 or D.shape[-2:] != Y.shape[-3:-2] + Y.shape[-1:]:
            raise ValueError(f"last_step targets must have shape (M?, B, n_out) = {Y.shape[:-2] + Y.shape[-1:]} "
                             f"for Y of shape {Y.shape}, got {D.shape}")
        value, d_last = loss(Y[..., -1:, :], D[..., None, :])
        dY = np.zeros_like(Y)
        dY[..., -1:, :] = d_last
        return value, dY

    on_last_step.__name__ = f"last_step({loss.__name__})"
    return on_last_step


LOSSES = {"squared_error": squared_error, "binary_cross_entropy": binary_cross_entropy, "cross_entropy": cross_entropy}
