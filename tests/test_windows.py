"""rnnlib.train.train_stream: truncated BPTT on consecutive windows of a long stream,
the hidden state carried forward as a constant (d2l's detach, DLFS2's stateful TimeRNN)."""
import numpy as np
import pytest

from rnnlib import SGD, SimpleRNN, squared_error
from rnnlib.gradcheck import numerical_gradient, relative_error
from rnnlib.train import train_stream

NAMES = ("W_in", "W", "b", "W_out", "c")


def stream(seed=0, B=2, T_total=12, n_in=3, n_out=2):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((B, T_total, n_in)), rng.uniform(0.1, 0.9, (B, T_total, n_out))


def model_(n_models=None, seed=4):
    m = SimpleRNN(3, 5, 2, activation="tanh", output_activation="sigmoid", init_std=0.6,
                  seed=seed, n_models=n_models)
    m.params["b"][...] = 0.2
    m.params["c"][...] = -0.1
    return m


class Recorder:
    """An optimizer that changes nothing and keeps a copy of every gradient it is given."""

    def __init__(self):
        self.grads = []

    def step(self, params, grads):
        self.grads.append({k: g.copy() for k, g in grads.items()})


def test_window_of_the_whole_stream_is_one_full_bptt_step():
    X, D = stream()
    a, b = model_(), model_()
    h = train_stream(a, squared_error, X, D, window=X.shape[1], optimizer=SGD(0.3))
    _, dY = squared_error(b.forward(X), D)
    b.backward(dY)
    SGD(0.3).step(b.params, b.grads)
    assert h.steps == 1
    for k in NAMES:
        np.testing.assert_allclose(a.params[k], b.params[k], rtol=0, atol=1e-14)


