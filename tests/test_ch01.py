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


def test_memory_steps_and_table():
    assert explorer.memory_steps([1.0, 0.5, 0.02, 0.009, 0.001]) == 4          # 1-based, strictly below 1 %
    assert explorer.memory_steps([1.0, 0.5, 0.01]) is None                      # exactly 1 % is not below
    rows = {row["radius"]: row for row in explorer.memory_table([0.5, 0.9, 1.5], T=120)}
    assert rows[0.9]["steps"] == explorer.memory_steps(explorer.hidden_trajectories(0.9, T=120)["trace"])
    assert rows[0.9]["formula"] == pytest.approx(1 + np.log(0.01) / np.log(0.9))
    assert abs(rows[0.9]["corrected"] - rows[0.9]["steps"]) < 1.5
    assert rows[1.5]["steps"] is None and rows[1.5]["formula"] is None


def test_explorer_default_shows_the_memory_the_notebook_talks_about():
    """With the default T, the default setting (tanh, rho 0.9, impulse) falls below 1 % within the plot."""
    k = explorer.memory_steps(explorer.hidden_trajectories()["trace"])
    assert k is not None and k < explorer.T_DEFAULT
    fig, _ = explorer.draw_trajectories()
    assert f"t = {k}" in " ".join(t.get_text() for t in fig.axes[-1].texts)
    plt.close(fig)


def test_draw_memory_has_labelled_axes_and_a_legend_off_the_data():
    fig = explorer.draw_memory(radii=(0.5, 0.9), T=30)
    ax = fig.axes[0]
    assert ax.get_xlabel() and ax.get_ylabel()
    assert ax.get_legend() is not None and ax.get_legend().get_bbox_to_anchor() is not None
    plt.close(fig)


def test_hidden_trajectories_returns_a_copy_of_w():
    res = explorer.hidden_trajectories(0.9, T=5)
    res["W"][...] = 0
    assert not np.allclose(explorer.hidden_trajectories(0.9, T=5)["W"], 0)


# ---------------------------------------------------------------- exercises
def test_missing_answers_print_the_replace_none_hint(capsys):
    assert not ex.check_torch_n_params(None)
    assert not ex.check_concat_shapes(None)
    assert not ex.check_forward(None)
    assert not ex.check_first_output_col(None)
    assert not ex.check_last_states(None)
    assert not ex.check_memory(None, None, None)
    out = capsys.readouterr().out
    assert out.count("replace None") == 6


def hint(capsys, ok):
    """The check's printed line, after asserting that it rejected the answer."""
    assert not ok
    return capsys.readouterr().out


def test_exercise_1_torch_count(capsys):
    assert ex.check_torch_n_params(62)
    assert "two" in hint(capsys, ex.check_torch_n_params(57))             # rnnlib's one-bias count
    assert "Linear" in hint(capsys, ex.check_torch_n_params(50))         # the RNN alone, or no biases
    assert "bias of its own" in hint(capsys, ex.check_torch_n_params(60))
    assert "b_ih" in hint(capsys, ex.check_torch_n_params(100))


def test_exercise_2_concat_shapes(capsys):
    assert ex.check_concat_shapes(((4, 19), (19, 16)))
    assert "u^t" in hint(capsys, ex.check_concat_shapes(((4, 16), (19, 16))))
    assert "rows" in hint(capsys, ex.check_concat_shapes(((19, 4), (16, 19))))
    assert "pair" in hint(capsys, ex.check_concat_shapes(16))


