"""Shapes, ensembles, reproducibility and clear errors of SimpleRNN."""
import numpy as np
import pytest

from rnnlib import SGD, SimpleRNN, squared_error
from rnnlib.data import binary_addition

SHAPES = {"W_in": (2, 5), "W": (5, 5), "b": (5,), "W_out": (5, 1), "c": (1,)}


def test_shapes_of_one_model():
    model = SimpleRNN(2, 5, 1)
    assert {k: v.shape for k, v in model.params.items()} == SHAPES
    X, T = binary_addition(4, 8, 0)
    Y = model.forward(X)
    assert Y.shape == (4, 8, 1) and model.hidden.shape == (4, 8, 5)
    dX = model.backward(squared_error(Y, T)[1])
    assert dX.shape == X.shape
    assert {k: v.shape for k, v in model.grads.items()} == SHAPES


@pytest.mark.parametrize("shared", [True, False])
def test_shapes_of_an_ensemble(shared):
    model = SimpleRNN(2, 5, 1, n_models=3)
    assert {k: v.shape for k, v in model.params.items()} == {k: (3,) + s for k, s in SHAPES.items()}
    X, T = binary_addition(4, 8, 0)
    if not shared:
        X = np.stack([X] * 3)
    Y = model.forward(X)
    assert Y.shape == (3, 4, 8, 1) and model.hidden.shape == (3, 4, 8, 5)
    dX = model.backward(squared_error(Y, T)[1])
    assert dX.shape == X.shape
    assert {k: v.shape for k, v in model.grads.items()} == {k: (3,) + s for k, s in SHAPES.items()}


@pytest.mark.parametrize("n_models", [None, 3])
@pytest.mark.parametrize("batch", [1, 4])
@pytest.mark.parametrize("output", ["sigmoid", "identity"])
def test_no_returned_array_aliases_the_model_state(n_models, batch, output):
    """Scribbling on everything forward and backward hand out (and on the X passed in)
    leaves the next backward's gradients as they were."""
    model = SimpleRNN(2, 5, 1, output_activation=output, n_models=n_models, seed=4)
    X, T = binary_addition(batch, 8, 1)
    Y = model.forward(X)
    dY = squared_error(Y, T)[1]
    model.backward(dY)
    expected = {k: g.copy() for k, g in model.grads.items()}
    handed_out = [X, Y, model.hidden, *model.last_forward(), model.backward(dY), model.dh0]
    for A in handed_out:
        A *= 0.5
    model.backward(dY)
    for k in expected:
        np.testing.assert_array_equal(model.grads[k], expected[k])


def test_last_forward_is_the_forward_pass_batch_first():
    model = SimpleRNN(2, 5, 1, n_models=3, seed=1)
    X, _ = binary_addition(4, 8, 1)
    Y = model.forward(X)
    f = model.last_forward()
    assert f.X.shape == (4, 8, 2) and f.U.shape == (3, 4, 8, 5) and f.Z.shape == (3, 4, 9, 5)
    np.testing.assert_array_equal(f.Y, Y)
    np.testing.assert_array_equal(f.Z[..., 1:, :], model.hidden)
    np.testing.assert_array_equal(f.Z[..., 0, :], 0.0)
    np.testing.assert_allclose(f.Z[..., 1:, :], np.tanh(f.U))
    with pytest.raises(ValueError, match="forward pass first"):
        SimpleRNN(2, 5, 1).last_forward()


def test_hidden_state_follows_the_forward_equations():
    model = SimpleRNN(2, 3, 1, activation="tanh", seed=2)
    X, _ = binary_addition(2, 4, 1)
    model.forward(X)
    p, z = model.params, np.zeros((2, 3))
    for t in range(4):
        z = np.tanh(X[:, t] @ p["W_in"] + z @ p["W"] + p["b"])
        np.testing.assert_allclose(model.hidden[:, t], z, rtol=1e-14)


def test_params_are_the_arrays_the_model_computes_with():
    model = SimpleRNN(2, 3, 1, seed=0)
    X, _ = binary_addition(2, 4, 1)
    before = model.forward(X).copy()
    model.params["W_out"][...] = 0.0
    model.params["c"][...] = 0.0
    np.testing.assert_allclose(model.forward(X), 0.5)
    assert not np.allclose(before, 0.5)


def test_ensemble_member_equals_single_model():
    seeds = [4, 9, 1]
    ens = SimpleRNN(2, 6, 1, activation="tanh", init="xavier", seed=seeds, n_models=3)
    X, T = binary_addition(5, 8, 3)
    Y = ens.forward(X)
    ens.backward(squared_error(Y, T)[1])
    for e, s in enumerate(seeds):
        one = SimpleRNN(2, 6, 1, activation="tanh", init="xavier", seed=s)
        for k in one.params:
            np.testing.assert_array_equal(ens.params[k][e], one.params[k])
        y = one.forward(X)
        one.backward(squared_error(y, T)[1])
        np.testing.assert_allclose(Y[e], y, rtol=1e-13)
        for k in one.grads:
            np.testing.assert_allclose(ens.grads[k][e], one.grads[k], rtol=1e-12, atol=1e-15)