@pytest.mark.parametrize("window", [1, 3, 5, 12])
def test_carried_state_is_the_state_of_one_long_forward(window):
    X, D = stream()
    m = model_()
    h = train_stream(m, squared_error, X, D, window=window, optimizer=Recorder())
    reference = model_()
    Y = reference.forward(X)
    np.testing.assert_allclose(h.state, reference.hidden[:, -1], rtol=0, atol=1e-13)
    # the window losses add up to the loss of the whole stream (summed over steps, mean over B)
    assert abs(h.loss.sum() - squared_error(Y, D)[0]) < 1e-12
    assert h.steps == -(-X.shape[1] // window)
    np.testing.assert_array_equal(h.window_starts, np.arange(0, X.shape[1], window))


def test_window_gradient_is_the_gradient_of_the_window_loss_with_the_state_held_constant():
    X, D = stream(T_total=10)
    m, rec = model_(), Recorder()
    train_stream(m, squared_error, X, D, window=4, optimizer=rec)   # windows 0-3, 4-7, 8-9
    long = model_()
    long.forward(X)
    Z = long.hidden
    for j, s in enumerate((0, 4, 8)):
        h0 = np.zeros((2, 5)) if s == 0 else Z[:, s - 1].copy()   # a constant: not a function of params
        Xw, Dw = X[:, s:s + 4], D[:, s:s + 4]
        probe = model_()

        def window_loss():
            return squared_error(probe.forward(Xw, h0=h0), Dw)[0]

        for k in NAMES:
            numeric = numerical_gradient(window_loss, probe.params[k])
            assert relative_error(rec.grads[j][k], numeric) < 1e-6, (j, k)


def test_the_gradient_does_not_cross_a_window_boundary():
    X, D = stream()
    m, rec = model_(), Recorder()
    train_stream(m, squared_error, X, D, window=4, optimizer=rec)
    full = model_()
    full.backward(squared_error(full.forward(X), D)[1])
    summed = {k: sum(g[k] for g in rec.grads) for k in NAMES}
    for k in ("W_out", "c"):                                 # no path through time: unchanged
        np.testing.assert_allclose(summed[k], full.grads[k], rtol=0, atol=1e-13)
    for k in ("W_in", "W", "b"):                              # the cross-window paths are dropped
        assert relative_error(summed[k], full.grads[k]) > 1e-3


def test_state_is_reset_at_every_epoch_and_training_reduces_the_loss():
    X, D = stream(T_total=30)
    m = model_()
    h = train_stream(m, squared_error, X, D, window=5, optimizer=SGD(0.5), epochs=40)
    per_epoch = h.loss.reshape(40, -1).sum(axis=1)
    assert h.loss.shape == (240,)
    assert per_epoch[-1] < 0.7 * per_epoch[0]


def test_works_with_n_models_like_separate_models():
    X, D = stream()
    E = 3
    ens = model_(n_models=E, seed=10)
    h = train_stream(ens, squared_error, X, D, window=5, optimizer=SGD(0.2), epochs=2)
    assert h.loss.shape == (6, E) and h.state.shape == (E, 2, 5)
    for e in range(E):
        one = model_(seed=10 + e)
        h1 = train_stream(one, squared_error, X, D, window=5, optimizer=SGD(0.2), epochs=2)
        np.testing.assert_allclose(h.loss[:, e], h1.loss, rtol=0, atol=1e-12)
        for k in NAMES:
            np.testing.assert_allclose(ens.params[k][e], one.params[k], rtol=0, atol=1e-12)


def test_per_model_streams_and_an_initial_state():
    X, D = stream()
    X2, D2 = np.stack([X, X[:, ::-1]]), np.stack([D, D[:, ::-1]])
    m = model_(n_models=2)
    h0 = np.full((2, 2, 5), 0.1)
    rec = Recorder()
    h = train_stream(m, squared_error, X2, D2, window=12, optimizer=rec, h0=h0)
    ref = model_(n_models=2)
    ref.forward(X2, h0=h0)
    np.testing.assert_allclose(h.state, ref.hidden[..., -1, :], rtol=0, atol=1e-13)


def test_a_diverging_model_is_frozen_and_the_others_go_on():
    X, D = stream()
    m = model_(n_models=2)
    m.params["W_out"][1] = np.inf
    frozen = m.params["W"][1].copy()
    h = train_stream(m, squared_error, X, D, window=4, optimizer=SGD(0.1), epochs=2)
    np.testing.assert_array_equal(h.diverged_at, [-1, 1])
    assert h.steps == 6 and np.ma.count_masked(h.loss[:, 0]) == 0
    np.testing.assert_array_equal(m.params["W"][1], frozen)
    assert np.all(np.isfinite(m.params["W"][0]))


@pytest.mark.parametrize("kwargs,match", [
    (dict(window=0), "window must be a positive integer"),
    (dict(window=2.5), "window must be a positive integer"),
    (dict(window=13), "at most the stream's length"),
    (dict(window=3, epochs=0), "epochs must be a positive integer"),
    (dict(window=3, h0=np.zeros((2, 4))), "h0 must have shape"),
])
def test_bad_arguments_raise_clear_errors(kwargs, match):
    X, D = stream()
    with pytest.raises(ValueError, match=match):
        train_stream(model_(), squared_error, X, D, optimizer=SGD(0.1), **kwargs)


def test_bad_streams_raise_clear_errors():
    X, D = stream()
    m = model_()
    with pytest.raises(ValueError, match="stream X must have shape"):
        train_stream(m, squared_error, X[0], D, 3, SGD(0.1))
    with pytest.raises(ValueError, match="stream X must have shape"):
        train_stream(m, squared_error, X[..., :2], D, 3, SGD(0.1))
    with pytest.raises(ValueError, match="targets D must have shape"):
        train_stream(m, squared_error, X, D[:, :-1], 3, SGD(0.1))
    bad = X.copy()
    bad[0, 0, 0] = np.nan
    with pytest.raises(ValueError, match="finite"):
        train_stream(m, squared_error, bad, D, 3, SGD(0.1))
    with pytest.raises(ValueError, match="M=2 first"):
        train_stream(model_(n_models=2), squared_error, np.stack([X] * 3), D, 3, SGD(0.1))


def test_an_evaluation_does_not_change_the_carried_state():
    """An evaluate hook that runs the model on other data (another batch size) between windows
    must not leak into the state carried to the next window."""
    X, D = stream()
    other = np.random.default_rng(9).standard_normal((5,) + X.shape[-2:])
    plain, probed = model_(), model_()
    h1 = train_stream(plain, squared_error, X, D, 4, SGD(0.1), epochs=2)
    h2 = train_stream(probed, squared_error, X, D, 4, SGD(0.1), epochs=2, eval_every=1,
                      evaluate=lambda m: {"y": m.forward(other).mean()})
    np.testing.assert_array_equal(h1.loss, h2.loss)
    np.testing.assert_array_equal(h1.state, h2.state)