def test_exercise_3_forward(capsys):
    assert ex.check_forward(ex.solution_3)

    def same_z0_every_step(X, p, z0):
        Z = np.stack([np.tanh(X[:, t] @ p["W_in"] + z0 @ p["W"] + p["b"]) for t in range(X.shape[1])], axis=1)
        return Z, 1 / (1 + np.exp(-(Z @ p["W_out"] + p["c"])))

    def time_major(X, p, z0):
        Z, Y = ex.solution_3(X, p, z0)
        return Z.swapaxes(0, 1), Y.swapaxes(0, 1)

    def with_z0(X, p, z0):
        Z, Y = ex.solution_3(X, p, z0)
        return np.concatenate([z0[:, None], Z], axis=1), Y

    assert "update your z" in hint(capsys, ex.check_forward(same_z0_every_step))
    assert "time-major" in hint(capsys, ex.check_forward(time_major))
    assert "z^0" in hint(capsys, ex.check_forward(with_z0))
    assert "zeros" in hint(capsys, ex.check_forward(lambda X, p, z0: ex.solution_3(X, p, np.zeros_like(z0))))
    assert "W_in" in hint(capsys, ex.check_forward(lambda X, p, z0: ex.solution_3(X, dict(p, W_in=p["W_in"] * 2), z0)))
    assert "sigmoid(z^t W_out + c)" in hint(capsys, ex.check_forward(
        lambda X, p, z0: (ex.solution_3(X, p, z0)[0], ex.solution_3(X, p, z0)[0] @ p["W_out"] + p["c"])))
    assert "raised" in hint(capsys, ex.check_forward(lambda X, p, z0: X @ p["W"]))   # shapes do not fit


def test_exercise_4_first_output_column_form(capsys):
    assert ex.check_first_output_col(ex.solution_4)
    sig = lambda v: 1 / (1 + np.exp(-v))  # noqa: E731

    def with_tanh(x1, s0, P):
        return sig(P["W_out_col"] @ np.tanh(P["W_in_col"] @ x1 + P["W_col"] @ s0 + P["b_col"]) + P["c_col"])

    def no_biases(x1, s0, P):
        return sig(P["W_out_col"] @ sig(P["W_in_col"] @ x1 + P["W_col"] @ s0))

    assert "sigmoid for the hidden" in hint(capsys, ex.check_first_output_col(with_tanh))
    assert "biases" in hint(capsys, ex.check_first_output_col(no_biases))
    assert "s0" in hint(capsys, ex.check_first_output_col(lambda x1, s0, P: ex.solution_4(x1, 0 * s0, P)))
    assert "(n_out, B)" in hint(capsys, ex.check_first_output_col(lambda x1, s0, P: ex.solution_4(x1, s0, P).T))
    assert "raised" in hint(capsys, ex.check_first_output_col(lambda x1, s0, P: x1.T @ P["W_in_col"]))


def test_exercise_5_last_states(capsys):
    assert ex.check_last_states(ex.solution_5)
    assert "padding" in hint(capsys, ex.check_last_states(lambda Z, L: Z[:, -1]))
    assert "1-based" in hint(capsys, ex.check_last_states(lambda Z, L: Z[np.arange(len(Z)), L]))
    assert "lengths[b] - 1" in hint(capsys, ex.check_last_states(lambda Z, L: Z[np.arange(len(Z)), L - 2]))


def test_exercise_6_memory(capsys):
    formula, corrected, measured = ex.solution_6()
    assert (round(formula, 1), round(corrected, 1), measured) == (21.6, 17.2, 18)
    assert measured == 18 and round(formula, 1) == 21.6
    assert ex.check_memory(formula, corrected, measured)
    assert "one too small" in hint(capsys, ex.check_memory(formula, corrected, measured - 1))
    assert "steps after t = 1" in hint(capsys, ex.check_memory(formula - 1, corrected, measured))
    assert "(a)" in hint(capsys, ex.check_memory(np.log10(0.01), corrected, measured))
    assert "(b)" in hint(capsys, ex.check_memory(formula, formula, measured))
    assert "three numbers" in hint(capsys, ex.check_memory("a", "b", "c"))


def test_show_solution(capsys):
    for n in ex.SOLUTIONS:
        ex.show_solution(n)
    out = capsys.readouterr().out
    assert "62" in out and "(4, 19)" in out and "def solution_3" in out
    with pytest.raises(ValueError, match="one of"):
        ex.show_solution(7)
