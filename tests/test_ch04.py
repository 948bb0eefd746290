"""Notebook 04: the multi-setting sweep, the explorer and the exercise checks."""
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from rnnlib import SimpleRNN, SGD  # noqa: E402
from rnnlib.activations import ACTIVATIONS  # noqa: E402
from rnnlib.course.ch04 import exercises as ex  # noqa: E402
from rnnlib.course.ch03.adder import LECTURE, AdderSetup, per_model_activation, summarize, train_adders  # noqa: E402
from rnnlib.data import adder_test_set  # noqa: E402
from rnnlib.course.ch04 import explorer  # noqa: E402
from rnnlib.course.ch04.sweeps import diagnostics, probe_diagnostics, summary, table  # noqa: E402

SMALL_TEST = adder_test_set(n=32)


def test_setup_defaults_labels_and_errors():
    s = LECTURE
    assert s.activation == "sigmoid" and s.lr == 0.1 and s.init_std == 1.0 and not s.bias and s.steps == 10_000
    assert s.label == "sigmoid, normal 1, lr 0.1"
    assert s.but(clip=1.0, lecture_output_bug=True).label.endswith("clip 1, lecture bug")
    assert s.but(lr=1.0, label="fast").label == "fast" and s.but(lr=1.0).label == "sigmoid, normal 1, lr 1"
    with pytest.raises(ValueError, match="unknown AdderSetup fields"):
        s.but(learning_rate=1.0)
    with pytest.raises(ValueError, match="unknown activation"):
        s.but(activation="gelu")
    with pytest.raises(ValueError, match="lr must be a positive number"):
        AdderSetup(lr=-1)
    with pytest.raises(ValueError, match="lecture_output_bug needs"):
        s.but(output_activation="identity", lecture_output_bug=True)


def test_one_setup_alone_equals_the_same_setup_among_others():
    setup = LECTURE.but(steps=60)
    alone = train_adders(setup, range(3), test_set=SMALL_TEST, eval_every=20)
    both = train_adders([setup, setup.but(init_std=0.1)], range(3), eval_every=20, test_set=SMALL_TEST)
    np.testing.assert_array_equal(both.model.params["W"][:3], alone.model.params["W"])
    np.testing.assert_array_equal(both.parts[0].loss, alone.history.loss)
    np.testing.assert_array_equal(both.parts[0].evals["accuracy"], alone.history.evals["accuracy"])
    with pytest.raises(ValueError, match="must share n_hidden"):
        train_adders([setup, setup.but(n_hidden=8, lr=1.0)], [0])


@pytest.mark.parametrize("kw", [dict(activation="tanh", lr=1.0), dict(activation="relu", init="identity", lr=0.01, clip=1.0),
                                dict(lecture_output_bug=True)])
def test_mixed_settings_equal_separate_runs(kw):
    """A setting trained next to others gives the same numbers as trained alone."""
    other, setup = LECTURE.but(init="he", lr=0.3, steps=40), LECTURE.but(steps=40, **kw)
    mixed = train_adders([other, setup], [4, 5], eval_every=20, test_set=SMALL_TEST,
                         evaluate=diagnostics([other, setup], [4, 5]))
    alone = train_adders(setup, [4, 5], eval_every=20, test_set=SMALL_TEST, evaluate=diagnostics([setup], [4, 5]))
    assert np.allclose(mixed.parts[1].loss, alone.parts[0].loss)
    for k in alone.evals:
        assert np.allclose(mixed.evals[k][:, 1], alone.evals[k][:, 0]), k
    assert mixed.part(setup.label) is mixed.parts[1]


def test_duplicate_labels_rejected():
    with pytest.raises(ValueError, match="unique"):
        train_adders([LECTURE, LECTURE], [0], test_set=SMALL_TEST)


