"""Self-checks for the exercises of notebook 05 (predicting a sine wave).

Each check prints 'Correct.' or 'Not yet: <hint>' and returns True or False.
"""
import numpy as np

from rnnlib.course.checking import call, missing, verdict


def check_param_count(n_params):
    """Exercise 1. ``n_params(n_in, H, n_out)``: the parameters of SimpleRNN(n_in, H, n_out) with biases."""
    if (m := missing(n_params)) is not None:
        return m
    cases = [(1, 20, 1), (3, 8, 2), (7, 6, 1), (2, 16, 1)]
    ok = True
    for n_in, H, n_out in cases:
        got, fail = call(n_params, n_in, H, n_out)
        if fail is not None:
            return fail
        ok &= got == n_in * H + H * H + H + H * n_out + n_out
    return verdict(ok, "count W_in (n_in x H), W (H x H), b (H), W_out (H x n_out) and c (n_out); "
                       "for (1, 20, 1) the answer is 461")


def check_windows(make_windows):
    """Exercise 2. ``make_windows(series, L)`` -> (X, T) of shapes (N-L, L, 1), T one step ahead of X."""
    if (m := missing(make_windows)) is not None:
        return m
    s = np.arange(7.0) ** 2
    got, fail = call(make_windows, s, 3)
    if fail is not None:
        return fail
    try:
        X, T = (np.asarray(a, dtype=float) for a in got)
    except Exception:
        return verdict(False, "return a pair (X, T)")
    idx = np.arange(4)[:, None] + np.arange(3)[None, :]
    ok = X.shape == T.shape == (4, 3, 1) and np.array_equal(X[..., 0], s[idx]) and np.array_equal(T[..., 0], s[idx + 1])
    return verdict(ok, "window i is s[i:i+L], its target s[i+1:i+L+1]; there are N-L of them; "
                       "add a last axis of size 1 (one input value per step)")


def check_lr(lr):
    """Exercise 3. The rnnlib SGD learning rate (squared error) that equals Keras' SGD(0.01) on MSE, windows of 20."""
    if (m := missing(lr)) is not None:
        return m
    return verdict(np.isclose(float(lr), 0.01 * 2 / 20),
                   "MSE = 2E/L, so dMSE = (2/L) dE: the same step needs lr_rnnlib = lr_keras * 2 / L")


def check_blind_step(k):
    """Exercise 4. With windows of L = 7, the first free-running step whose input window holds no true value."""
    if (m := missing(k)) is not None:
        return m
    return verdict(int(k) == 8, "step 1 sees 7 true values, step 2 sees 6 and one prediction, "
                                "step k sees 7 - (k - 1) true values: when is that 0?")


def check_detach(answer):
    """Exercise 5. With fresh contexts and a one-step gradient (truncate=1), which parameter's gradient is
    exactly as in full BPTT? One of W_in, W, W_out."""
    if (m := missing(answer)) is not None:
        return m
    return verdict(answer == "W_out", "dE/dW_out = sum_t z^t delta_out^t needs no error flowing back in time, "
                                      "and with fresh contexts z^t is the full-BPTT z^t; the other two need "
                                      "delta^t, which is where truncation cuts")


def check_ordered_split(n):
    """Exercise 6. 60 points, windows of L = 8, the last 5 windows held out, no shared targets:
    the number of training windows."""
    if (m := missing(n)) is not None:
        return m
    return verdict(int(n) == 40, "60 points give 60 - 8 = 52 windows; window i predicts s_{i+1}..s_{i+8}; the "
                                 "first held-out window (47) predicts s_48 on: which is the last window whose "
                                 "targets all come before s_48?")
