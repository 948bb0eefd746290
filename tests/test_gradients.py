"""Every gradient of SimpleRNN against central differences, and truncated
BPTT against a direct implementation of its definition."""
import itertools

import numpy as np
import pytest

from rnnlib import SimpleRNN, binary_cross_entropy, squared_error
from rnnlib.activations import HIDDEN_ACTIVATIONS, OUTPUT_ACTIVATIONS, get_activation
from rnnlib.gradcheck import check_gradients, numerical_gradient, relative_error

TOL = 1e-6


def small_problem(seed=0, B=3, T=5, n_in=3, n_out=2):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((B, T, n_in))
    Y = rng.uniform(0.05, 0.95, (B, T, n_out))
    return X, Y


def randomise_biases(model, seed=1):
    """Non-zero biases, so that no ReLU input sits exactly on its kink at 0."""
    rng = np.random.default_rng(seed)
    for name in ("b", "c"):
        model.params[name][...] = rng.uniform(0.1, 0.5, model.params[name].shape)


@pytest.mark.parametrize("activation,output", list(itertools.product(HIDDEN_ACTIVATIONS, OUTPUT_ACTIVATIONS)))
@pytest.mark.parametrize("n_models", [None, 3])
def test_bptt_matches_numerical_gradient(activation, output, n_models):
    X, Y = small_problem()
    model = SimpleRNN(3, 4, 2, activation=activation, output_activation=output,
                      init_std=0.5, seed=7, n_models=n_models)
    randomise_biases(model)
    errors = check_gradients(model, X, Y, squared_error)
    assert set(errors) == {"W_in", "W", "b", "W_out", "c"}
    assert max(errors.values()) < TOL, errors


def test_bptt_with_cross_entropy_and_per_model_inputs():
    X, Y = small_problem(B=2)
    Y = (Y > 0.5).astype(float)
    model = SimpleRNN(3, 4, 2, activation="tanh", init="xavier", seed=3, n_models=2)
    randomise_biases(model)
    X2 = np.stack([X, X[::-1]])  # a different batch for each model
    errors = check_gradients(model, X2, Y, binary_cross_entropy)
    assert max(errors.values()) < TOL, errors


def test_gradient_with_respect_to_inputs_and_h0():
    X, Y = small_problem()
    model = SimpleRNN(3, 4, 2, activation="tanh", init_std=0.5, seed=2)
    h0 = np.random.default_rng(5).standard_normal((3, 4)) * 0.3

    def loss():
        return squared_error(model.forward(X, h0), Y)[0]

    dX = model.backward(squared_error(model.forward(X, h0), Y)[1])
    assert relative_error(dX, numerical_gradient(loss, X)) < TOL
    assert relative_error(model.dh0, numerical_gradient(loss, h0)) < TOL


def test_no_bias_keeps_b_and_c_at_zero():
    X, Y = small_problem()
    model = SimpleRNN(3, 4, 2, activation="sigmoid", seed=0, bias=False)
    errors = check_gradients(model, X, Y, squared_error)
    assert set(errors) == {"W_in", "W", "W_out"} and max(errors.values()) < TOL
    assert not model.grads["b"].any() and not model.grads["c"].any()


def truncated_reference(model, X, dY, k):
    """Truncated BPTT straight from its definition: the error of the output
    at step t is carried back through u^t, ..., u^{t-k+1} and then dropped.
    One model, plain loops, written independently of rnnlib's backward."""
    p = model.params
    f, g = model.f, model.g
    B, T, _ = X.shape
    z = [np.zeros((B, model.n_hidden))]
    u, v = [None], [None]
    for t in range(1, T + 1):
        u.append(X[:, t - 1] @ p["W_in"] + z[t - 1] @ p["W"] + p["b"])
        z.append(f.forward(u[t]))
        v.append(z[t] @ p["W_out"] + p["c"])
    grads = {name: np.zeros_like(a) for name, a in p.items()}
    for t in range(1, T + 1):
        y = g.forward(v[t])
        delta_out = dY[:, t - 1] * g.grad(v[t], y)
        grads["W_out"] += z[t].T @ delta_out
        grads["c"] += delta_out.sum(0)
        error = delta_out @ p["W_out"].T
        for s in range(t, max(0, t - k), -1):
            delta = error * f.grad(u[s], z[s])
            grads["W_in"] += X[:, s - 1].T @ delta
            grads["W"] += z[s - 1].T @ delta
            grads["b"] += delta.sum(0)
            error = delta @ p["W"].T
    return grads


