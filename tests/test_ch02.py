"""Notebook 02: gradient flow measurements, the bug clinic, the explorer and the exercise checks."""
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from rnnlib import SimpleRNN, squared_error  # noqa: E402
from rnnlib.course.ch02 import bugs, gradflow  # noqa: E402
from rnnlib.course.ch02 import exercises as ex  # noqa: E402
from rnnlib.course.ch02 import explorer  # noqa: E402
from rnnlib.gradcheck import check_gradients  # noqa: E402
from rnnlib.course.ch02.bugs import LECTURE_SIGMOID  # noqa: E402


def problem(n_in=4, H=4, n_out=2, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((3, 5, n_in))
    T = rng.uniform(0.1, 0.9, (3, 5, n_out))
    model = SimpleRNN(n_in, H, n_out, init_std=0.5, seed=seed + 1)
    model.params["b"][...] = 0.1
    model.params["c"][...] = -0.1
    return model, X, T


# ---------------------------------------------------------------- gradflow
def test_spectral_radius_and_singular_value():
    W = np.diag([0.5, -2.0, 1.0])
    assert gradflow.spectral_radius(W) == pytest.approx(2.0)
    assert gradflow.largest_singular_value(W) == pytest.approx(2.0)
    J = np.array([[0.0, 3.0], [0.0, 0.0]])          # nilpotent: radius 0, sigma 3
    assert gradflow.spectral_radius(J) == pytest.approx(0.0)
    assert gradflow.largest_singular_value(J) == pytest.approx(3.0)
    stack = np.stack([W, 2 * W])
    assert np.allclose(gradflow.spectral_radius(stack), [2.0, 4.0])


def test_set_spectral_radius_per_model():
    model = SimpleRNN(2, 6, 1, seed=0, n_models=3)
    gradflow.set_spectral_radius(model, 0.7)
    assert np.allclose(gradflow.spectral_radius(model.params["W"]), 0.7)


@pytest.mark.parametrize("activation", ["tanh", "sigmoid", "relu"])
def test_hidden_gradient_norms_match_backward(activation):
    """The last entry, ||dE/dz^0||, equals the norm of SimpleRNN.backward's dh0."""
    rng = np.random.default_rng(3)
    model = SimpleRNN(3, 5, 2, activation=activation, output_activation="identity", seed=2)
    model.params["b"][...] = 0.2
    X = rng.standard_normal((2, 7, 3))
    model.forward(X)
    dY = np.zeros((2, 7, 2))
    dY[:, -1] = rng.standard_normal((2, 2))
    model.backward(dY)
    norms = gradflow.hidden_gradient_norms(model, X, dY[:, -1] @ model.params["W_out"].T)
    assert norms.shape == (2, 8)
    assert np.allclose(norms[:, -1], np.linalg.norm(model.dh0, axis=-1))


def test_hidden_gradient_norms_with_models():
    rng = np.random.default_rng(4)
    model = SimpleRNN(3, 5, 1, output_activation="identity", seed=0, n_models=2)
    X = rng.standard_normal((2, 1, 6, 3))
    e = rng.standard_normal((2, 1, 5))
    norms = gradflow.hidden_gradient_norms(model, X, e)
    for i in range(2):
        single = SimpleRNN(3, 5, 1, output_activation="identity", seed=i)
        assert np.allclose(gradflow.hidden_gradient_norms(single, X[i], e[i]), norms[i])


@pytest.mark.parametrize("activation,radius", [("tanh", 0.5), ("tanh", 3.0), ("sigmoid", 4.0)])
def test_bound_holds(activation, radius):
    res = gradflow.gradient_flow(activation, radius, T=30, n_models=4, seed=1)
    assert res["norms"].shape == res["bound"].shape == (4, 31)
    assert np.allclose(res["radius"], radius)
    assert np.all(res["sigma"] >= res["radius"] - 1e-12)
    assert np.all(res["norms"] <= res["bound"] * (1 + 1e-9))


def test_truncation_bias_vanishes_at_full_length():
    model, X, T = problem()
    _, dY = squared_error(model.forward(X), T)
    err = gradflow.truncation_bias(model, X, dY, [1, 2, 5])
    assert err[0] > err[-1]
    assert err[-1] < 1e-12


# ---------------------------------------------------------------- bugs
def test_correct_backward_matches_simplernn():
    model, X, T = problem(n_in=3, H=5)
    _, dY = squared_error(model.forward(X), T)
    model.backward(dY)
    want = {k: g.copy() for k, g in model.grads.items()}
    bugs.correct_backward(model, dY)
    for k in want:
        assert np.allclose(model.grads[k], want[k])


@pytest.mark.parametrize("bug,wrong", [
    (bugs.backward_swapped, {"W_in", "W", "b"}),
    (bugs.backward_last_step_only, {"W_in", "W", "b", "W_out", "c"}),
    (bugs.backward_wrong_state, {"W"}),
])
def test_gradient_check_catches_each_bug(bug, wrong):
    model, X, T = problem()
    errors = check_gradients(bugs.attach_backward(model, bug), X, T, squared_error)
    assert {k for k, e in errors.items() if e > 1e-3} == wrong, errors
    fixed, X, T = problem()
    assert max(check_gradients(bugs.attach_backward(fixed, bugs.correct_backward), X, T, squared_error).values()) < 1e-6


def test_swapped_needs_square_input():
    model, X, T = problem(n_in=3, H=5)
    _, dY = squared_error(model.forward(X), T)
    with pytest.raises(ValueError, match="n_in == n_hidden"):
        bugs.backward_swapped(model, dY)


def test_carried_state_changes_output_and_fails_check():
    model, X, T = problem()
    bugs.carry_hidden_state(model)
    first, second = model.forward(X), model.forward(X)
    assert not np.allclose(first, second)
    model, X, T = problem()
    assert max(check_gradients(bugs.carry_hidden_state(model), X, T, squared_error).values()) > 1e-2


def test_lecture_sigmoid_fails_check():
    model, X, T = problem()
    model.g = LECTURE_SIGMOID
    assert max(check_gradients(model, X, T, squared_error).values()) > 1e-2


# ---------------------------------------------------------------- explorer
def test_explorer_draws_and_changes_with_radius():
    fig1, res1 = explorer.draw_gradient_flow(0.5, "tanh", T=20, n_models=3)
    fig2, res2 = explorer.draw_gradient_flow(3.0, "tanh", T=20, n_models=3)
    assert fig1.axes[0].get_yscale() == "log"
    assert fig1.axes[0].get_xlabel() and fig1.axes[0].get_ylabel()
    assert np.median(res1["rate"]) < 1 < np.median(res2["rate"])
    plt.close("all")


def test_static_figures_draw():
    assert explorer.draw_unrolled_graph().axes
    assert explorer.draw_truncation(6, 2).axes[0].get_xlabel()
    plt.close("all")


def test_widget_builds():
    w = explorer.gradient_flow_widget()
    assert len(w.children) == 3


# ---------------------------------------------------------------- exercises
def test_exercise_checks(capsys):
    assert ex.check_chain_rule(lambda x, y: (np.sin(x * y) + x * y * np.cos(x * y)) * y)
    assert not ex.check_chain_rule(lambda x, y: np.sin(x * y) + x * y * np.cos(x * y))   # dt/dx forgotten
    assert not ex.check_chain_rule(lambda x, y: 2 * (x + y))
    assert not ex.check_chain_rule(None)
    assert ex.check_gradient_shapes({"W_in": (2, 16), "W": (16, 16), "b": (16,), "W_out": (16, 1), "c": (1,)})
    assert not ex.check_gradient_shapes({"W_in": (16, 2), "W": (16, 16), "b": (16,), "W_out": (16, 1), "c": (1,)})
    assert ex.check_delta_step(lambda dn, dn2, do, fp, W, W2, Wo: (dn @ W.T + dn2 @ W2.T + do @ Wo.T) * fp)
    assert not ex.check_delta_step(lambda dn, dn2, do, fp, W, W2, Wo: (dn @ W.T + do @ Wo.T) * fp)   # W2 path missing
    assert not ex.check_delta_step(lambda dn, dn2, do, fp, W, W2, Wo: (dn @ W + dn2 @ W2 + do @ Wo.T) * fp)
    assert ex.check_vanishing_threshold(4)
    assert not ex.check_vanishing_threshold(1)

    def clip(grads, max_norm):
        norm = np.sqrt(sum(np.sum(g * g) for g in grads.values()))
        return {k: g * min(1.0, max_norm / norm) for k, g in grads.items()}

    assert ex.check_clip(clip)
    assert not ex.check_clip(lambda grads, max_norm: {k: np.clip(g, -max_norm, max_norm) for k, g in grads.items()})
    assert not ex.check_clip(lambda grads, max_norm: 1 / 0)
    assert ex.check_mystery_bug("W")
    assert not ex.check_mystery_bug("b")
    out = capsys.readouterr().out
    assert "Correct." in out and "Not yet:" in out


# ------------------------------------------- the two truncations, issue 15
def stream_problem(seed=0, T=12):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((3, T, 2))
    D = rng.uniform(0.1, 0.9, (3, T, 2))
    model = SimpleRNN(2, 5, 2, activation="tanh", init="xavier", seed=seed + 1)
    model.params["b"][...] = 0.1
    return model, X, D


def test_windowed_gradient_of_one_window_is_full_bptt():
    model, X, D = stream_problem()
    g = gradflow.windowed_gradient(model, X, D, squared_error, X.shape[1])
    model.backward(squared_error(model.forward(X), D)[1])
    for k in g:
        np.testing.assert_allclose(g[k], model.grads[k], rtol=0, atol=1e-14)


def test_windowed_gradient_is_the_sum_of_the_window_gradients():
    model, X, D = stream_problem()
    g = gradflow.windowed_gradient(model, X, D, squared_error, 5)      # windows 0-4, 5-9, 10-11
    h0 = np.zeros((3, 5))
    total = {k: np.zeros_like(p) for k, p in model.params.items()}
    for s in (0, 5, 10):
        model.backward(squared_error(model.forward(X[:, s:s + 5], h0=h0), D[:, s:s + 5])[1])
        for k in total:
            total[k] += model.grads[k]
        h0 = model.hidden[:, -1]
    for k in g:
        np.testing.assert_allclose(g[k], total[k], rtol=0, atol=1e-14)


def test_windowed_bias_zero_at_full_length_and_at_least_the_per_output_bias():
    model, X, D = stream_problem(T=10)
    ks = np.arange(1, 11)
    win = gradflow.windowed_bias(model, X, D, squared_error, ks)
    _, dY = squared_error(model.forward(X), D)
    per = gradflow.truncation_bias(model, X, dY, ks)
    assert win[-1] == 0.0 and per[-1] < 1e-12
    assert abs(win[0] - per[0]) < 1e-12                    # windows of 1 = truncate=1
    assert np.all(win >= per - 1e-12) and win[4] > 0


def test_rate_between_and_its_errors():
    norms = np.array([1.0, 0.5, 0.25, 1.0])
    assert gradflow.rate_between(norms, 0, 2) == pytest.approx(0.5)
    assert gradflow.rate_between(norms, 2, 3) == pytest.approx(4.0)
    with pytest.raises(ValueError, match="k0 < k1"):
        gradflow.rate_between(norms, 2, 2)
    with pytest.raises(ValueError, match="k0 < k1"):
        gradflow.rate_between(norms, 0, 4)


def test_gradient_flow_reports_saturation_and_centres():
    plain = gradflow.gradient_flow("sigmoid", 8.0, T=20, input_scale=0.1, n_models=3)
    centred = gradflow.gradient_flow("sigmoid", 8.0, T=20, input_scale=0.1, n_models=3, centre=True)
    assert plain["fprime_t"].shape == (3, 20) and plain["mean_fprime"].shape == (3,)
    assert np.all(plain["mean_fprime"] <= 0.25) and np.all(plain["mean_z"] > 0) and np.all(plain["mean_z"] < 1)
    assert np.median(centred["mean_abs_u"]) < np.median(plain["mean_abs_u"])


def test_truncation_figures_and_the_bad_scheme():
    assert explorer.draw_truncation(6, 2, scheme="windows").axes[0].get_title().startswith("windows of 2")
    with pytest.raises(ValueError, match="scheme"):
        explorer.draw_truncation(6, 2, scheme="other")
    ks = np.arange(1, 6)
    fig = explorer.draw_truncation_bias(ks, {0.5: np.array([0.1, 0.01, 1e-3, 1e-14, 0.0])},
                                        {0.5: np.array([0.1, 0.05, 0.04, 0.03, 0.0])}, T=5)
    assert fig.axes[0].get_yscale() == "log" and fig.axes[0].get_legend() is not None
    plt.close("all")


def test_flow_and_clipping_figures_draw():
    flows = {(a, r): gradflow.gradient_flow(a, r, T=10, input_scale=0.1, n_models=2)
             for a, r in (("tanh", 0.5), ("tanh", 3.0), ("sigmoid", 1.0))}
    fig = explorer.draw_flows(flows, T=10)
    assert len(fig.axes) == 2 and all(ax.get_yscale() == "log" for ax in fig.axes)
    assert explorer.radius_colour(0.5) == explorer.radius_colour(0.50) != explorer.radius_colour(1.0)
    from rnnlib import SGD, train
    from rnnlib.data import adder_batches
    m = SimpleRNN(2, 4, 1, output_activation="identity", seed=[0, 1], n_models=2)
    h = train(m, squared_error, adder_batches(2, 4, 0, 2), SGD(0.1), 30)
    fig = explorer.draw_clipping_runs({"clip = 1, lr 0.1": h}, window=5)
    assert fig.axes[0].get_xlabel() == "training step"
    plt.close("all")


def test_exercise_7_check(capsys):
    assert ex.truncation_k_answer() == 4
    assert ex.check_truncation_k(4)
    assert not ex.check_truncation_k(3) and not ex.check_truncation_k(5)
    assert not ex.check_truncation_k(None) and not ex.check_truncation_k(4.5)
    out = capsys.readouterr().out
    assert "still above 1 %" in out and "smaller k" in out


def test_swapped_bug_says_why_it_needs_square_sizes():
    model, X, T = problem(n_in=3, H=4)
    with pytest.raises(ValueError, match="n_in == n_hidden"):
        bugs.attach_backward(model, bugs.backward_swapped).backward(np.zeros((3, 5, 2)))
