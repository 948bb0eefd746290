"""Self-checks for the exercises of notebook 03 (the binary adder).

Each check prints 'Correct.' or 'Not yet: <hint>' and returns True or False.
"""
import numpy as np

from rnnlib.course.checking import missing, raised, verdict
from rnnlib.data import addition_pairs, carries


def check_encoding(X):
    """Exercise 1. The network's input for 13 + 33 (8 bits): an (8, 2) array,
    row t = (bit t of 13, bit t of 33), least significant bit first."""
    if (m := missing(X)) is not None:
        return m
    want = addition_pairs(np.array([13]), np.array([33]), 8)[0][0]
    X = np.asarray(X, dtype=float)
    if X.shape != want.shape:
        return verdict(False, f"the answer has one row per time step and one column per operand: shape {want.shape}, "
                              f"yours is {X.shape}")
    if np.array_equal(X, want[::-1]):
        return verdict(False, "these are the bits most significant first; the network reads the least significant bit first")
    return verdict(np.array_equal(X, want), "13 = 8 + 4 + 1 and 33 = 32 + 1; row t holds the bits worth 2**t")


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


def check_longest_chain(length):
    """Exercise 4. The longest run of consecutive carries in any 8-bit training sum
    (operands < 128)."""
    if (m := missing(length)) is not None:
        return m
    return verdict(length == 7, "try 127 + 1: how many carries in a row, and can a sum with operands < 128 "
                                "carry out of bit 7?")
