"""Self-checks for the exercises of notebook 01 (what an RNN computes).

Each check prints 'Correct.' or 'Not yet: <hint>' and returns True or False.
``show_solution(n)`` prints a worked solution of exercise n (try first).
"""
import inspect

import numpy as np

from rnnlib.course.checking import call, missing, raised, verdict


def _sigmoid(v):
    return 1 / (1 + np.exp(-v))


def _params(rng, n_in, H, n_out):
    return {"W_in": rng.standard_normal((n_in, H)), "W": rng.standard_normal((H, H)) * 0.5,
            "b": rng.standard_normal(H), "W_out": rng.standard_normal((H, n_out)),
            "c": rng.standard_normal(n_out)}


def _copy(params):
    return {k: v.copy() for k, v in params.items()}


def _as_array(value):
    try:
        return np.asarray(value, dtype=float), None
    except (TypeError, ValueError):
        return None, verdict(False, "return a NumPy array")


# ---------------------------------------------------------------- 1. PyTorch's parameter count
def check_torch_n_params(n_params):
    """Exercise 1. Parameters of PyTorch's ``nn.RNN(3, 5)`` followed by ``nn.Linear(5, 2)``."""
    if (m := missing(n_params)) is not None:
        return m
    n_in, H, n_out = 3, 5, 2
    right = n_in * H + H * H + 2 * H + H * n_out + n_out
    hints = {right - H: "that is rnnlib's and Keras' count, with one bias b; nn.RNN has two, b_ih and b_hh",
             50: "50 is nn.RNN(3, 5) alone (or every weight without the biases): count the nn.Linear(5, 2) "
                 "layer too, biases included",
             right - n_out: "nn.Linear(5, 2) has a bias of its own (n_out entries)",
             right - 2 * H: "nn.RNN has two bias vectors, b_ih and b_hh, of H entries each"}
    return verdict(n_params == right, hints.get(n_params, "add up W_ih (H x n_in), W_hh (H x H), b_ih and b_hh "
                                                          "(H each), then the Linear layer's weight (n_out x H) "
                                                          "and bias (n_out)"))


# ---------------------------------------------------------------- 2. the concatenated form
def check_concat_shapes(shapes):
    """Exercise 2. (shape of [x^t, z^{t-1}], shape of [W_in; W]) for B = 4, n_in = 3, H = 16."""
    if (m := missing(shapes)) is not None:
        return m
    try:
        got = tuple(tuple(int(n) for n in s) for s in shapes)
    except (TypeError, ValueError):
        return verdict(False, "answer with a pair of tuples, such as ((2, 3), (3, 4))")
    want = ((4, 19), (19, 16))
    if got == want:
        return verdict(True, "")
    if len(got) != 2:
        return verdict(False, "answer with two shapes: the concatenated row vectors, then the stacked matrix")
    if got[0] == (4, 16):
        return verdict(False, "(4, 16) is the shape of u^t; the first shape asked is the input of the one "
                              "product, [x^t, z^{t-1}], with x^t (B, n_in) and z^{t-1} (B, H) side by side")
    if got[0] == (19, 4) or got[1] == (16, 19):
        return verdict(False, "the course uses rows: [x^t, z^{t-1}] is (B, n_in + H) and the stacked matrix "
                              "multiplies it from the right")
    return verdict(False, "x^t is (B, n_in), z^{t-1} is (B, H): put them side by side; W_in (n_in, H) and "
                          "W (H, H) stacked on top of each other give a matrix with n_in + H rows")