def test_integer_seed_gives_consecutive_member_seeds():
    ens = SimpleRNN(2, 4, 1, seed=10, n_models=3)
    assert ens.seeds == [10, 11, 12]
    np.testing.assert_array_equal(ens.params["W"][2], SimpleRNN(2, 4, 1, seed=12).params["W"])


def train_a_little(seed):
    model = SimpleRNN(2, 8, 1, seed=seed, n_models=2)
    rng = np.random.default_rng(seed)
    opt = SGD(0.5)
    for _ in range(20):
        X, T = binary_addition(4, 8, rng)
        model.backward(squared_error(model.forward(X), T)[1])
        opt.step(model.params, model.grads)
    return model.params


def test_same_seed_same_numbers_and_no_global_random_state():
    state = np.random.get_state()[1].copy()
    a, b, c = train_a_little(3), train_a_little(3), train_a_little(4)
    for k in a:
        np.testing.assert_array_equal(a[k], b[k])
    assert not np.allclose(a["W"], c["W"])
    np.testing.assert_array_equal(np.random.get_state()[1], state)


@pytest.mark.parametrize("init", ["normal", "xavier", "he", "identity", "orthogonal"])
def test_initialisers(init):
    model = SimpleRNN(2, 64, 1, init=init, init_std=1.0, seed=0)
    W = model.params["W"]
    if init == "identity":
        np.testing.assert_array_equal(W, np.eye(64))
    elif init == "orthogonal":
        np.testing.assert_allclose(W @ W.T, np.eye(64), atol=1e-12)
    else:
        expected = {"normal": 1.0, "xavier": 1 / 8, "he": np.sqrt(2) / 8}[init]
        assert abs(W.std() / expected - 1) < 0.05
    assert not model.params["b"].any() and not model.params["c"].any()


def test_init_std_scales_normal_weights():
    small = SimpleRNN(2, 64, 1, init_std=0.1, seed=0).params["W"]
    big = SimpleRNN(2, 64, 1, init_std=10.0, seed=0).params["W"]
    np.testing.assert_allclose(big, 100 * small)


# ---------------------------------------------------------------- errors
def message(exc_info):
    return str(exc_info.value)


@pytest.mark.parametrize("kwargs,words", [
    (dict(activation="softplus"), ["softplus", "'sigmoid'", "'tanh'", "'relu'"]),
    (dict(output_activation="relu"), ["relu", "'sigmoid'", "'identity'"]),
    (dict(init="glorot"), ["glorot", "'normal'", "'xavier'", "'he'", "'identity'", "'orthogonal'"]),
    (dict(n_models=0), ["n_models", "0"]),
    (dict(init_std=float("nan")), ["init_std"]),
    (dict(seed=[1, 2], n_models=3), ["3 seeds", "got 2"]),
])
def test_bad_constructor_arguments(kwargs, words):
    with pytest.raises(ValueError) as info:
        SimpleRNN(2, 4, 1, **kwargs)
    for w in words:
        assert w in message(info)


@pytest.mark.parametrize("X,n_models,words", [
    (np.zeros((8, 2)), None, ["(B, T, n_in)", "(8, 2)"]),
    (np.zeros((3, 4, 8, 2)), None, ["(B, T, n_in)", "(3, 4, 8, 2)"]),
    (np.zeros((4, 8, 3)), None, ["n_in=2", "(4, 8, 3)"]),
    (np.zeros((2, 4, 8, 2)), 3, ["M=3", "(2, 4, 8, 2)"]),
    (np.zeros((4, 0, 2)), None, ["at least one"]),
    (np.full((1, 3, 2), np.nan), None, ["NaN"]),
    (np.full((1, 3, 2), np.inf), None, ["inf"]),
])
def test_bad_inputs(X, n_models, words):
    model = SimpleRNN(2, 4, 1, n_models=n_models)
    with pytest.raises(ValueError) as info:
        model.forward(X)
    for w in words:
        assert w in message(info)


def test_bad_h0_and_dY():
    model = SimpleRNN(2, 4, 1)
    with pytest.raises(ValueError, match="forward pass first"):
        model.backward(np.zeros((1, 3, 1)))
    with pytest.raises(ValueError, match=r"h0 must have shape \(2, 4\)"):
        model.forward(np.zeros((2, 3, 2)), h0=np.zeros((2, 5)))
    model.forward(np.zeros((2, 3, 2)))
    with pytest.raises(ValueError, match=r"\(2, 3, 1\), got \(2, 3\)"):
        model.backward(np.zeros((2, 3)))
    with pytest.raises(ValueError, match="NaN or inf"):
        model.backward(np.full((2, 3, 1), np.nan))
    with pytest.raises(ValueError, match="truncate must be a positive integer"):
        model.backward(np.zeros((2, 3, 1)), truncate=0)