def test_per_model_sgd_equals_sgd_bit_for_bit():
    model = SimpleRNN(2, 4, 1, seed=0, n_models=2)
    rng = np.random.default_rng(0)
    grads = {k: rng.standard_normal(p.shape) for k, p in model.params.items()}
    a = {k: p.copy() for k, p in model.params.items()}
    b = {k: p.copy() for k, p in model.params.items()}
    SGD(np.array([0.1, 0.1]), np.array([np.inf, 0.5])).step(a, grads)
    SGD(0.1, clip=0.5).step(b, grads)
    SGD(0.1).step(model.params, grads)
    for k in a:
        np.testing.assert_array_equal(a[k][0], model.params[k][0])
        np.testing.assert_array_equal(a[k][1], b[k][1])
    with pytest.raises(ValueError, match="model axis"):
        SGD(np.array([0.1, 0.2])).step(SimpleRNN(2, 4, 1).params, SimpleRNN(2, 4, 1).grads)


def test_per_model_activation_blocks():
    tanh, relu = ACTIVATIONS["tanh"], ACTIVATIONS["relu"]
    f = per_model_activation([tanh, tanh, relu, relu], "mix")
    u = np.linspace(-2, 2, 4 * 3 * 5).reshape(4, 3, 5)
    z = f.forward(u)
    assert np.allclose(z[:2], np.tanh(u[:2])) and np.allclose(z[2:], np.maximum(u[2:], 0))
    assert np.allclose(f.grad(u, z)[2:], u[2:] > 0)


def test_probe_diagnostics_shapes_and_restore():
    model = SimpleRNN(2, 5, 1, activation="sigmoid", init_std=10.0, seed=0, n_models=3, bias=False)
    before = {k: p.copy() for k, p in model.params.items()}
    X = np.random.default_rng(1).integers(0, 2, (6, 8, 2)).astype(float)
    D = np.random.default_rng(2).integers(0, 2, (6, 8, 1)).astype(float)
    d = probe_diagnostics(model, np.full(3, 0.1), X, D, 0.25)
    assert set(d) == {"saturated", "z_max", "v_abs", "grad_norm", "param_norm", "step_dv"}
    assert all(v.shape == (3,) for v in d.values())
    assert np.all(d["saturated"] > 0.3)  # std 10 saturates most sigmoid units
    for k in before:
        assert np.array_equal(before[k], model.params[k])


def test_table_text():
    run = train_adders(LECTURE.but(steps=20), [0, 1], eval_every=10, test_set=SMALL_TEST)
    text = table([("default", summarize(run.parts[0]))], "seeds 0-1")
    assert "default" in text and "0/2" in text and text.endswith("seeds 0-1")


def test_draw_setting_returns_figure_and_row():
    fig, summary, text = explorer.draw_setting(explorer.START.but(steps=40), seeds=range(2))
    assert summary["seeds"] == 2 and "sigmoid, normal 1, lr 1, H 16" in text
    assert len(fig.axes) == 2
    plt.close(fig)


def test_heatmap_draws_numbers():
    fig, ax = plt.subplots()
    explorer.draw_heatmap(ax, np.array([[0.0, 0.5], [1.0, np.nan]]), [0.1, 1], [0.5, 1], "t")
    assert [t.get_text() for t in ax.texts] == ["0%", "50%", "100%", "-"]
    plt.close(fig)


def test_widget_builds_with_the_default_setting():
    box = explorer.setting_widget(seeds=range(1))
    assert len(box.children) >= 5     # the controls, (a progress bar,) the output area
    init, scale = box.children[0].children
    lr, hidden = box.children[2].children
    assert (init.value, scale.value, box.children[1].value, lr.value, hidden.value, box.children[3].value) == \
        tuple(getattr(explorer.START, k) for k in ("init", "init_std", "activation", "lr", "n_hidden", "steps"))


@pytest.mark.parametrize("check, right, wrong", [
    (ex.check_preactivation_std, np.sqrt(40), 40.0),
    (ex.check_saturation_threshold, 5.99, 4.0),
    (ex.check_saturated_loss_std, np.sqrt(2) / 2, 1.0),
    (ex.check_glorot_std, np.sqrt(2 / 161), 1 / np.sqrt(160)),
    (ex.check_relu_growth, 1.5 ** 7, 1.5 ** 8),
])
def test_exercise_checks(check, right, wrong, capsys):
    assert check(right) is True
    assert check(wrong) is False
    assert check(None) is False
    assert check("abc") is False
    out = capsys.readouterr().out
    assert "Correct." in out and "Not yet" in out


