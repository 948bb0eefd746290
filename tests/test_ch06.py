"""Notebook 06 support: the lag tasks, the vectorised study, many-to-one truncation, the mapping, the checks."""
import numpy as np
import pytest

from rnnlib import SimpleRNN
from rnnlib.gradcheck import check_gradients
from rnnlib.losses import binary_cross_entropy, last_step, squared_error
from rnnlib.course.ch06 import exercises as ex
from rnnlib.course.ch06 import experiments, explorer, mapping, tasks


def test_remember_bit_shapes_and_target():
    X, D = tasks.remember_bit(50, 7, rng=3)
    assert X.shape == (50, 7, 1) and D.shape == (50, 1)
    assert np.array_equal(X[:, 0, 0], 2 * D[:, 0] - 1)
    assert np.all(np.abs(X[:, 1:]) <= 1)


def test_adding_problem_markers_and_sum():
    X, D = tasks.adding_problem(200, 10, rng=4)
    m = X[..., 1]
    assert np.all(m.sum(axis=1) == 2) and np.all(m[:, :5].sum(axis=1) == 1)
    assert np.allclose(D[:, 0], (X[..., 0] * m).sum(axis=1))


def test_adding_baseline_is_one_sixth():
    _, D = tasks.adding_problem(200_000, 4, rng=5)
    assert abs(np.mean((1.0 - D) ** 2) - tasks.ADDING_BASELINE) < 0.003


def test_tasks_reject_bad_lags():
    with pytest.raises(ValueError):
        tasks.adding_problem(3, 1)
    with pytest.raises(ValueError):
        tasks.remember_bit(3, 0)
    with pytest.raises(ValueError):
        next(tasks.batches("copy", 4, 5))


def test_batches_are_seeded():
    a, b = next(tasks.batches("bit", 4, 5, rng=1)), next(tasks.batches("bit", 4, 5, rng=1))
    assert np.array_equal(a[0], b[0])


@pytest.mark.parametrize("output, loss, task", [("identity", squared_error, "adding"),
                                                ("sigmoid", binary_cross_entropy, "bit")])
def test_many_to_one_gradients(output, loss, task):
    X, D = tasks.TASKS[task](3, 6, rng=0)
    model = SimpleRNN(X.shape[-1], 5, 1, activation="tanh", output_activation=output, init="xavier", seed=1)
    errors = check_gradients(model, X, D, last_step(loss))
    assert max(errors.values()) < 1e-6


def test_build_matches_each_setting_alone():
    settings = experiments.SETTINGS
    model = experiments.build(settings, [3, 4], 1, 6, "sigmoid")
    X, _ = tasks.remember_bit(5, 8, rng=2)
    Y = model.forward(X)
    for i, s in enumerate(settings):
        alone = experiments.build([s], [3, 4], 1, 6, "sigmoid")
        assert np.allclose(alone.forward(X), Y[2 * i:2 * i + 2], rtol=0, atol=1e-13)
        one = experiments.build([s], [4], 1, 6, "sigmoid")          # a seed's model does not depend on the list
        assert np.allclose(one.forward(X)[0], Y[2 * i + 1], rtol=0, atol=1e-13)


def test_irnn_setting_starts_as_le_et_al():
    model = experiments.build([experiments.SETTINGS[3]], [0], 1, 4, "sigmoid")
    assert np.array_equal(model.params["W"][0], np.eye(4)) and np.all(model.params["b"] == 0)
    assert np.abs(model.params["W_in"]).max() < 0.01


def test_train_lag_vectorised_equals_alone():
    a = experiments.train_lag(experiments.SETTINGS[1:4], [0, 1], 5, steps=20, eval_every=10)
    b = experiments.train_lag(experiments.SETTINGS[3:4], [0, 1], 5, steps=20, eval_every=10)
    assert a.score.shape == (3, 2)
    assert np.allclose(a.score[2], b.score[0], atol=1e-12)


def test_truncation_shorter_than_the_lag_cannot_learn_the_bit():
    # the gradient that would carry the bit (step 1) is cut: the W_in gradient from x^1 is zero
    X, D = tasks.remember_bit(4, 6, rng=0)
    model = SimpleRNN(1, 3, 1, init="xavier", seed=0)
    Y = model.forward(X)
    _, dY = last_step(binary_cross_entropy)(Y, D)
    dX = model.backward(dY, truncate=5)
    assert np.all(dX[:, 0] == 0) and np.any(dX[:, 1] != 0)


def test_study_counts_and_largest():
    runs = experiments.study([3, 4], experiments.SETTINGS[1:3], [0, 1], steps=10)
    c = experiments.counts(runs)
    assert c.shape == (2, 2) and c.min() >= 0 and c.max() <= 2
    assert len(experiments.largest_solved(runs)) == 2


def test_gradient_factor_and_horizon():
    rate, bound = experiments.initial_factor(experiments.SETTINGS, [0, 1], 20)
    assert rate.shape == bound.shape == (5, 2)
    assert np.all(bound[2] == pytest.approx(1.0)) and np.all(rate[4] < rate[1])   # sigmoid below tanh
    assert experiments.horizon(0.8) == pytest.approx(np.log(100) / np.log(1.25))
    assert experiments.horizon(1.0) == np.inf


def test_from_torch_round_trip():
    p = SimpleRNN(3, 4, 2, init="xavier", seed=0).params
    p = {k: v + 0.1 for k, v in p.items()}
    back = mapping.from_torch(**mapping.to_torch(p))
    assert all(np.array_equal(back[k], p[k]) for k in p)
    with pytest.raises(ValueError):
        mapping.from_torch(np.zeros((4, 3)), np.zeros((3, 3)), np.zeros(4), np.zeros(4), np.zeros((2, 4)), np.zeros(2))


def test_explorer_runs_and_rejects_unknown_settings():
    import matplotlib
    matplotlib.use("Agg")
    fig, run = explorer.draw_lag(T=4, n_seeds=2, steps=25)
    assert run.curve.shape == (2, 1, 2)
    with pytest.raises(ValueError):
        explorer.run_lag(setting="lstm")


def test_exercise_checks(capsys):
    assert ex.check_baseline(2 / 3) and not ex.check_baseline(1 / 6)
    assert ex.check_horizon(21) and not ex.check_horizon(20)
    assert ex.check_truncation(16) and not ex.check_truncation(15) and not ex.check_truncation(30)
    assert ex.check_from_torch(mapping.from_torch)
    assert not ex.check_from_torch(lambda *a: {"W_in": a[0], "W": a[1], "b": a[2], "W_out": a[4], "c": a[5]})
    assert not ex.check_from_torch(lambda *a: 1 / 0)
    assert ex.check_baseline(None) is False
    assert "replace None" in capsys.readouterr().out
