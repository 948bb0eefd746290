"""Self-checks for the exercises of notebook 06 (long-range memory).

Each check prints 'Correct.' or 'Not yet: <hint>' and returns True or False.
"""
import numpy as np

from rnnlib.course.checking import call, missing, verdict


def check_baseline(mse):
    """Exercise 1. The adding problem with values uniform in [0, 2]: the MSE of always predicting the mean target."""
    if (m := missing(mse)) is not None:
        return m
    return verdict(np.isclose(float(mse), 2 / 3, atol=1e-3),
                   "the target a + b now has mean 2; predicting the mean scores its variance, "
                   "Var(a) + Var(b) for independent a, b, and U(0, L) has variance L^2/12")


def check_horizon(steps):
    """Exercise 2. A gradient factor of 0.8 per step: after how many steps back has the error fallen below 1/100?"""
    if (m := missing(steps)) is not None:
        return m
    return verdict(int(steps) == 21, "find the smallest whole k with 0.8**k < 0.01: k > ln(100) / ln(1.25)")


def check_truncation(k):
    """Exercise 3. Adding problem, T = 30 (first marker among steps 1..15): the smallest truncate=k for which
    the last step's error reaches the first marker when it sits as late as it can."""
    if (m := missing(k)) is not None:
        return m
    return verdict(int(k) == 16, "the latest first marker is at step 15; truncate=k lets the error of step T "
                                 "reach u^T, ..., u^(T-k+1): solve T - k + 1 = 15")


def check_from_torch(convert):
    """Exercise 4. ``convert(weight_ih, weight_hh, bias_ih, bias_hh, fc_weight, fc_bias)`` -> rnnlib's
    {W_in, W, b, W_out, c}."""
    if (m := missing(convert)) is not None:
        return m
    rng = np.random.default_rng(6)
    H, n_in, n_out = 4, 3, 2
    args = (rng.standard_normal((H, n_in)), rng.standard_normal((H, H)), rng.standard_normal(H),
            rng.standard_normal(H), rng.standard_normal((n_out, H)), rng.standard_normal(n_out))
    got, fail = call(convert, *(a.copy() for a in args))
    if fail is not None:
        return fail
    want = {"W_in": args[0].T, "W": args[1].T, "b": args[2] + args[3], "W_out": args[4].T, "c": args[5]}
    try:
        ok = all(np.allclose(np.asarray(got[k], dtype=float), v) for k, v in want.items())
    except Exception:
        return verdict(False, "return a dict with the keys W_in, W, b, W_out, c and arrays of rnnlib's shapes")
    return verdict(ok, "PyTorch multiplies column vectors (W_ih x), rnnlib row vectors (x W_in): transpose "
                       "the matrices; the two PyTorch biases always enter as a sum")
