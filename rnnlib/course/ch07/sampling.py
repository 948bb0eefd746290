"""Writing with the character model: the next-character distribution at a temperature, and sampling.

At temperature tau the model's logits v (the output pre-activations) are divided by tau
before the softmax:

    p_k = exp(v_k / tau) / sum_j exp(v_j / tau)

tau = 1 is the model itself, tau < 1 sharpens the distribution towards the most likely
character (tau -> 0: always the most likely one, ``temperature=0``), tau > 1 flattens it
towards uniform.
"""
import numpy as np

from rnnlib.activations import softmax
from rnnlib.checks import positive_int


def with_temperature(logits, temperature):
    """softmax(v / tau) over the last axis; temperature 0 puts all probability on the largest v."""
    logits = np.asarray(logits, dtype=float)
    if not (np.isfinite(temperature) and temperature >= 0):
        raise ValueError(f"temperature must be a finite number >= 0, got {temperature!r}")
    if temperature == 0:
        return np.eye(logits.shape[-1])[np.argmax(logits, axis=-1)]
    return softmax(logits / temperature)


def read(model, vocab, prefix, h0=None):
    """Feed ``prefix`` to a single model: (logits of the next character (V,), hidden state (1, H))."""
    if model.n_models is not None:
        raise ValueError("sampling needs a single model: pick one with training.member(model, e)")
    if not prefix:
        raise ValueError("the prefix needs at least one character")
    model.forward(vocab.one_hot(vocab.encode(prefix))[None], h0=h0)
    f = model.last_forward()
    return f.V[0, -1], f.Z[:, -1]


def next_distribution(model, vocab, prefix, temperature=1.0):
    """P(next character | prefix) at ``temperature``, a (V,) array."""
    logits, _ = read(model, vocab, prefix)
    return with_temperature(logits, temperature)


def sample(model, vocab, prefix, n=200, temperature=1.0, seed=0):
    """``n`` characters written by the model after ``prefix`` (the prefix is not repeated).

    Each character is drawn from the distribution at ``temperature``, with u ~ U(0, 1) from
    ``default_rng(seed)``: the first k whose cumulative probability exceeds u. Then it is
    fed back in as the next input, the hidden state carried on.
    """
    n = positive_int("n", n)
    rng = np.random.default_rng(seed)
    logits, h = read(model, vocab, prefix)
    out = []
    for _ in range(n):
        p = with_temperature(logits, temperature)
        cum = np.cumsum(p)
        k = min(int(np.searchsorted(cum, rng.random() * cum[-1], side="right")), vocab.size - 1)
        out.append(k)
        logits, h = read(model, vocab, vocab.chars[k], h0=h)
    return vocab.decode(out)
