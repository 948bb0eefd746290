"""Self-checks for the exercises of notebook 03 (the binary adder).

Each check prints 'Correct.' or 'Not yet: <hint>' and returns True or False.
"""
import numpy as np

from rnnlib.course.checking import missing, raised, verdict
from rnnlib.data import addition_pairs, carries


def check_encoding(X):
    """Exercise 1. The network's input for 27 + 100 (8 bits): an (8, 2) array,
    row i = (bit i of 27, bit i of 100), least significant bit first."""
    if (m := missing(X)) is not None:
        return m
    want = addition_pairs(np.array([27]), np.array([100]), 8)[0][0]
    X = np.asarray(X, dtype=float)
    if X.shape != want.shape:
        return verdict(False, f"the answer has one row per time step and one column per operand: shape {want.shape}, "
                              f"yours is {X.shape}")
    if np.array_equal(X, want[::-1]):
        return verdict(False, "these are the bits most significant first; the network reads the least significant bit first")
    if np.array_equal(X, want[:, ::-1]):
        return verdict(False, "the columns are swapped: column 0 holds the bits of 27, column 1 those of 100")
    return verdict(np.array_equal(X, want), "27 = 16 + 8 + 2 + 1 and 100 = 64 + 32 + 4; row i holds the bits worth 2**i")


def check_carry_function(carry_bits):
    """Exercise 2. ``carry_bits(a, b, n_bits)`` -> the list of the n_bits carries
    out of bits 0, 1, ..., n_bits - 1 of a + b (ints 0/1)."""
    if (m := missing(carry_bits)) is not None:
        return m
    rng = np.random.default_rng(3)
    pairs = [(13, 33), (127, 1), (0, 0), (85, 42)] + [tuple(p) for p in rng.integers(0, 128, (20, 2))]
    for a, b in pairs:
        want = carries(addition_pairs(np.array([a]), np.array([b]), 8)[0])[0].astype(int).tolist()
        try:
            got = [int(v) for v in carry_bits(int(a), int(b), 8)]
        except Exception as exc:
            return raised(exc)
        if got != want:
            return verdict(False, f"for {a} + {b} the carries (bit 0 first) are {want}, yours are {got}; "
                                  "carry out = 1 when a_t + b_t + carry_in >= 2")
    return verdict(True, "")


def check_msb_first_step(step):
    """Exercise 3. Fed most significant bit first, after how many of the 8 steps
    can a network be sure of the first output bit (the sum's bit 7)?"""
    if (m := missing(step)) is not None:
        return m
    return verdict(step == 8, "bit 7 of the sum depends on the carry out of bit 6, which depends on "
                              "bits 0..6 of both operands: when have they all arrived?")


LONGEST_RUN_32 = 7.33   # mean longest carry run of a random 32-bit sum (operands < 2**31); 200,000 sums: 7.330 +- 0.008


def check_longest_chain(length):
    """Exercise 4. The mean length of the longest run of consecutive carries in a
    random 32-bit sum (both operands below 2**31), estimated by simulation; within
    0.3 of the value measured on 200,000 sums."""
    if (m := missing(length)) is not None:
        return m
    try:
        length = float(length)
    except (TypeError, ValueError):
        return verdict(False, f"the answer is a number (a mean length), got {length!r}")
    if abs(length - 5) < 0.3:
        return verdict(False, "log2(32) = 5 is the rough rule; simulate: carries(binary_addition(n, n_bits=32)) and "
                              "the longest run of 1s in each row")
    return verdict(abs(length - LONGEST_RUN_32) < 0.3,
                   "draw a few thousand sums with binary_addition(n, n_bits=32), take carries(X), and average the "
                   "longest run of consecutive 1s per sum")
