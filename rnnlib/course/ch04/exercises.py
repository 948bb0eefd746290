"""Self-checks for the exercises of notebook 04 (initialisation, activation, learning rate, hidden size).

Each check prints 'Correct.' or 'Not yet: <hint>' and returns True or False.
"""
import numpy as np

from rnnlib.course.checking import missing, verdict


def _number(answer):
    """The answer as a float, or None (with a printed hint) if it is missing or not a number."""
    if missing(answer) is not None:
        return None
    try:
        return float(answer)
    except (TypeError, ValueError):
        verdict(False, f"expected a number, got {answer!r}")
        return None


def check_preactivation_std(std_u):
    """Exercise 1. 160 hidden units all at z = 0.5 feed one unit through weights N(0, 1):
    the std of u = sum_j z_j W_j1."""
    x = _number(std_u)
    if x is None:
        return False
    return verdict(np.isclose(x, np.sqrt(160 * 0.25), rtol=1e-3),
                   "u is a sum of 160 independent terms z_j W_j1, each with variance z_j^2 * 1 = 0.25; "
                   "variances add, the std is the square root of the total")


def check_saturation_threshold(u_abs):
    """Exercise 2. The |u| beyond which sigmoid'(u) < 0.0025 (1 % of its largest slope 0.25)."""
    x = _number(u_abs)
    if x is None:
        return False
    s = 0.5 * (1 - np.sqrt(1 - 4 * 0.0025))          # s (1 - s) = 0.0025, the small root
    want = np.log((1 - s) / s)
    return verdict(np.isclose(x, want, atol=0.02),
                   "solve s (1 - s) = 0.0025 for the small root s = sigmoid(-u), then u = log((1 - s) / s)")


def check_step_ratio(ratio):
    """Exercise 3. One SGD step on W_out alone moves v by -lr * delta_out * ||z||^2. With every
    hidden unit at z = 0.5, how many times larger is the move for hidden 160 than for hidden 16?"""
    x = _number(ratio)
    if x is None:
        return False
    return verdict(np.isclose(x, 10.0), "||z||^2 = H * 0.25: compare H = 160 with H = 16")


def check_matched_lr(lr):
    """Exercise 4. The learning rate for hidden 160 that moves v as much per step as lr 0.1 does for hidden 16."""
    x = _number(lr)
    if x is None:
        return False
    return verdict(np.isclose(x, 0.01), "the move is lr * ||z||^2 * delta_out and ||z||^2 grew tenfold")


def check_relu_growth(factor):
    """Exercise 5. A ReLU RNN with W = 1.5 I, a positive input only at step 1 and no further input:
    by what factor has z grown after 7 more steps (z^8 / z^1)?"""
    x = _number(factor)
    if x is None:
        return False
    return verdict(np.isclose(x, 1.5 ** 7, rtol=1e-3),
                   "with positive z, relu(z W) = 1.5 z: each step multiplies z by 1.5; count the steps")