# ---------------------------------------------------------------- 3. the whole forward loop
def check_forward(forward):
    """Exercise 3. ``forward(X, params, z0)`` -> (Z, Y): Z = z^1..z^T (B, T, H), Y = y^1..y^T
    (B, T, n_out), with f = tanh and g = sigmoid, batch-first X (B, T, n_in)."""
    if (m := missing(forward)) is not None:
        return m
    rng = np.random.default_rng(13)
    B, T, n_in, H, n_out = 3, 5, 2, 4, 1      # all sizes differ, so a swapped axis cannot go unnoticed
    params = _params(rng, n_in, H, n_out)
    X, z0 = rng.standard_normal((B, T, n_in)), rng.standard_normal((B, H))
    Z, z = np.zeros((B, T, H)), z0
    for t in range(T):
        z = np.tanh(X[:, t] @ params["W_in"] + z @ params["W"] + params["b"])
        Z[:, t] = z
    Y = _sigmoid(Z @ params["W_out"] + params["c"])
    out, failed = call(forward, X.copy(), _copy(params), z0.copy())
    if failed is not None:
        return failed
    try:
        Z_got, Y_got = out
    except (TypeError, ValueError):
        return verdict(False, "return two arrays, (Z, Y)")
    (Z_got, bad), (Y_got, bad_y) = _as_array(Z_got), _as_array(Y_got)
    if bad is not None or bad_y is not None:
        return False
    if Z_got.shape == (B, T + 1, H):
        return verdict(False, "Z should hold z^1..z^T, not z^0 as well: (B, T, H)")
    if Z_got.shape == (T, B, H):
        return verdict(False, "your Z is time-major (T, B, H); stack the steps on axis 1: (B, T, H)")
    if Z_got.shape != (B, T, H) or Y_got.shape != (B, T, n_out):
        return verdict(False, f"Z should be (B, T, H) = {(B, T, H)} and Y (B, T, n_out) = {(B, T, n_out)}; "
                              f"yours are {Z_got.shape} and {Y_got.shape}")
    if np.allclose(Z_got[:, 0], Z[:, 0]) and not np.allclose(Z_got, Z):
        return verdict(False, "step 1 is right, later steps are not: each step must use the state z^{t-1} "
                              "computed by the step before (update your z inside the loop)")
    if not np.allclose(Z_got, Z):
        z_zero = np.tanh(X[:, 0] @ params["W_in"] + params["b"])
        if np.allclose(Z_got[:, 0], z_zero):
            return verdict(False, "start from the given z0, not from zeros")
        return verdict(False, "z^t = tanh(x^t W_in + z^{t-1} W + b) with x^t = X[:, t] (row vectors: "
                              "the vector comes first)")
    return verdict(np.allclose(Y_got, Y), "Z is right; y^t = sigmoid(z^t W_out + c) at every step")


# ---------------------------------------------------------------- 4. the lecture's model answer, column form
def check_first_output_col(first_output_col):
    """Exercise 4. ``first_output_col(x1, s0, P)`` -> y_1 of the lecture's model answer
    (z_1 = sigmoid(...), y_1 = sigmoid(...), biases included), in the slides' column form:
    x1 (n_in, B), s0 (H, B), P = {"W_in_col": (H, n_in), "W_col": (H, H), "b_col": (H, 1),
    "W_out_col": (n_out, H), "c_col": (n_out, 1)}; returns (n_out, B)."""
    if (m := missing(first_output_col)) is not None:
        return m
    rng = np.random.default_rng(14)
    B, n_in, H, n_out = 2, 3, 4, 5
    p = _params(rng, n_in, H, n_out)
    P = {"W_in_col": p["W_in"].T.copy(), "W_col": p["W"].T.copy(), "b_col": p["b"][:, None].copy(),
         "W_out_col": p["W_out"].T.copy(), "c_col": p["c"][:, None].copy()}
    x1, s0 = rng.standard_normal((n_in, B)), rng.standard_normal((H, B))

    def y1(f=_sigmoid, bias=1.0, s=s0):
        z1 = f(P["W_in_col"] @ x1 + P["W_col"] @ s + bias * P["b_col"])
        return _sigmoid(P["W_out_col"] @ z1 + bias * P["c_col"])

    out, failed = call(first_output_col, x1.copy(), s0.copy(), {k: v.copy() for k, v in P.items()})
    if failed is not None:
        return failed
    got, bad = _as_array(out)
    if bad is not None:
        return bad
    want = y1()
    if got.shape == (B, n_out):
        return verdict(False, "column form: y_1 has one column per sequence, (n_out, B); yours is (B, n_out)")
    if got.shape != want.shape:
        return verdict(False, f"y_1 should have shape (n_out, B) = {want.shape}, yours has {got.shape}")
    if np.allclose(got, y1(f=np.tanh)):
        return verdict(False, "the model answer uses sigmoid for the hidden layer too: z_1 = sigmoid(...)")
    if np.allclose(got, y1(bias=0.0)):
        return verdict(False, "the model answer includes the biases b and c")
    if np.allclose(got, y1(s=np.zeros_like(s0))):
        return verdict(False, "use the given s0; the term W s_0 counts")
    return verdict(np.allclose(got, want), "z_1 = sigmoid(W_in_col x1 + W_col s0 + b_col), then "
                                           "y_1 = sigmoid(W_out_col z_1 + c_col): matrix first, column vector second")