def test_table_edge_rows_print_bounds_and_check_them():
    row = {"seeds": 10, "solved": 2, "solve_rate": 0.2, "median_steps": 8500.0, "final_accuracy": 0.31, "diverged": 0}
    text = table([("tanh", row), ("plain", row)], edge={"tanh": dict(solved=(0, 3), final=None)})
    edge_line, plain_line = text.splitlines()[2:4]
    assert edge_line.startswith("tanh *") and "<= 3/10" in edge_line and "varies" in edge_line
    assert "8500" not in edge_line and "0.310" not in edge_line
    assert "2/10" in plain_line and "8500" in plain_line and "0.310" in plain_line
    assert "0.30-0.40" in table([("a", row)], edge={"a": dict(final=(0.3, 0.4))})
    with pytest.raises(AssertionError, match="outside the stated 0-1"):
        table([("a", row)], edge={"a": dict(solved=(0, 1))})
    with pytest.raises(AssertionError, match="final accuracy"):
        table([("a", row)], edge={"a": dict(final=(0, 0.3))})
    with pytest.raises(ValueError, match="not in the table"):
        table([("a", row)], edge={"b": dict(final=None)})


def test_table_prints_intervals_and_censored_medians():
    row = {"seeds": 10, "solved": 9, "solve_rate": 0.9, "median_steps": 4500.0, "final_accuracy": 1.0, "diverged": 0,
           "steps_to_solve": np.array([4500, 6750, -1, 3500, 4000, 4500, 4000, 5500, 5500, 4250]), "limit": 10_000}
    few = dict(row, solved=4, steps_to_solve=np.array([100, 200, 300, 400] + [-1] * 6))
    lines = table([("a", row), ("b", few), ("c", few)], edge={"c": dict(solved=(0, 4), diverged=(0, 3))}).splitlines()
    assert "9/10" in lines[2] and "0.55-1.00" in lines[2] and "4,500" in lines[2]     # median of all ten, one censored
    assert "> 10,000" in lines[3] and "0.12-0.74" in lines[3]
    assert "<= 4/10" in lines[4] and "0.00-0.74" in lines[4] and "> 10,000" in lines[4] and "<= 3" in lines[4]
    assert "4,000-5,000" in table([("a", row)], edge={"a": dict(median=(4000, 5000))})
    with pytest.raises(AssertionError, match="median"):
        table([("a", row)], edge={"a": dict(median=(1000, 2000))})
    with pytest.raises(AssertionError, match="diverged"):
        table([("a", dict(row, diverged=5))], edge={"a": dict(diverged=(0, 3))})


def test_summary_adds_steps_and_limit():
    run = train_adders(LECTURE.but(steps=20), [0, 1], eval_every=10, test_set=SMALL_TEST)
    s = summary(run.parts[0])
    assert s["limit"] == 20 and s["steps_to_solve"].shape == (2,) and s["seeds"] == 2


def test_probe_diagnostics_of_a_diverged_model_are_nan_and_spare_the_others():
    model = SimpleRNN(2, 5, 1, activation="relu", seed=0, n_models=2, bias=False)
    model.params["W_out"][1] = np.nan
    X = np.random.default_rng(1).integers(0, 2, (4, 8, 2)).astype(float)
    D = np.random.default_rng(2).integers(0, 2, (4, 8, 1)).astype(float)
    d = probe_diagnostics(model, 0.1, X, D, 1.0)
    alone = SimpleRNN(2, 5, 1, activation="relu", seed=0, n_models=1, bias=False)
    a = probe_diagnostics(alone, 0.1, X, D, 1.0)
    assert all(np.isnan(v[1]) for v in d.values())
    assert all(np.isclose(d[k][0], a[k][0]) for k in d)
