"""The training loop and the multi-seed experiment runner."""
import numpy as np
import pytest

from rnnlib import SGD, SimpleRNN, squared_error, train
from rnnlib.data import adder_batches
from rnnlib.course.ch03.adder import RECIPE, steps_to_solve, summarize, train_adders
from rnnlib.course.plotting import median_band


def test_train_records_loss_and_evaluations():
    model = SimpleRNN(2, 8, 1, n_models=3, seed=0)
    calls = []
    h = train(model, squared_error, adder_batches(4, rng=0, n_models=3), SGD(0.5), 50,
              evaluate=lambda m: {"w": np.abs(m.params["W"]).mean(axis=(1, 2))}, eval_every=20,
              progress=lambda step, steps, ev: calls.append(step))
    assert h.loss.shape == (50, 3) and h.steps == 50
    np.testing.assert_array_equal(h.eval_steps, [0, 20, 40, 50])
    assert h.evals["w"].shape == (4, 3)
    assert calls == [0, 20, 40, 50]
    assert np.all(h.diverged_at == -1) and np.ma.count_masked(h.loss) == 0


def test_training_reduces_the_loss():
    model = SimpleRNN(2, 16, 1, activation="tanh", init="xavier", seed=1)
    h = train(model, squared_error, adder_batches(16, rng=1), SGD(1.0), 600)
    assert h.loss[-20:].mean() < 0.5 * h.loss[:20].mean()


def test_a_diverging_model_is_stopped_and_the_others_go_on():
    model = SimpleRNN(2, 8, 1, activation="relu", output_activation="identity", seed=0, n_models=3)
    model.params["W"][1] *= 1e200  # model 1 overflows at once
    frozen = model.params["W_in"][1].copy()
    h = train(model, squared_error, adder_batches(4, rng=0, n_models=3), SGD(0.01), 30)
    np.testing.assert_array_equal(h.diverged_at, [-1, 1, -1])
    assert h.steps == 30
    assert np.ma.count_masked(h.loss[:, 1]) == 30 and np.ma.count_masked(h.loss[:, [0, 2]]) == 0
    assert np.all(np.isfinite(h.loss.compressed()))
    np.testing.assert_array_equal(model.params["W_in"][1], frozen)
    assert np.all(np.isfinite(model.params["W_in"]))


def test_a_single_diverging_model_ends_the_run():
    model = SimpleRNN(2, 8, 1, activation="relu", output_activation="identity", seed=0)
    model.params["W"] *= 1e200
    h = train(model, squared_error, adder_batches(4, rng=0), SGD(0.01), 30)
    assert h.steps == 1 and int(h.diverged_at) == 1 and np.ma.count_masked(h.loss) == 1


def test_train_rejects_bad_step_counts():
    model = SimpleRNN(2, 4, 1)
    with pytest.raises(ValueError, match="steps must be a positive integer"):
        train(model, squared_error, adder_batches(1), SGD(), 0)


def test_train_adders_learns_and_summarises():
    # A quick recipe (minibatches, cross-entropy, tanh): most seeds solve the adder in 600 steps.
    h = train_adders(RECIPE.but(batch_size=16, lr=0.3, steps=600), range(4), eval_every=50).history
    s = summarize(h)
    assert s["seeds"] == 4 and s["solved"] >= 2 and s["diverged"] == 0
    solved = steps_to_solve(h)
    assert np.all((solved == -1) | ((solved > 0) & (solved <= 600)))
    with pytest.raises(ValueError, match="unknown loss 'hinge'"):
        RECIPE.but(loss="hinge")


def test_median_band_leaves_out_masked_models():
    values = np.ma.masked_array([[1.0, 2.0, 100.0], [1.0, 3.0, 5.0]], mask=[[0, 0, 1], [0, 0, 0]])
    med, lo, hi = median_band(values)
    np.testing.assert_allclose(med, [1.5, 3.0])
    assert np.all(lo <= med) and np.all(med <= hi)


def test_lecture_output_bug_changes_only_the_output_delta():
    from rnnlib.activations import sigmoid
    from rnnlib.data import binary_addition
    from rnnlib.course.ch02.bugs import LECTURE_SIGMOID

    X, D = binary_addition(3, 8, 0)
    right = SimpleRNN(2, 4, 1, activation="sigmoid", seed=0)
    buggy = SimpleRNN(2, 4, 1, activation="sigmoid", seed=0)
    buggy.g = LECTURE_SIGMOID
    Y = right.forward(X)
    np.testing.assert_array_equal(buggy.forward(X), Y)  # same forward pass
    right.backward(squared_error(Y, D)[1])
    buggy.backward(squared_error(Y, D)[1])
    s = sigmoid(Y)
    expected = ((Y - D) * s * (1 - s))[:, :, 0]  # the lecture's delta_out, batch of 3 -> /3
    np.testing.assert_allclose(buggy.grads["c"], expected.sum() / 3)
    assert not np.allclose(buggy.grads["W_out"], right.grads["W_out"])
    with pytest.raises(ValueError, match="lecture_output_bug needs"):
        RECIPE.but(output_activation="identity", lecture_output_bug=True)
