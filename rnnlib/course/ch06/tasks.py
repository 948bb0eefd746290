"""Tasks whose difficulty is memory alone: the answer depends on something seen T - 1 steps or more ago.

Both are many-to-one: a sequence of T steps goes in, one target D (B, n_out) comes out at the end
(train with ``rnnlib.losses.last_step``).

- ``remember_bit``: x^1 = +1 or -1 (the bit), x^2..x^T uniform noise in [-1, 1]; the target is
  the bit (1 or 0) after step T. The bit must survive T - 1 steps of noise.
- ``adding_problem`` (Hochreiter & Schmidhuber 1997; Le, Jaitly & Hinton 2015): two input
  channels, random values in [0, 1] and markers; exactly two steps are marked (marker 1), one in
  the first half and one in the second half; the target is the sum of the two marked values.

Every batch generator is seeded (``numpy.random.default_rng``) and yields the same batches for
the same seed; with ``n_models`` every model gets the same batch (a shared X).
"""
import numpy as np

from rnnlib.checks import positive_int

# The adding problem's baseline: always predicting the mean sum 1 scores MSE = Var(a + b) = 2 * 1/12.
ADDING_BASELINE = 1.0 / 6.0


def _generator(rng):
    return rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)


def _check_lag(T, least):
    T = positive_int("T", T)
    if T < least:
        raise ValueError(f"T must be at least {least} for this task, got {T}")
    return T


def remember_bit(n, T, rng=0):
    """n sequences of the remember-a-bit task with lag T: X (n, T, 1), D (n, 1) in {0, 1}."""
    n, T = positive_int("n", n), _check_lag(T, 1)
    rng = _generator(rng)
    bit = rng.integers(0, 2, size=n)
    X = rng.uniform(-1.0, 1.0, size=(n, T, 1))
    X[:, 0, 0] = 2.0 * bit - 1.0
    return X, bit[:, None].astype(float)


def adding_problem(n, T, rng=0):
    """n sequences of the adding problem with T steps: X (n, T, 2), D (n, 1).

    Channel 0 holds values uniform in [0, 1], channel 1 the markers: one step among the first
    T // 2 and one among the last T - T // 2 carry a 1, all others 0. D is the sum of the two
    marked values. The first marked value must be remembered for at least T - T // 2 steps.
    """
    n, T = positive_int("n", n), _check_lag(T, 2)
    rng = _generator(rng)
    values = rng.uniform(0.0, 1.0, size=(n, T))
    half = T // 2
    first = rng.integers(0, half, size=n)
    second = rng.integers(half, T, size=n)
    markers = np.zeros((n, T))
    rows = np.arange(n)
    markers[rows, first] = 1.0
    markers[rows, second] = 1.0
    X = np.stack([values, markers], axis=-1)
    D = (values[rows, first] + values[rows, second])[:, None]
    return X, D


TASKS = {"adding": adding_problem, "bit": remember_bit}


def batches(task, batch_size, T, rng=0):
    """An endless stream of (X, D) training batches of ``task`` ("adding" or "bit"), seeded by ``rng``."""
    if task not in TASKS:
        raise ValueError(f"unknown task {task!r}: expected one of {', '.join(map(repr, TASKS))}")
    make, rng = TASKS[task], _generator(rng)
    batch_size = positive_int("batch_size", batch_size)
    while True:
        yield make(batch_size, T, rng)


def mse(Y_last, D):
    """Mean squared error of last-step predictions Y_last (M?, n, 1) against D (n, 1): float or (M,)."""
    out = np.mean((np.asarray(Y_last) - D) ** 2, axis=(-2, -1))
    return float(out) if np.ndim(out) == 0 else out
