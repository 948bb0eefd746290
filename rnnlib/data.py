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

    Yields (X, Y); with n_models=M each model gets its own sums,
    X (M, batch_size, n_bits, 2) and Y (M, batch_size, n_bits, 1).
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


def adder_test_set(n=512, n_bits=8, seed=12345):
    """A fixed set of n sums (X (n, n_bits, 2), Y (n, n_bits, 1)) for measuring accuracy."""
    return binary_addition(n, n_bits, np.random.default_rng(seed))


# ------------------------------------------------- the adder's carries, long sums
def carries(X):
    """Carry bits of the sums in X.

    X : (n, T, 2) operand bits, least significant first (as from ``binary_addition``).
    Returns (n, T) floats: entry t is the carry out of bit t (into bit t + 1).
    """
    X = np.asarray(X)
    if X.ndim != 3 or X.shape[-1] != 2:
        raise ValueError(f"X must have shape (n, T, 2), got {X.shape}")
    bits = X > 0.5
    carry = np.zeros(X.shape[0], dtype=bool)
    out = np.empty(X.shape[:2])
    for t in range(X.shape[1]):
        a, b = bits[:, t, 0], bits[:, t, 1]
        carry = (a & b) | (carry & (a ^ b))
        out[:, t] = carry
    return out


def sum_bits(X):
    """The exact sum bits (n, T, 1) of the operand bits X (n, T, 2), dropping the carry out of the last bit."""
    bits = np.asarray(X) > 0.5
    c_in = np.concatenate([np.zeros((bits.shape[0], 1), dtype=bool), carries(X)[:, :-1] > 0.5], axis=1)
    return (bits[..., 0] ^ bits[..., 1] ^ c_in).astype(float)[..., None]


def long_sums(n, n_bits, rng=0):
    """n random sums of n_bits-bit operands with a 0 top bit, built from bits
    directly (no integers), so n_bits may be 1,000.

    Same distribution as ``rnnlib.data.binary_addition`` (every bit below the
    top one a fair coin). Returns X (n, n_bits, 2) and Y (n, n_bits, 1).
    """
    positive_int("n_bits", n_bits)
    X = generator(rng).integers(0, 2, size=(n, n_bits, 2)).astype(float)
    X[:, -1, :] = 0.0
    return X, sum_bits(X)


def carry_chain(length, n_bits):
    """The sum (2**length - 1) + 1 as the network sees it: a carry that ripples
    through ``length`` bits. Returns X (1, n_bits, 2) and Y (1, n_bits, 1)."""
    if not 0 < length < n_bits:
        raise ValueError(f"length must be in [1, n_bits) = [1, {n_bits}), got {length!r}")
    X = np.zeros((1, n_bits, 2))
    X[0, :length, 0] = 1.0
    X[0, 0, 1] = 1.0
    return X, sum_bits(X)


# ----------------------------------------------------------- sine series (notebook 05)
def noisy_sine(n_points=50, noise=0.1, rng=0, n_models=None):
    """The Keras overview's series: x = linspace(-2 pi, 2 pi, n_points), s = sin(x) + noise * N(0, 1).

    Returns (x, s): x (n_points,), s (n_points,), or (M, n_points) with n_models=M
    (one noise draw per model).
    """
    if noise < 0:
        raise ValueError(f"noise must be >= 0, got {noise!r}")
    rng = generator(rng)
    x = np.linspace(-2 * np.pi, 2 * np.pi, n_points)
    shape = (n_points,) if n_models is None else (n_models, n_points)
    return x, np.sin(x) + noise * rng.standard_normal(shape)


def clean_sine(n_points=21, start=2.0, stop=10.0):
    """The PyTorch Elman tutorial's series: x = linspace(start, stop, n_points), s = sin(x). Returns (x, s)."""
    x = np.linspace(start, stop, n_points)
    return x, np.sin(x)


def windows(series, length=10):
    """Cut a series into overlapping windows for one-step-ahead prediction.

    series : (N,) or (M, N). Window i is s[i : i+L] and its target s[i+1 : i+L+1]
    (the same window, one step later), for i = 0 .. N-L-1.
    Returns X, D (inputs, targets): (N-L, L, 1), or (M, N-L, L, 1).
    """
    s = np.asarray(series, dtype=float)
    if s.ndim not in (1, 2):
        raise ValueError(f"series must have shape (N,) or (M, N), got {s.shape}")
    N = s.shape[-1]
    if isinstance(length, bool) or not isinstance(length, (int, np.integer)) or not 1 <= length < N:
        raise ValueError(f"length must be an integer in [1, {N - 1}] for a series of {N} points, got {length!r}")
    idx = np.arange(N - length)[:, None] + np.arange(length)[None, :]
    return s[..., idx, None], s[..., idx + 1, None]
