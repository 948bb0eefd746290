"""Datasets, losses, metrics and the optimiser."""
import warnings

import numpy as np
import pytest

from rnnlib import SGD, SimpleRNN, binary_cross_entropy, squared_error
from rnnlib.data import adder_batches, addition_pairs, binary_addition, from_bits, to_bits
from rnnlib.gradcheck import numerical_gradient, relative_error
from rnnlib.course.ch03.adder import bit_accuracy, chunked_accuracy, exact_accuracy
from rnnlib.optim import grad_norm


def test_bits_are_least_significant_first():
    np.testing.assert_array_equal(to_bits(6, 4), [0, 1, 1, 0])
    np.testing.assert_array_equal(to_bits([1, 8], 4), [[1, 0, 0, 0], [0, 0, 0, 1]])
    assert from_bits([0, 1, 1, 0]) == 6
    values = np.arange(256)
    np.testing.assert_array_equal(from_bits(to_bits(values, 8)), values)


def test_from_bits_rounds_network_outputs():
    assert from_bits([0.9, 0.2, 0.7]) == 5


def test_binary_addition_sums_decode():
    X, Y = binary_addition(500, n_bits=8, rng=np.random.default_rng(0))
    assert X.shape == (500, 8, 2) and Y.shape == (500, 8, 1)
    a, b, s = from_bits(X[..., 0]), from_bits(X[..., 1]), from_bits(Y[..., 0])
    np.testing.assert_array_equal(a + b, s)
    assert a.min() >= 0 and max(a.max(), b.max()) < 128 and max(a.max(), b.max()) > 100


def test_addition_pairs_and_batches():
    X, Y = addition_pairs([3], [5], 4)
    np.testing.assert_array_equal(X[0], [[1, 1], [1, 0], [0, 1], [0, 0]])
    np.testing.assert_array_equal(Y[0, :, 0], [0, 0, 0, 1])
    X, Y = next(adder_batches(4, 8, rng=1, n_models=3))
    assert X.shape == (3, 4, 8, 2) and Y.shape == (3, 4, 8, 1)
    first, again = next(adder_batches(2, rng=7)), next(adder_batches(2, rng=7))
    np.testing.assert_array_equal(first[0], again[0])


@pytest.mark.parametrize("call,words", [
    (lambda: binary_addition(3, n_bits=0), "n_bits must be a positive integer, got 0"),
    (lambda: binary_addition(0), "n must be a positive integer"),
    (lambda: binary_addition(3, rng=None), "numpy.random.Generator or an int seed"),
    (lambda: to_bits(16, 4), "[0, 2**4)"),
    (lambda: to_bits(1.5, 4), "integers"),
])
def test_data_errors(call, words):
    with pytest.raises(ValueError) as info:
        call()
    assert words in str(info.value)


@pytest.mark.parametrize("loss", [squared_error, binary_cross_entropy])
def test_loss_gradients(loss):
    rng = np.random.default_rng(0)
    Y = rng.uniform(0.1, 0.9, (3, 4, 2))
    T = (rng.uniform(size=(3, 4, 2)) > 0.5).astype(float)
    value, dY = loss(Y, T)
    assert isinstance(value, float)
    assert relative_error(dY, numerical_gradient(lambda: loss(Y, T)[0], Y)) < 1e-7


def test_squared_error_normalisation():
    Y, T = np.full((2, 3, 1), 0.5), np.zeros((2, 3, 1))
    assert squared_error(Y, T)[0] == pytest.approx(3 * 0.5 * 0.25)  # summed over time, mean over batch
    loss, _ = squared_error(np.stack([Y, Y * 0]), T)
    np.testing.assert_allclose(loss, [0.375, 0.0])


def test_cross_entropy_is_safe_at_saturated_outputs():
    Y = np.array([[[0.0], [1.0], [1.0], [0.0]]])
    T = np.array([[[1.0], [0.0], [1.0], [0.0]]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        value, dY = binary_cross_entropy(Y, T)
    assert np.isfinite(value) and np.all(np.isfinite(dY)) and value > 40
    with pytest.raises(ValueError, match=r"outputs in \[0, 1\]"):
        binary_cross_entropy(Y + 2, T)
    with pytest.raises(ValueError, match="targets must have the shape"):
        squared_error(Y, T[:, :2])


def test_accuracy_metrics():
    Y = np.array([[[0.9], [0.2]], [[0.1], [0.2]]])
    T = np.array([[[1.0], [0.0]], [[1.0], [0.0]]])
    assert bit_accuracy(Y, T) == 0.75 and exact_accuracy(Y, T) == 0.5
    assert exact_accuracy(np.full_like(Y, np.nan), np.zeros_like(T)) == 0.0
    np.testing.assert_allclose(exact_accuracy(np.stack([Y, T]), T), [0.5, 1.0])


def test_sgd_step_and_per_model_clipping():
    params = {"W": np.ones((2, 3, 3)), "b": np.zeros((2, 3))}
    grads = {"W": np.stack([np.full((3, 3), 0.01), np.full((3, 3), 10.0)]), "b": np.zeros((2, 3))}
    SGD(lr=1.0, clip=1.0).step(params, grads)
    np.testing.assert_allclose(params["W"][0], 0.99)  # small gradient: untouched by clipping
    step = 1.0 - params["W"][1]
    assert np.sqrt((step ** 2).sum()) == pytest.approx(1.0)  # large one: norm cut to 1
    np.testing.assert_allclose(grad_norm(grads, 1), [0.03, 30.0])
    with pytest.raises(ValueError, match="lr must be a positive number"):
        SGD(lr=0)
    with pytest.raises(ValueError, match="clip must be None, a positive number"):
        SGD(clip=-1)


def test_chunked_accuracy_counts_every_sequence_once():
    """Chunks that do not divide the set (100 sums, 33 per pass) give exact_accuracy of one pass."""
    X, _ = binary_addition(100, 8, np.random.default_rng(3))
    model = SimpleRNN(2, 4, 1, n_models=3, seed=1)
    Y = model.forward(X)
    T = (Y[0] > 0.5).astype(float)       # model 0 is right on exactly the first 40 sequences
    T[40:] = 1.0 - T[40:]
    expected = exact_accuracy(Y, T)
    assert expected[0] == 0.4
    np.testing.assert_array_equal(chunked_accuracy(model, X, T, chunk=33), expected)


def test_adder_batches_in_blocks_are_the_per_step_draws():
    """Drawing many steps at once yields exactly what one binary_addition call per step would."""
    rng = np.random.default_rng(5)
    stream = adder_batches(3, 6, rng=5, n_models=2, block=4)
    for _ in range(9):                      # more than two blocks
        X, Y = next(stream)
        X_step, Y_step = binary_addition(6, 6, rng)
        np.testing.assert_array_equal(X, X_step.reshape(2, 3, 6, 2))
        np.testing.assert_array_equal(Y, Y_step.reshape(2, 3, 6, 1))


@pytest.mark.parametrize("kwargs", [dict(batch_size=0), dict(batch_size=2.5), dict(batch_size=2, n_models=0),
                                    dict(batch_size=2, block=True)])
def test_adder_batches_rejects_bad_sizes(kwargs):
    with pytest.raises(ValueError, match="positive integer"):
        next(adder_batches(**kwargs))
