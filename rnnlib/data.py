"""Datasets. Every random choice takes a ``numpy.random.Generator`` (or a seed)."""
import numpy as np

from .checks import generator, positive_int


def to_bits(values, n_bits=8):
    """Integers -> bits, least significant bit first.

    values : int or array of non-negative ints < 2**n_bits, any shape S.
    Returns a float array of shape S + (n_bits,); entry i is bit i (worth 2**i).
    """
    positive_int("n_bits", n_bits)
    values = np.asarray(values)
    if not np.issubdtype(values.dtype, np.integer):
        raise ValueError(f"to_bits needs integers, got dtype {values.dtype}")
    if np.any(values < 0) or np.any(values >= 2 ** n_bits):
        raise ValueError(f"to_bits needs values in [0, 2**{n_bits}) = [0, {2 ** n_bits}), "
                         f"got min {values.min()} and max {values.max()}")
    return ((values[..., None] >> np.arange(n_bits)) & 1).astype(float)


def from_bits(bits):
    """Bits, least significant first, in the last axis -> integers.

    Each entry is rounded (so network outputs in [0, 1] decode to their
    nearest bits); shape S + (n_bits,) -> S, dtype int64.
    """
    bits = np.asarray(bits, dtype=float)
    if bits.ndim < 1 or bits.shape[-1] > 62:
        raise ValueError(f"from_bits needs 1 to 62 bits in the last axis, got shape {bits.shape}")
    rounded = (bits > 0.5).astype(np.int64)
    return rounded @ (np.int64(1) << np.arange(bits.shape[-1], dtype=np.int64))


def addition_pairs(a, b, n_bits=8):
    """Given operand arrays a, b (same shape (n,)), the RNN's view of a + b.

    Returns X (n, n_bits, 2) holding the bits of a and b, and
    Y (n, n_bits, 1) holding the bits of a + b, all least significant first.
    """
    a, b = np.asarray(a), np.asarray(b)
    X = np.stack([to_bits(a, n_bits), to_bits(b, n_bits)], axis=-1)
    Y = to_bits(a + b, n_bits)[..., None]
    return X, Y


def binary_addition(n, n_bits=8, rng=0):
    """n random sums a + b, one bit pair per time step, least significant first.

    Operands are uniform in [0, 2**(n_bits-1)), so the sum fits in n_bits.
    Returns X (n, n_bits, 2) and Y (n, n_bits, 1), floats 0/1.
    """
    positive_int("n_bits", n_bits)
    positive_int("n", n)
    rng = generator(rng)
    a, b = rng.integers(0, 2 ** (n_bits - 1), size=(2, n))
    return addition_pairs(a, b, n_bits)


def adder_batches(batch_size, n_bits=8, rng=0, n_models=None, block=256):
    """An endless stream of fresh binary_addition batches.

    Yields (X, Y); with n_models=E each model gets its own sums,
    X (E, batch_size, n_bits, 2) and Y (E, batch_size, n_bits, 1).
    Sums are drawn ``block`` steps at a time: the same numbers, in the same
    order, as one ``binary_addition`` call per step (the generator's stream
    is consumed alike), at a fraction of the cost, which for batch 1 was a
    third of a training step. A Generator passed as ``rng`` is therefore
    advanced up to ``block`` steps ahead of what has been yielded.
    """
    positive_int("n_bits", n_bits)
    rng = generator(rng)
    positive_int("batch_size", batch_size)
    if n_models is not None:
        positive_int("n_models", n_models)
    positive_int("block", block)
    shape = (batch_size,) if n_models is None else (n_models, batch_size)
    n = batch_size * (n_models or 1)
    while True:
        a, b = rng.integers(0, 2 ** (n_bits - 1), size=(block, 2, n)).transpose(1, 0, 2)   # per step: a, then b
        X, Y = addition_pairs(a.ravel(), b.ravel(), n_bits)
        X, Y = X.reshape((block,) + shape + (n_bits, 2)), Y.reshape((block,) + shape + (n_bits, 1))
        yield from zip(X, Y)
