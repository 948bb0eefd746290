"""Numerical gradient checking: central differences against backprop."""
import numpy as np


def relative_error(a, b):
    """max |a - b| / max(|a| + |b|, tiny): 0 for equal arrays, about 1 for unrelated ones."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return float(np.max(np.abs(a - b)) / max(np.max(np.abs(a) + np.abs(b)), 1e-300))


def numerical_gradient(f, x, h=1e-6):
    """Central-difference gradient of the scalar function f() with respect to
    the array x, which f reads; x is perturbed in place and restored."""
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        f_plus = f()
        x[i] = old - h
        f_minus = f()
        x[i] = old
        grad[i] = (f_plus - f_minus) / (2 * h)
    return grad


def check_gradients(model, X, D, loss, truncate=None, h=1e-6):
    """Compare ``model.backward`` with central differences, for every parameter.

    model : a SimpleRNN (one model, or several: their losses are summed);
    X, D  : inputs and targets; loss : e.g. ``rnnlib.losses.squared_error``.
    Returns {name: relative error}. Below 1e-6 (the course's one threshold, for h = 1e-6: notebook 02
    plots error against h) the gradient is right at this point; a wrong one gives 1e-2 or more.
    With ``truncate`` the backprop gradient is truncated but the numerical one is
    not, so the errors then measure the bias that truncation introduces.
    """
    def total_loss():
        return float(np.sum(loss(model.forward(X), D)[0]))

    _, dY = loss(model.forward(X), D)
    model.backward(dY, truncate=truncate)
    analytic = {k: g.copy() for k, g in model.grads.items()}
    errors = {}
    for name, p in model.params.items():
        if not model.bias and name in ("b", "c"):
            continue
        errors[name] = relative_error(analytic[name], numerical_gradient(total_loss, p, h))
    return errors


def format_errors(errors, tiny=1e-8):
    """One line, e.g. "W_in: < 1e-08  W: < 1e-08  ...  c: 0.34", the same on every CPU.

    A correct gradient's relative error is rounding noise (1e-11 to 1e-9 here),
    whose digits change with the CPU's vector units and BLAS kernel, so it is
    printed only as "< tiny". A wrong gradient's error (above 1e-3 in every bug
    the course shows) is a real difference, stable to two significant digits.
    Anything in between is printed as its bound, "< 1e-03".
    """
    def one(e):
        if e < tiny:
            return f"< {tiny:.0e}"
        if e < 1e-3:
            return "< 1e-03"
        return f"{e:#.2g}"
    return "  ".join(f"{k}: {one(e)}" for k, e in errors.items())
