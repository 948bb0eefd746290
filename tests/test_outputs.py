"""Softmax outputs, cross-entropy and many-to-one (last-step) losses: values, gradients, bad input."""
import numpy as np
import pytest

from rnnlib import SimpleRNN, cross_entropy, last_step, squared_error
from rnnlib.activations import ACTIVATIONS, softmax, softmax_vjp
from rnnlib.gradcheck import check_gradients, numerical_gradient


def one_hot(labels, n):
    return np.eye(n)[labels]


def test_softmax_is_a_distribution_for_any_logits():
    v = np.array([[1000.0, 0.0, -1000.0], [1.0, 2.0, 3.0], [-800.0, -800.0, -800.0]])
    y = softmax(v)
    assert np.all(np.isfinite(y)) and np.allclose(y.sum(axis=-1), 1.0)
    np.testing.assert_allclose(y[1], np.exp([1, 2, 3]) / np.exp([1, 2, 3]).sum())
    np.testing.assert_allclose(y[2], 1 / 3)


def test_softmax_vjp_equals_the_numerical_jacobian_product():
    rng = np.random.default_rng(0)
    v, dy = rng.standard_normal((4, 5)), rng.standard_normal((4, 5))
    numeric = numerical_gradient(lambda: float(np.sum(softmax(v) * dy)), v)
    np.testing.assert_allclose(softmax_vjp(v, softmax(v), dy), numeric, atol=1e-8)


def test_elementwise_vjp_is_the_product_with_the_derivative_bit_for_bit():
    rng = np.random.default_rng(1)
    u, dz = rng.standard_normal((3, 4)), rng.standard_normal((3, 4))
    for name in ("sigmoid", "tanh", "relu", "identity"):
        f = ACTIVATIONS[name]
        z = f.forward(u)
        np.testing.assert_array_equal(f.vjp(u, z, dz), dz * f.grad(u, z))


def test_cross_entropy_value_and_softmax_gradient():
    rng = np.random.default_rng(2)
    V = rng.standard_normal((3, 4, 5))                 # (B, T, classes)
    D = one_hot(rng.integers(0, 5, (3, 4)), 5)
    Y = softmax(V)
    loss, dY = cross_entropy(Y, D)
    assert loss == pytest.approx(-np.sum(D * np.log(Y)) / 3)
    np.testing.assert_allclose(softmax_vjp(V, Y, dY), (Y - D) / 3, atol=1e-12)   # dE/dv = (y - d) / B
    assert np.isfinite(cross_entropy(softmax(np.array([[[1000.0, -1000.0]]])), np.array([[[0.0, 1.0]]]))[0])
    with pytest.raises(ValueError, match="targets D >= 0"):
        cross_entropy(Y, -D)
    with pytest.raises(ValueError, match="targets must have the shape"):
        cross_entropy(Y, D[:, :, :3])


@pytest.mark.parametrize("n_models", [None, 3])
def test_softmax_rnn_gradients_check(n_models):
    rng = np.random.default_rng(3)
    model = SimpleRNN(4, 6, 5, activation="tanh", output_activation="softmax", init="xavier", seed=0,
                      n_models=n_models)
    X = rng.standard_normal((2, 7, 4))
    D = one_hot(rng.integers(0, 5, (2, 7)), 5)
    errors = check_gradients(model, X, D, cross_entropy)
    assert max(errors.values()) < 1e-6, errors


@pytest.mark.parametrize("loss, out", [(squared_error, "identity"), (cross_entropy, "softmax")])
def test_many_to_one_reads_the_last_step_only(loss, out):
    rng = np.random.default_rng(4)
    model = SimpleRNN(3, 6, 4, activation="tanh", output_activation=out, init="xavier", seed=1)
    X = rng.standard_normal((5, 9, 3))
    D = one_hot(rng.integers(0, 4, 5), 4)                 # one target per sequence: (B, n_out)
    on_last = last_step(loss)
    value, dY = on_last(model.forward(X), D)
    assert value == pytest.approx(loss(model.forward(X)[:, -1:, :], D[:, None, :])[0])
    assert np.all(dY[:, :-1, :] == 0) and np.any(dY[:, -1, :] != 0)
    errors = check_gradients(model, X, D, on_last)
    assert max(errors.values()) < 1e-6, errors
    assert on_last.__name__ == f"last_step({loss.__name__})"
    with pytest.raises(ValueError, match="last_step targets must have shape"):
        on_last(model.forward(X), D[:, None, :])