# ---------------------------------------------------------------- 5. padded batches
def check_last_states(last_states):
    """Exercise 5. ``last_states(Z, lengths)`` -> (B, H): for each sequence b, its state at its own
    last step lengths[b] (1-based), from the hidden states Z (B, T, H) of an end-padded batch."""
    if (m := missing(last_states)) is not None:
        return m
    rng = np.random.default_rng(15)
    B, T, H = 4, 6, 3
    Z = rng.standard_normal((B, T, H))
    lengths = np.array([6, 2, 4, 1])
    want = Z[np.arange(B), lengths - 1]
    try:
        out = last_states(Z.copy(), lengths.copy())
    except IndexError as exc:
        return verdict(False, f"IndexError ({exc}): lengths are 1-based, the state after step L is Z[b, L - 1]")
    except Exception as exc:  # a learner's function may fail in any way
        return raised(exc)
    got, bad = _as_array(out)
    if bad is not None:
        return bad
    if got.shape != want.shape:
        return verdict(False, f"return one state per sequence, (B, H) = {want.shape}; yours is {got.shape}")
    if np.allclose(got, Z[:, -1]):
        return verdict(False, "Z[:, -1] is the state after the padding for the shorter sequences; "
                              "read each sequence at its own length")
    return verdict(np.allclose(got, want), "sequence b ends at step lengths[b], stored at Z[b, lengths[b] - 1] "
                                           "(Z holds z^1..z^T)")


# ---------------------------------------------------------------- 6. how long the memory lasts
def _memory_answers(rho=0.8):
    """(formula, from_eigen, measured) of exercise 6, and the transient's numbers for the hints."""
    from rnnlib.course.ch01.explorer import hidden_trajectories, memory_steps

    res = hidden_trajectories(rho, "tanh", "impulse", T=100, seed=0)
    trace, W, z1 = res["trace"], res["W"], res["Z"][0]
    lam, E = np.linalg.eig(W.T)                   # column i of E: a row vector e with e W = lam[i] e
    parts = np.linalg.solve(E, z1)                # z^1 = sum over i of parts[i] * E[:, i]
    top = np.argmax(np.abs(lam))
    part_top = float(np.linalg.norm(parts[top] * E[:, top]))
    formula = 1 + np.log(0.01) / np.log(rho)
    from_eigen = 1 + np.log(0.01 * trace[0] / part_top) / np.log(rho)
    return formula, from_eigen, memory_steps(trace)


