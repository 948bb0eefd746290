"""Notebook 01: the hidden-state explorer, the diagram and the exercise checks."""
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from rnnlib import SimpleRNN  # noqa: E402
from rnnlib.course.ch01 import exercises as ex  # noqa: E402
from rnnlib.course.ch01 import explorer  # noqa: E402


# ---------------------------------------------------------------- explorer
def test_input_patterns():
    assert np.array_equal(explorer.input_pattern("impulse", 4), [1, 0, 0, 0])
    assert np.array_equal(explorer.input_pattern("step", 3), [1, 1, 1])
    assert np.array_equal(explorer.input_pattern("alternating", 4), [1, -1, 1, -1])
    bits = explorer.input_pattern("random bits", 50, seed=3)
    assert set(np.unique(bits)) == {0.0, 1.0}
    assert np.array_equal(bits, explorer.input_pattern("random bits", 50, seed=3))
    assert not np.array_equal(bits, explorer.input_pattern("random bits", 50, seed=4))
    with pytest.raises(ValueError, match="impulse"):
        explorer.input_pattern("sine", 5)
    with pytest.raises(ValueError, match="T must"):
        explorer.input_pattern("step", 0)


@pytest.mark.parametrize("activation", explorer.ACTIVATIONS)
def test_trajectories_match_simplernn(activation):
    """The trajectories are SimpleRNN's hidden states, with W at the requested spectral radius."""
    res = explorer.hidden_trajectories(0.7, activation, "random bits", T=12, n_hidden=5, seed=2)
    assert res["Z"].shape == res["Z_rest"].shape == (12, 5)
    assert res["radius"] == pytest.approx(0.7)
    model = SimpleRNN(1, 5, 1, activation=activation, output_activation="identity", seed=2)
    model.params["W"] *= 0.7 / np.max(np.abs(np.linalg.eigvals(model.params["W"])))
    model.forward(res["x"][None, :, None])
    assert np.allclose(model.hidden[0], res["Z"])
    assert np.allclose(res["trace"], np.linalg.norm(res["Z"] - res["Z_rest"], axis=1))


def test_impulse_trace_decays_below_one_and_persists_above():
    small = explorer.hidden_trajectories(0.5, "tanh", "impulse", T=40)["trace"]
    large = explorer.hidden_trajectories(1.5, "tanh", "impulse", T=40)["trace"]
    assert small[-1] < 1e-6 * small[0]
    assert large[-1] > large[0]
    # tanh and relu rest at z = 0; sigmoid rests at a nonzero state
    assert np.allclose(explorer.hidden_trajectories(0.9, "tanh", "impulse", T=5)["Z_rest"], 0)
    assert not np.allclose(explorer.hidden_trajectories(0.9, "sigmoid", "impulse", T=5)["Z_rest"], 0)


def test_draw_trajectories_changes_with_radius():
    fig1, res1 = explorer.draw_trajectories(0.5, "tanh", "impulse")
    fig2, res2 = explorer.draw_trajectories(1.5, "tanh", "impulse")
    assert len(fig1.axes) == 3
    assert all(ax.get_ylabel() for ax in fig1.axes)
    assert fig1.axes[-1].get_xlabel()
    assert not np.allclose(res1["Z"], res2["Z"])
    plt.close("all")


@pytest.mark.parametrize("pattern", explorer.PATTERNS)
@pytest.mark.parametrize("activation", explorer.ACTIVATIONS)
def test_every_setting_is_finite(pattern, activation):
    res = explorer.hidden_trajectories(explorer.RADII[1], activation, pattern)
    assert np.all(np.isfinite(res["Z"])) and np.all(np.isfinite(res["trace"]))


def test_diagram_and_widget_build():
    fig = explorer.draw_rnn_diagram()
    assert fig.axes
    plt.close(fig)
    w = explorer.trajectories_widget()
    assert len(w.children) == 3


# ---------------------------------------------------------------- exercises
def test_exercise_checks(capsys):
    assert ex.check_n_params(57)
    assert not ex.check_n_params(50)          # biases forgotten
    assert not ex.check_n_params(None)
    assert ex.check_u_shape((4, 16))
    assert not ex.check_u_shape((4, 10, 16))
    assert not ex.check_u_shape(16)

    def step(x, z_prev, p):
        return np.tanh(x @ p["W_in"] + z_prev @ p["W"] + p["b"])

    assert ex.check_rnn_step(step)
    assert not ex.check_rnn_step(lambda x, z, p: x @ p["W_in"] + z @ p["W"] + p["b"])   # returns u
    assert not ex.check_rnn_step(lambda x, z, p: np.tanh(x @ p["W"] + z @ p["W_in"]))  # swapped: raises
    assert not ex.check_rnn_step(lambda x, z, p: np.tanh(p["W_in"].T @ x.T + p["b"][:, None]))  # wrong shape

    def first(x1, z0, p):
        z1 = step(x1, z0, p)
        return 1 / (1 + np.exp(-(z1 @ p["W_out"] + p["c"])))

    assert ex.check_first_output(first)
    assert not ex.check_first_output(lambda x1, z0, p: first(x1, np.zeros_like(z0), p))
    assert not ex.check_first_output(lambda x1, z0, p: step(x1, z0, p) @ p["W_out"] + p["c"])
    out = capsys.readouterr().out
    assert "Correct." in out and "Not yet:" in out and "raised" in out
