"""Self-checks for the exercises of notebook 02 (backpropagation through time).

Each check prints 'Correct.' or 'Not yet: <hint>' and returns True or False.
"""
import numpy as np

from rnnlib.course.checking import missing, raised, verdict

PARAMS = ("W_in", "W", "b", "W_out", "c")


def check_chain_rule(dz_dx):
    """Exercise 1. z = t sin t with t = x y: ``dz_dx(x, y)`` should return dz/dx. Checked against
    a central difference (h = 1e-6) at five random points."""
    if (m := missing(dz_dx)) is not None:
        return m
    rng = np.random.default_rng(0)
    points = rng.uniform(-2, 2, (5, 2))
    h = 1e-6

    def z(x, y):
        t = x * y
        return t * np.sin(t)

    try:
        ok = all(np.isclose(float(dz_dx(x, y)), (z(x + h, y) - z(x - h, y)) / (2 * h), rtol=1e-5, atol=1e-7)
                 for x, y in points)
    except Exception as exc:
        return raised(exc)
    return verdict(ok, "dz/dx = dz/dt * dt/dx: dz/dt for z = t sin t needs the product rule; dt/dx for t = x y is y")


def check_gradient_shapes(shapes, n_in=2, n_hidden=16, n_out=1):
    """Exercise 2. ``shapes``: {name: shape tuple} of the five gradients of one model."""
    if (m := missing(shapes)) is not None:
        return m
    want = {"W_in": (n_in, n_hidden), "W": (n_hidden, n_hidden), "b": (n_hidden,),
            "W_out": (n_hidden, n_out), "c": (n_out,)}
    if set(shapes) != set(want):
        return verdict(False, f"give one shape for each of {', '.join(PARAMS)}")
    wrong = [k for k in PARAMS if tuple(shapes[k]) != want[k]]
    return verdict(not wrong, f"check {', '.join(wrong)}: a gradient dE/dP always has the shape of P itself")


def check_delta_step(delta_step):
    """Exercise 3. An RNN with u^t = x^t W_in + z^{t-1} W + z^{t-2} W2 + b:
    ``delta_step(delta_next, delta_next2, delta_out, fprime, W, W2, W_out)`` -> delta^t, all (B, .) arrays."""
    if (m := missing(delta_step)) is not None:
        return m
    rng = np.random.default_rng(1)
    B, H, n_out = 3, 5, 2
    delta_next, delta_next2 = rng.standard_normal((B, H)), rng.standard_normal((B, H))
    fprime, delta_out = rng.uniform(0, 1, (B, H)), rng.standard_normal((B, n_out))
    W, W2, W_out = rng.standard_normal((H, H)), rng.standard_normal((H, H)), rng.standard_normal((H, n_out))
    want = (delta_next @ W.T + delta_next2 @ W2.T + delta_out @ W_out.T) * fprime
    try:
        got = np.asarray(delta_step(delta_next, delta_next2, delta_out, fprime, W, W2, W_out), dtype=float)
    except Exception as exc:
        return raised(exc)
    ok = got.shape == want.shape and np.allclose(got, want)
    hint = ("z^t now reaches the loss by three paths: the output through W_out, u^{t+1} through W and "
            "u^{t+2} through W2; transpose each weight, add the three errors, then multiply by f'(u^t)")
    return verdict(ok, hint)


def check_vanishing_threshold(sigma_max):
    """Exercise 4. The largest sigma_max(W) for which the bound guarantees vanishing with sigmoid."""
    if (m := missing(sigma_max)) is not None:
        return m
    return verdict(np.isclose(float(sigma_max), 4.0),
                   "the bound is (gamma sigma_max)^k; it shrinks when gamma sigma_max < 1; gamma = max sigmoid' = 1/4")


def check_clip(clip_by_norm):
    """Exercise 5. ``clip_by_norm(grads, max_norm)`` -> a new dict, rescaled to norm max_norm if larger."""
    if (m := missing(clip_by_norm)) is not None:
        return m
    rng = np.random.default_rng(2)
    grads = {"W": rng.standard_normal((3, 3)), "b": rng.standard_normal(3)}
    norm = np.sqrt(sum(np.sum(g * g) for g in grads.values()))
    try:
        ok = True
        for max_norm in (norm / 4, norm * 2):
            got = clip_by_norm({k: g.copy() for k, g in grads.items()}, max_norm)
            scale = min(1.0, max_norm / norm)
            ok &= set(got) == set(grads) and all(np.allclose(got[k], scale * grads[k]) for k in grads)
    except Exception as exc:
        return raised(exc)
    return verdict(ok, "take the norm of ALL gradients together; if it exceeds max_norm, multiply every "
                       "gradient by max_norm / norm; otherwise leave them as they are")


def check_mystery_bug(parameter):
    """Exercise 6. Which parameter's gradient does ``rnnlib.course.ch02.bugs.backward_wrong_state`` get wrong?"""
    if (m := missing(parameter)) is not None:
        return m
    return verdict(parameter == "W", "attach it to a model with rnnlib.course.ch02.bugs.attach_backward and run "
                                     "check_gradients: which relative error is large? (answer with the name, e.g. 'b')")


def truncation_k_answer(radius=0.75, threshold=1e-2):
    """The answer of exercise 7: the smallest truncation length k of the per-output scheme
    whose bias is below ``threshold``, in the setting of notebook 02, section 5 (tanh,
    H = 16, Xavier init seed 0, W rescaled to ``radius``, 8 random sequences of T = 30
    steps and random targets, data seed 0)."""
    from rnnlib import SimpleRNN, squared_error
    from rnnlib.course.ch02.gradflow import truncation_bias
    from rnnlib.init import set_spectral_radius

    rng = np.random.default_rng(0)
    X = rng.standard_normal((8, 30, 3))
    D = rng.uniform(0.1, 0.9, (8, 30, 2))
    model = SimpleRNN(3, 16, 2, activation="tanh", init="xavier", seed=0)
    set_spectral_radius(model, radius)
    _, dY = squared_error(model.forward(X), D)
    ks = np.arange(1, 31)
    bias = truncation_bias(model, X, dY, ks)
    return int(ks[np.argmax(bias < threshold)])


def check_truncation_k(k):
    """Exercise 7. The smallest k with per-output truncation bias below 1 % at spectral radius 0.75."""
    if (m := missing(k)) is not None:
        return m
    want = truncation_k_answer()
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)):
        return verdict(False, "answer with one whole number k")
    hint = ("build the model of section 5 with set_spectral_radius(m, 0.75), compute "
            "truncation_bias(m, X_tr, dY, range(1, 31)) and take the first k whose bias is below 0.01")
    if k > want:
        hint = "a smaller k already reaches 1 %: " + hint
    elif k < want:
        hint = "at that k the bias is still above 1 %: " + hint
    return verdict(k == want, hint)
