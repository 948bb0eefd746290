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


def check_saturated_loss_std(loss_std):
    """Exercise 3. An output saturated on every bit (exactly 0 or 1), right or wrong with probability
    1/2 on each of 8 bits independently: the std of E = sum_t 1/2 (y^t - d^t)^2 over random sums."""
    x = _number(loss_std)
    if x is None:
        return False
    want = 0.5 * np.sqrt(8 * 0.25)                   # E = K / 2, K ~ Binomial(8, 1/2) wrong bits
    return verdict(np.isclose(x, want, rtol=1e-3),
                   "each bit adds 1/2 if wrong, 0 if right: E = K / 2 with K the number of wrong bits, "
                   "a binomial count (n = 8, p = 1/2) whose variance is n p (1 - p)")


def check_glorot_std(std):
    """Exercise 4. Glorot and Bengio's std sqrt(2 / (fan_in + fan_out)) for W_out of the hidden-160
    network (160 units to 1 output)."""
    x = _number(std)
    if x is None:
        return False
    return verdict(np.isclose(x, np.sqrt(2 / 161), rtol=1e-2),
                   "fan-in 160, fan-out 1: the variance is 2 / 161; the std is its square root")


def check_relu_growth(factor):
    """Exercise 5. A ReLU RNN with W = 1.5 I, a positive input only at step 1 and no further input:
    by what factor has z grown after 7 more steps (z^8 / z^1)?"""
    x = _number(factor)
    if x is None:
        return False
    return verdict(np.isclose(x, 1.5 ** 7, rtol=1e-3),
                   "with positive z, relu(z W) = 1.5 z: each step multiplies z by 1.5; count the steps")
