"""The bug clinic of notebook 02: classic RNN mistakes, made on purpose.

Each bug is a short function with the mistake in plain sight. A backward
bug is a function ``backward(model, dY)`` that fills ``model.grads`` as
``SimpleRNN.backward`` does, but wrongly; ``attach_backward`` makes a model
use it, so that ``rnnlib.gradcheck.check_gradients`` can catch it. They work
on one model (no ``n_models``), batch-first, in the course's notation:

    u^t = x^t W_in + z^{t-1} W + b,  z^t = f(u^t),  v^t = z^t W_out + c,  y^t = g(v^t)

The right backward, written the same way, is ``correct_backward``.
"""
import numpy as np

from rnnlib.activations import Activation, sigmoid


def saved_forward(model):
    """What the last ``model.forward`` computed, batch-first, for one model.

    Returns X (B, T, n_in), Z0 = z^0..z^T (B, T+1, H), fprime = f'(u^t) (B, T, H),
    and a function delta_out(dY) -> dE/dv^t (B, T, n_out).
    """
    if model.n_models is not None:
        raise ValueError("the bug clinic works on one model: build it without n_models")
    X, U, Z0, V, Y = model.last_forward()
    fprime = model.f.grad(U, Z0[:, 1:])

    def delta_out(dY):
        return dY * model.g.grad(V, Y)

    return X, Z0, fprime, delta_out


def bptt(model, dY, back_through="W", state_for_W=0):
    """Full BPTT, the loop of notebook 02, with the two places where a bug below hides as arguments.

    back_through : the matrix that carries delta^t back to z^{t-1}: "W" (right).
    state_for_W : 0 puts z^{t-1} into dE/dW = sum_t [z^{t-1}]^T delta^t (right); 1 puts z^t there.
    """
    p, g = model.params, model.grads
    X, Z0, fprime, delta_out = saved_forward(model)
    dV = delta_out(dY)
    for k in g:
        g[k][...] = 0.0
    delta_next = np.zeros_like(Z0[:, 0])                 # delta^{T+1} = 0
    for t in reversed(range(X.shape[1])):                # index t holds step t+1
        delta = (delta_next @ p[back_through].T + dV[:, t] @ p["W_out"].T) * fprime[:, t]
        g["W_in"] += X[:, t].T @ delta
        g["W"] += Z0[:, t + state_for_W].T @ delta       # Z0[:, t] is z^{t-1} for step t+1
        g["b"] += delta.sum(axis=0)
        g["W_out"] += Z0[:, t + 1].T @ dV[:, t]
        g["c"] += dV[:, t].sum(axis=0)
        delta_next = delta


def correct_backward(model, dY):
    """Full BPTT, the loop of notebook 02 (no bug): for comparison with the bugs below."""
    bptt(model, dY)


def backward_swapped(model, dY):
    """BUG (the generated-cell blog post): the input and recurrent paths swapped.

    The post's cell returns ``dx = Wh^T da`` and ``dh_prev = Wx^T da``: the
    error sent back to the previous hidden state goes through the input
    weights. Here: delta^t W_in^T where delta^t W^T belongs. In the post the
    shapes do not even fit: it builds ``SimpleRNNCell(seq_length, hidden_size)``
    = (5, 10), so ``dx`` comes out (10, 1) for an x of (5, 1) and ``dh_prev``
    (5, 1) for an h of (10, 1). Nothing crashed because both results are
    thrown away. This function uses the swapped path for real, which needs
    n_in == n_hidden.
    """
    if model.n_in != model.n_hidden:
        raise ValueError(f"this bug only runs when n_in == n_hidden (delta W_in^T must be (B, H)), "
                         f"got n_in={model.n_in}, n_hidden={model.n_hidden}")
    bptt(model, dY, back_through="W_in")                # BUG: delta^t W_in^T where delta^t W^T belongs


def backward_last_step_only(model, dY):
    """BUG (the generated-cell blog post): backpropagation at the last step only, not through time.

    The post's cell keeps only the last step's input and previous state and
    computes its gradients from them alone: delta^T = delta_out^T W_out^T * f'(u^T),
    and dE/dW_in = [x^T]^T delta^T, dE/dW = [z^{T-1}]^T delta^T, dE/db = delta^T.
    Nothing flows back to the earlier steps, even when the loss is only at the last step.
    """
    p, g = model.params, model.grads
    X, Z0, fprime, delta_out = saved_forward(model)
    dV = delta_out(dY)
    delta = (dV[:, -1] @ p["W_out"].T) * fprime[:, -1]  # BUG: the last step only
    g["W_in"][...] = X[:, -1].T @ delta
    g["W"][...] = Z0[:, -2].T @ delta
    g["b"][...] = delta.sum(axis=0)
    g["W_out"][...] = Z0[:, -1].T @ dV[:, -1]
    g["c"][...] = dV[:, -1].sum(axis=0)


def backward_wrong_state(model, dY):
    """BUG (an exercise of notebook 02, from no source): dE/dW uses z^t where z^{t-1} belongs.

    An off-by-one in time: u^t = ... + z^{t-1} W, so dE/dW = sum_t [z^{t-1}]^T delta^t.
    """
    bptt(model, dY, state_for_W=1)                      # BUG: z^t, not z^{t-1}


def attach_backward(model, backward):
    """Make ``model.backward(dY)`` call ``backward(model, dY)``; returns the model.

    (Only this one object changes; ``truncate`` is not supported by the bugs.)
    """
    def patched(dY, truncate=None):                      # the bugs never compute dX or dh0
        if truncate is not None:
            raise ValueError("the bug clinic's backward functions do not truncate")
        backward(model, np.asarray(dY, dtype=float))

    model.backward = patched
    return model


def carry_hidden_state(model):
    """BUG (the generated-cell blog post): the hidden state is never reset between sequences.

    The post's training loop starts every epoch from the h_t the previous
    epoch ended with. Here ``model.forward(X)`` starts each call from the
    last hidden state of the previous call instead of z^0 = 0, so the same X
    gives a different output every time. Returns the model.
    """
    plain_forward = model.forward
    state = {"z": None}

    def forward(X, h0=None):
        z0 = state["z"] if state["z"] is not None and state["z"].shape[0] == np.shape(X)[0] else None
        Y = plain_forward(X, h0=z0)                       # BUG: z^0 = last call's z^T
        state["z"] = model.hidden[:, -1].copy()
        return Y

    model.forward = forward
    return model


# ----------------------------------------- the lecture code's output-derivative bug
# The output-derivative bug of the E-qualification course's adder code, for study.
#
# That code (not quoted in the E-qualification lecture notes; public copies
# of its simple-RNN exercise have it) computes the output delta as
# ``delta_out[:,t] = functions.d_mean_squared_error(dd, y[:,t]) * functions.d_sigmoid(y[:,t])``: it applies the sigmoid's derivative,
# ``sigmoid(a) (1 - sigmoid(a))``, to y, which is already the sigmoid output.
# The true factor is ``sigmoid'(v) = y (1 - y)``. The buggy factor lies between
# 0.20 and 0.25 for every y in [0, 1], so it never vanishes when the output
# saturates, and it is not the derivative of anything the network computes.
#
# ``LECTURE_SIGMOID`` is a sigmoid output activation with that wrong
# derivative: set ``model.g = LECTURE_SIGMOID`` to train as the lecture did.
def _buggy_grad(v, y):
    s = sigmoid(y)  # the bug: sigmoid applied a second time
    return s * (1.0 - s)


LECTURE_SIGMOID = Activation("sigmoid with the lecture's d_sigmoid(y) bug", sigmoid, _buggy_grad)
