"""Training the character model of notebook 07 on a stream, and measuring it.

``Adagrad`` is min-char-rnn's optimiser (with the course's gradient-norm clipping in place of
its elementwise clip); ``train_chars`` feeds B parallel pieces of the training text to
``rnnlib.train.train_stream`` (windows of k characters, the state carried from window to
window as a constant); ``held_out_bits`` measures bits per character on the held-out text.
"""
import numpy as np

from rnnlib import SimpleRNN
from rnnlib.checks import positive_int
from rnnlib.losses import cross_entropy
from rnnlib.optim import grad_norm, model_axes
from rnnlib.train import train_stream

from .corpus import parallel_streams


class Adagrad:
    """Adagrad (Duchi, Hazan and Singer 2011), as in min-char-rnn: per parameter entry,

        m <- m + g^2        theta <- theta - lr g / sqrt(m + eps)

    so every weight gets its own step size, large while its gradients have been small.
    clip : None or a maximum gradient norm per model, applied to g first (as ``SGD``'s clip).
    The memories m start at zero on the first ``step``.
    """

    def __init__(self, lr=0.1, eps=1e-8, clip=None):
        if not (np.isfinite(lr) and lr > 0):
            raise ValueError(f"lr must be a positive number, got {lr!r}")
        if not (np.isfinite(eps) and eps > 0):
            raise ValueError(f"eps must be a positive number, got {eps!r}")
        if clip is not None and not (np.isfinite(clip) and clip > 0):
            raise ValueError(f"clip must be None or a positive number, got {clip!r}")
        self.lr, self.eps, self.clip = float(lr), float(eps), clip
        self.memory = None

    def step(self, params, grads):
        """Update every array in ``params`` in place from ``grads`` (same keys and shapes)."""
        if self.memory is None:
            self.memory = {k: np.zeros_like(p) for k, p in params.items()}
        scale = 1.0
        if self.clip is not None:
            lead = model_axes(params)
            scale = np.minimum(1.0, self.clip / np.maximum(grad_norm(grads, lead), 1e-300))
        for k, p in params.items():
            g = grads[k] * np.reshape(scale, np.shape(scale) + (1,) * (p.ndim - np.ndim(scale)))
            self.memory[k] += g * g
            p -= self.lr * g / np.sqrt(self.memory[k] + self.eps)


def char_model(V, H, seed=0, n_models=None):
    """SimpleRNN(V, H, V): one-hot characters in, tanh hidden, a softmax over the next character
    out; Xavier (the lecture's N(0, 1/fan_in)) initial weights."""
    return SimpleRNN(V, H, V, activation="tanh", output_activation="softmax", init="xavier",
                     seed=seed, n_models=n_models)


def copy_of(model):
    """A new model with copies of ``model``'s parameters: evaluating it leaves ``model`` (and what its
    last forward pass kept for backward and for ``hidden``) untouched."""
    twin = SimpleRNN(model.n_in, model.n_hidden, model.n_out, activation=model.f.name,
                     output_activation=model.g.name, n_models=model.n_models)
    for k, p in twin.params.items():
        p[...] = model.params[k]
    return twin


def member(model, e):
    """Model e of an ensemble as a model of its own (a copy of its parameters)."""
    if model.n_models is None:
        raise ValueError("member needs a model with n_models")
    if not 0 <= e < model.n_models:
        raise ValueError(f"e must lie in 0..{model.n_models - 1}, got {e!r}")
    one = SimpleRNN(model.n_in, model.n_hidden, model.n_out, activation=model.f.name,
                    output_activation=model.g.name)
    for k, p in one.params.items():
        p[...] = model.params[k][e]
    return one


def held_out_probabilities(model, ids, start, warm=50, chunks=7):
    """(p, stop): the probability the model gives to each character ids[start:stop], and stop.

    The scored text is cut into ``chunks`` consecutive pieces of L = (len(ids) - start) // chunks
    characters, read side by side; each piece is preceded by the ``warm`` characters before it
    (read, not scored), so, like an n-gram model, the network knows what came just before. It runs
    on a copy of the model (``copy_of``), so it can serve as a training run's ``evaluate`` hook.
    stop = start + chunks * L (the few characters left over are not scored). p is (stop - start,),
    or (M, stop - start) with n_models.
    """
    ids = np.asarray(ids, dtype=int)
    warm, chunks = positive_int("warm", warm), positive_int("chunks", chunks)
    if not warm < start < len(ids):
        raise ValueError(f"start must lie in {warm + 1}..{len(ids) - 1} (after the warm-up), got {start}")
    L = (len(ids) - start) // chunks
    if L < 1:
        raise ValueError("fewer scored characters than chunks")
    begins = start + L * np.arange(chunks)
    rows = np.stack([ids[b - warm - 1:b + L] for b in begins])          # inputs and targets of each piece
    Y = copy_of(model).forward(np.eye(model.n_in)[rows[:, :-1]])        # (M?, chunks, warm + L, K); model untouched
    targets = np.broadcast_to(rows[:, 1:, None], Y.shape[:-1] + (1,))
    p = np.take_along_axis(Y, targets, axis=-1)[..., warm:, 0]          # (M?, chunks, L)
    return p.reshape(p.shape[:-2] + (-1,)), start + chunks * L


def held_out_bits(model, ids, start, warm=50, chunks=7):
    """Bits per character on ids[start:] (see ``held_out_probabilities``): a float, or (M,)."""
    p, _ = held_out_probabilities(model, ids, start, warm, chunks)
    bits = -np.log2(np.maximum(p, 1e-300)).mean(axis=-1)
    return float(bits) if np.ndim(bits) == 0 else bits


def train_chars(model, ids, B, window, optimizer, epochs=1, evaluate=None, eval_every=100, progress=None):
    """Truncated BPTT over the text ``ids`` read as B parallel streams (``parallel_streams``):
    ``train_stream`` with windows of ``window`` characters and cross-entropy. Returns its History."""
    Xi, Di = parallel_streams(ids, B)
    eye = np.eye(model.n_in)
    return train_stream(model, cross_entropy, eye[Xi], eye[Di], window, optimizer, epochs=epochs,
                        evaluate=evaluate, eval_every=eval_every, progress=progress)