@pytest.mark.parametrize("k", [1, 2, 3, 5, 8])
@pytest.mark.parametrize("activation", HIDDEN_ACTIVATIONS)
def test_truncated_bptt_matches_its_definition(k, activation):
    X, Y = small_problem(T=6)
    model = SimpleRNN(3, 4, 2, activation=activation, init_std=0.7, seed=11)
    randomise_biases(model)
    _, dY = squared_error(model.forward(X), Y)
    model.backward(dY, truncate=k)
    expected = truncated_reference(model, X, dY, k)
    for name in expected:
        assert relative_error(model.grads[name], expected[name]) < 1e-12, name


def test_truncation_longer_than_the_sequence_is_full_bptt():
    X, Y = small_problem(T=4)
    model = SimpleRNN(3, 4, 2, seed=1, n_models=2)
    _, dY = squared_error(model.forward(X), Y)
    model.backward(dY)
    full = {k: g.copy() for k, g in model.grads.items()}
    model.backward(dY, truncate=4)
    for name in full:
        np.testing.assert_allclose(model.grads[name], full[name], rtol=1e-13, atol=1e-15)


def test_truncation_changes_the_recurrent_gradient():
    X, Y = small_problem(T=6)
    model = SimpleRNN(3, 4, 2, activation="tanh", init_std=1.0, seed=4)
    errors = check_gradients(model, X, Y, squared_error, truncate=1)
    assert errors["W"] > 1e-3  # the truncated gradient is biased, and the check sees it
    assert errors["W_out"] < TOL and errors["c"] < TOL  # the output layer is untouched by truncation


def test_activation_derivatives_match_numerical_ones():
    u = np.linspace(-3, 3, 13) + 0.05  # away from relu's kink at 0
    for name in ("sigmoid", "tanh", "relu", "identity"):
        act = get_activation(name)
        z = act.forward(u)
        numeric = (act.forward(u + 1e-6) - act.forward(u - 1e-6)) / 2e-6
        assert relative_error(act.grad(u, z), numeric) < 1e-8, name


def test_format_errors_hides_rounding_noise_and_keeps_real_errors():
    from rnnlib.gradcheck import format_errors
    line = format_errors({"W_in": 1.7e-10, "W": 6.4e-11, "b": 3e-5, "W_out": 0.3449, "c": 1.0})
    assert line == "W_in: < 1e-08  W: < 1e-08  b: < 1e-03  W_out: 0.34  c: 1.0"
    # the same text for any noise level below the threshold
    assert format_errors({"W": 1.6e-10}) == format_errors({"W": 9.9e-9})


@pytest.mark.parametrize("activation", ["tanh", "sigmoid", "relu"])
def test_dX_and_dh0_with_a_random_upstream_gradient(activation):
    """E = sum(G * Y) with a random G: every output gets its own error; z^0 is not zero."""
    X, _ = small_problem()
    model = SimpleRNN(3, 4, 2, activation=activation, init_std=0.5, seed=4)
    randomise_biases(model)
    rng = np.random.default_rng(8)
    G = rng.standard_normal((3, 5, 2))
    h0 = 0.3 * rng.standard_normal((3, 4))
    model.forward(X, h0)
    assert np.min(np.abs(model.last_forward().U)) > 1e-3    # no ReLU input within h of its kink

    def loss():
        return np.sum(G * model.forward(X, h0))

    model.forward(X, h0)
    dX = model.backward(G)
    dh0 = model.dh0.copy()
    assert relative_error(dX, numerical_gradient(loss, X)) < TOL
    assert relative_error(dh0, numerical_gradient(loss, h0)) < TOL