def check_memory(formula, from_eigen, measured):
    """Exercise 6. For tanh, rho = 0.8, an impulse, H = 8, seed 0: the time step at which the trace
    falls below 1 % of trace(1), (a) from 1 + ln 0.01 / ln rho, (b) predicted from the length of the
    part of z^1 along the eigenvalue lambda = rho (section 8's method), (c) measured."""
    if any(a is None for a in (formula, from_eigen, measured)):
        return missing(None)
    want_formula, want_eigen, want_measured = _memory_answers()
    try:
        formula, from_eigen, measured = float(formula), float(from_eigen), float(measured)
    except (TypeError, ValueError):
        return verdict(False, "answer with three numbers")
    if abs(formula - (want_formula - 1)) <= 0.1:
        return verdict(False, "(a) ln 0.01 / ln rho counts the steps after t = 1; the time step is 1 + that")
    if abs(formula - want_formula) > 0.1:
        return verdict(False, "(a) solve trace(1) rho^(t - 1) = 0.01 trace(1) for t: t = 1 + ln 0.01 / ln rho")
    if measured == want_measured - 1:
        return verdict(False, "(c) is one too small: steps are counted from t = 1, array indices from 0")
    if measured != want_measured:
        return verdict(False, "(c) the first t with trace[t - 1] < 0.01 * trace[0], for "
                              "hidden_trajectories(0.8, 'tanh', 'impulse', T=100)['trace']")
    if abs(from_eigen - want_eigen) > 0.1:
        return verdict(False, "(b) split z^1 = Z[0] along the eigenvectors of W as in section 8 and take the "
                              "length p of the part along lambda = 0.8; that part alone is p * rho^(t - 1): "
                              "solve p * rho^(t - 1) = 0.01 * trace(1) for t")
    return verdict(True, "")


# ---------------------------------------------------------------- worked solutions
def solution_3(X, params, z0):
    Z = []
    z = z0
    for t in range(X.shape[1]):
        z = np.tanh(X[:, t] @ params["W_in"] + z @ params["W"] + params["b"])
        Z.append(z)
    Z = np.stack(Z, axis=1)                                   # (B, T, H)
    return Z, _sigmoid(Z @ params["W_out"] + params["c"])     # y^t for every step at once


def solution_4(x1, s0, P):
    z1 = _sigmoid(P["W_in_col"] @ x1 + P["W_col"] @ s0 + P["b_col"])
    return _sigmoid(P["W_out_col"] @ z1 + P["c_col"])


def solution_5(Z, lengths):
    return Z[np.arange(len(Z)), np.asarray(lengths) - 1]


def solution_6():
    from rnnlib.course.ch01.explorer import hidden_trajectories, memory_steps
    rho = 0.8
    res = hidden_trajectories(rho, "tanh", "impulse", T=100, seed=0)
    trace, W, z1 = res["trace"], res["W"], res["Z"][0]
    formula = 1 + np.log(0.01) / np.log(rho)          # (a) as if all of trace(1) shrank by rho per step
    lam, E = np.linalg.eig(W.T)
    parts = np.linalg.solve(E, z1)
    top = np.argmax(np.abs(lam))
    p = np.linalg.norm(parts[top] * E[:, top])         # the part of z^1 that shrinks by rho per step
    from_eigen = 1 + np.log(0.01 * trace[0] / p) / np.log(rho)   # (b) p rho^(t - 1) = 0.01 trace(1)
    measured = memory_steps(trace)                     # (c)
    # (a) 21.6, (b) 17.2, (c) 18: (b) is closer. Why: z^1 is a sum of parts along the eigenvectors of W.
    # The parts along the smaller eigenvalues (|lambda| <= 0.62 here) fade within a few steps (the
    # transient), so what is left after them is only the part along lambda = rho, of length p = 0.53,
    # not trace(1) = 1.42. (a) lets all of 1.42 shrink by rho per step and starts the line too high:
    # it needs ln(1.42 / 0.53) / ln(1 / 0.8), about 4.4, steps more. (b) misses by under one step
    # because tanh is not yet linear in the first steps and the other parts have not quite vanished.
    return formula, from_eigen, measured


SOLUTIONS = {
    1: "nn.RNN(3, 5): W_ih 5*3 + W_hh 5*5 + b_ih 5 + b_hh 5 = 50; nn.Linear(5, 2): 2*5 + 2 = 12; total 62.",
    2: "[x^t, z^{t-1}] is (B, n_in + H) = (4, 19); [W_in; W] is (n_in + H, H) = (19, 16).",
    3: solution_3, 4: solution_4, 5: solution_5, 6: solution_6,
}


def show_solution(n):
    """Print a worked solution of exercise n."""
    if n not in SOLUTIONS:
        raise ValueError(f"exercise n must be one of {sorted(SOLUTIONS)}, got {n!r}")
    s = SOLUTIONS[n]
    print(s if isinstance(s, str) else inspect.getsource(s))
