"""Notebook 05: sine data, the Keras overview's and the PyTorch Elman tutorial's training schedules,
the ordered split, the baselines, free running, truncation, the explorer and the exercise checks."""
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from rnnlib import SimpleRNN, squared_error  # noqa: E402
from rnnlib import data
from rnnlib.course.ch05 import sine  # noqa: E402
from rnnlib.course.ch05 import exercises as ex  # noqa: E402
from rnnlib.course.ch05 import explorer  # noqa: E402


def test_noisy_sine_is_reproducible_and_per_model():
    x, s = data.noisy_sine(rng=3)
    assert x.shape == s.shape == (50,)
    assert x[0] == pytest.approx(-2 * np.pi) and x[-1] == pytest.approx(2 * np.pi)
    assert np.array_equal(s, data.noisy_sine(rng=3)[1])
    assert 0.05 < np.std(s - np.sin(x)) < 0.15
    _, S = data.noisy_sine(rng=3, n_models=4)
    assert S.shape == (4, 50) and not np.allclose(S[0], S[1])
    assert np.array_equal(data.noisy_sine(noise=0.0)[1], np.sin(x))
    with pytest.raises(ValueError, match="noise"):
        data.noisy_sine(noise=-1)


def test_clean_sine():
    x, s = data.clean_sine()
    assert x.shape == (21,) and x[0] == 2 and x[-1] == 10
    assert np.allclose(s, np.sin(x))


def test_windows_shift_by_one():
    s = np.arange(12.0)
    X, T = data.windows(s, 4)
    assert X.shape == T.shape == (8, 4, 1)
    assert np.array_equal(T[:, :-1], X[:, 1:])
    assert np.array_equal(T[:, -1, 0], np.arange(4.0, 12.0))
    X2, T2 = data.windows(np.stack([s, -s]), 4)
    assert X2.shape == (2, 8, 4, 1) and np.array_equal(X2[1], -X)
    with pytest.raises(ValueError, match="length"):
        data.windows(s, 12)


def test_validation_is_the_tail():
    X, T = data.windows(np.arange(50.0), 10)
    Xtr, Ttr, Xva, Tva = sine.split_validation(X, T, 0.1)
    assert Xtr.shape[0] == 36 and Xva.shape[0] == 4
    assert np.array_equal(Xva, X[36:])
    shared = np.intersect1d(sine.target_steps(0, 35, 10), sine.target_steps(36, 39, 10))
    assert np.array_equal(shared, np.arange(37, 46))          # Keras' split shares nine targets


def test_ordered_split_shares_no_target():
    s = np.arange(50.0)
    X, T = data.windows(s, 10)
    Xtr, Ttr, Xva, Tva = sine.split_ordered(X, T, 4)
    assert Xtr.shape[0] == 27 and np.array_equal(Xva, X[36:])
    assert len(np.intersect1d(Ttr.ravel(), Tva.ravel())) == 0
    assert Ttr.max() == 36 and Tva.min() == 37                 # the targets are the indices here
    XE, TE = data.windows(np.stack([s, -s]), 10)
    assert sine.split_ordered(XE, TE, 4)[0].shape == (2, 27, 10, 1)
    with pytest.raises(ValueError, match="n_val"):
        sine.split_ordered(X, T, 32)
    fit = sine.fit_windows(sine.keras_model(seed=0, n_models=2), *data.windows(data.noisy_sine(rng=0, n_models=2)[1], 10),
                           epochs=2, split="ordered")
    assert fit["val_loss"].shape == (2, 2)
    with pytest.raises(ValueError, match="split"):
        sine.fit_windows(sine.keras_model(seed=0), X, T, epochs=1, split="random")


def test_epoch_batches_cover_each_window_once_per_epoch():
    X, T = data.windows(np.arange(50.0), 10)
    it = sine.epoch_batches(X[:36], T[:36], 8, rng=0)
    seen = [next(it) for _ in range(5)]
    assert [b[0].shape[0] for b in seen] == [8, 8, 8, 8, 4]
    firsts = np.sort(np.concatenate([b[0][:, 0, 0] for b in seen]))
    assert np.array_equal(firsts, np.arange(36.0))
    XE, TE = np.stack([X[:36], X[:36] + 100]), np.stack([T[:36], T[:36] + 100])
    b = next(sine.epoch_batches(XE, TE, 8, rng=1))
    assert b[0].shape == (2, 8, 10, 1)
    assert np.all(b[0][1] >= 100) and np.all(b[0][0] < 100)
    assert np.array_equal(b[1][..., :-1, :], b[0][..., 1:, :])


def test_keras_model_has_461_parameters_and_keras_init():
    model = sine.keras_model(seed=0, n_models=3)
    assert model.n_params() == 461
    W = model.params["W"]
    assert np.allclose(W[1] @ W[1].T, np.eye(20))
    assert np.all(np.abs(model.params["W_in"]) <= np.sqrt(6 / 21))
    assert np.all(model.params["b"] == 0)
    single = sine.keras_model(seed=1)
    assert np.allclose(single.params["W_out"], model.params["W_out"][1])


def test_squared_error_with_scaled_lr_is_keras_mse():
    """E = (L/2) MSE, so lr * 2/L on E takes Keras' SGD(lr) step on MSE."""
    rng = np.random.default_rng(0)
    Y, T = rng.standard_normal((2, 8, 10, 1)), rng.standard_normal((8, 10, 1))
    E, dE = squared_error(Y, T)
    mse = np.mean((Y - T) ** 2, axis=(1, 2, 3))
    dmse = 2 * (Y - T) / (8 * 10)
    assert np.allclose(sine.mse_from_squared_error(E, 10), mse)
    assert np.allclose(0.01 * dmse, 0.01 * 2 / 10 * dE)


def test_fit_windows_learns_and_reports_keras_units():
    x, s = data.noisy_sine(rng=0, n_models=2)
    X, T = data.windows(s, 10)
    fit = sine.fit_windows(sine.keras_model(seed=0, n_models=2), X, T, epochs=10, rng=0)
    assert fit["loss"].shape == fit["val_loss"].shape == fit["train_end"].shape == (10, 2)
    assert np.all(fit["loss"][-1] < fit["loss"][0] / 2)
    assert np.all(fit["val_loss"][-1] < fit["val_loss"][0])


def test_free_run_feeds_predictions_back():
    model = sine.keras_model(seed=0)
    start = np.sin(np.linspace(0, 1, 10))
    run = sine.free_run(model, start, 3)
    assert run.shape == (3,)
    y1 = model.forward(start[None, :, None])[0, -1, 0]
    w = np.append(start[1:], y1)
    y2 = model.forward(w[None, :, None])[0, -1, 0]
    assert np.allclose(run[:2], [y1, y2])
    ens = sine.keras_model(seed=0, n_models=2)
    assert sine.free_run(ens, np.stack([start, start]), 4).shape == (2, 2, 4)
    assert np.allclose(sine.free_run(ens, start, 3)[0], run)


def test_horizon_step_one_is_the_one_step_error():
    x, s = data.noisy_sine(rng=0)
    model = sine.keras_model(seed=0, n_models=2)
    err = sine.horizon_errors(model, x, s, 10, 5)
    assert err.shape == (2, 5)
    starts = s[np.arange(41)[:, None] + np.arange(10)[None, :]]            # every window, incl. the last
    one = model.forward(starts[..., None])[..., -1, 0]                      # (2, 41) one step ahead
    target = np.sin(x[0] + (x[1] - x[0]) * (np.arange(41) + 10))
    assert np.allclose(err[:, 0], np.sqrt(np.mean((one - target) ** 2, axis=-1)))


def test_elman_model_matches_the_seed_layout():
    m = sine.elman_model(seed=5)
    assert m.n_params() == 48 and not m.bias
    w1 = np.random.default_rng(5).normal(0, 0.4, (7, 6))
    assert np.allclose(m.params["W_in"], w1[:1]) and np.allclose(m.params["W"], w1[1:])
    ens = sine.elman_model(seed=4, n_models=2)
    assert np.allclose(ens.params["W_out"][1], m.params["W_out"])


def test_detach_is_one_step_forward_with_h0():
    """The PyTorch Elman tutorial's detached context: the same gradients as a truncate=1 backward of the full sequence
    (when the weights do not change in between)."""
    _, s = data.clean_sine()
    m = sine.elman_model(seed=0)
    X, T = s[None, :-1, None], s[None, 1:, None]
    _, dY = squared_error(m.forward(X), T)
    m.backward(dY, truncate=1)
    want = {k: g.copy() for k, g in m.grads.items()}
    total = {k: 0.0 for k in want}
    h = None
    for j in range(20):
        _, d = squared_error(m.forward(X[:, j:j + 1], h0=h), T[:, j:j + 1])
        h = m.hidden[..., -1, :]
        m.backward(d)
        for k in total:
            total[k] = total[k] + m.grads[k]
    for k in want:
        assert np.allclose(total[k], want[k])


def test_train_online_full_bptt_beats_detach():
    _, s = data.clean_sine()
    det = sine.elman_model(seed=0, n_models=3)
    full = sine.elman_model(seed=0, n_models=3)
    l_det = sine.train_online(det, s, epochs=60, truncate="detach")
    l_full = sine.train_online(full, s, epochs=60, truncate=None)
    assert l_det["running"].shape == l_det["fresh"].shape == (60, 3)
    assert np.all(l_det["fresh"][-1] < l_det["fresh"][0]) and np.median(l_full["fresh"][-1]) < np.median(l_det["fresh"][-1])
    assert np.allclose(l_full["fresh"][-1], sine.sequence_loss(full, s))        # fresh = evaluated after the epoch
    assert not np.allclose(l_full["running"][-1], l_full["fresh"][-1])          # running: weights changing
    with pytest.raises(ValueError, match="truncate"):
        sine.train_online(det, s, epochs=1, truncate="none")
    with pytest.raises(ValueError, match="truncate"):
        sine.train_online(det, s, epochs=1, truncate=0)
    with pytest.raises(ValueError, match="one int"):
        sine.train_online(det, s, epochs=1, truncate=np.array([1, 2]))


@pytest.mark.parametrize("k", [1, 2, 3, 7, None])
def test_per_model_truncation_is_backward_with_truncate(k):
    """The vectorised sweep gives every model the run it would get alone with backward(dY, truncate=k)."""
    _, s = data.clean_sine()
    ks = [1, 2, 3, 7, 0]
    sweep = sine.elman_model(seeds=[3, 4, 5, 6, 7])
    run = sine.train_online(sweep, s, epochs=4, truncate=np.array(ks))
    i = ks.index(0 if k is None else k)
    alone = sine.elman_model(seed=3 + i)
    ref = sine.train_online(alone, s, epochs=4, truncate=k)
    for name in ("W_in", "W", "W_out"):
        assert np.allclose(sweep.params[name][i], alone.params[name], rtol=0, atol=1e-12)
    assert np.allclose(run["fresh"][:, i], ref["fresh"], rtol=0, atol=1e-12)


def test_last_step_grads_match_a_numerical_gradient():
    from rnnlib.gradcheck import numerical_gradient
    _, s = data.clean_sine()
    m = sine.elman_model(seeds=[1, 1])
    x, d = s[:8], s[8]
    y = m.forward(x[None, :, None])[:, 0, -1, 0]
    g = sine.last_step_grads(m, x, y - d, np.array([0, 3]))
    def loss():
        return 0.5 * (m.forward(x[None, :, None])[0, 0, -1, 0] - d) ** 2
    for name in ("W_in", "W", "W_out"):
        num = numerical_gradient(loss, m.params[name])[0]
        assert np.allclose(g[name][0], num, atol=1e-8)                      # k = 0: full BPTT
    assert not np.allclose(g["W"][0], g["W"][1]) and np.allclose(g["W_out"][0], g["W_out"][1])


def test_elman_seeds_and_free_run():
    a, b = sine.elman_model(seeds=[2, 2, 5]), sine.elman_model(seed=5)
    assert np.array_equal(a.params["W"][0], a.params["W"][1]) and np.array_equal(a.params["W"][2], b.params["W"])
    with pytest.raises(ValueError, match="seeds"):
        sine.elman_model(seeds=[1, 2], n_models=3)
    _, s = data.clean_sine()
    run = sine.elman_free_run(b, s[0], 3)
    y1 = b.forward(np.array([[[s[0]]]]))[0, 0, 0]
    y2 = b.forward(np.array([[[s[0]], [y1]]]))[0, 1, 0]                       # state carried, prediction fed back
    assert run.shape == (3,) and np.allclose(run[:2], [y1, y2])


# ---------------------------------------------------------------- baselines
def test_ar2_is_exact_on_a_clean_sine():
    x = np.linspace(0, 7, 30)
    delta = x[1] - x[0]
    a1, a2, c = sine.ar_fit(np.sin(x + 0.3), 2, 30)
    assert np.allclose([a1, a2, c], [2 * np.cos(delta), -1, 0], atol=1e-9)
    one, free = sine.forecasts(np.sin(x + 0.3), 10, "ar", p=2)
    assert np.allclose(one, np.sin(x[10:] + 0.3)) and np.allclose(free, np.sin(x[10:] + 0.3), atol=1e-8)
    with pytest.raises(ValueError, match="equations"):
        sine.ar_fit(np.sin(x), 10, 15)


def test_ar_fit_is_least_squares_with_intercept():
    rng = np.random.default_rng(0)
    s = rng.standard_normal(40)
    coef = sine.ar_fit(s, 3, 30)
    A = np.stack([s[2:29], s[1:28], s[0:27], np.ones(27)], axis=1)
    assert np.allclose(coef, np.linalg.lstsq(A, s[3:30], rcond=None)[0])
    S = np.stack([s, 2 * s])
    assert np.allclose(sine.ar_fit(S, 3, 30)[1, :3], coef[:3]) and sine.ar_fit(S, 3, 30).shape == (2, 4)
    assert np.isclose(sine.ar_step(coef, s[:30]), coef[:3] @ s[29:26:-1] + coef[3])


def test_simple_baselines():
    s = np.arange(10.0)
    one, free = sine.forecasts(s, 6, "persistence")
    assert np.array_equal(one, [5, 6, 7, 8]) and np.array_equal(free, [5, 5, 5, 5])
    one, free = sine.forecasts(s, 6, "mean", stop=4)
    assert np.array_equal(one, [1.5] * 4) and np.array_equal(free, one)
    assert np.array_equal(sine.forecasts(np.stack([s, s]), 6, "zero")[1], np.zeros((2, 4)))
    with pytest.raises(ValueError, match="how"):
        sine.forecasts(s, 6, "oracle")
    with pytest.raises(ValueError, match="first"):
        sine.forecasts(s, 0, "zero")


def test_rnn_forecasts_are_predict_next_and_free_run():
    x, S = data.noisy_sine(rng=1, n_models=2)
    model = sine.keras_model(seed=0, n_models=2)
    one, free = sine.forecasts(S, 10, "rnn", model=model)
    X, _ = data.windows(S, 10)
    assert np.allclose(one, model.forward(X)[..., -1, 0])                   # windows ending at s_9..s_48
    assert np.allclose(free[1], sine.free_run(model, S[1, :10], 40)[1])      # model 1 on its own series
    with pytest.raises(ValueError, match="model"):
        sine.forecasts(S, 10, "rnn")


def test_period_and_amplitude():
    x = np.linspace(0, 40, 400)
    per, amp = sine.period_amplitude(x, 0.7 * np.sin(2 * np.pi * x / 4.5 + 1) + 0.2)
    assert abs(per - 4.5) < 0.01 and abs(amp - 0.7) < 0.01
    per, amp = sine.period_amplitude(x, np.stack([np.sin(x), np.ones_like(x)]))
    assert abs(per[0] - 2 * np.pi) < 0.01 and np.isnan(per[1]) and np.isnan(amp[1])



# ---------------------------------------------------------------- explorer
def test_explorer_draws_and_changes():
    fig1, r1 = explorer.draw_sine(window=10, epochs=5, n_models=2)
    fig2, r2 = explorer.draw_sine(window=5, noise=0.3, truncate=1, epochs=5, n_models=2)
    for ax in fig1.axes:
        assert ax.get_xlabel() and ax.get_ylabel()
    assert r1["one_step"].shape == (40,) and r2["one_step"].shape == (45,)
    assert r1["persistence"].shape == (2,)
    # the per-step held-out errors average to the reported val_loss and persistence
    assert r1["val_per_step"].shape == r1["persistence_per_step"].shape == (2, 10)
    assert np.allclose(r1["val_per_step"].mean(axis=-1), r1["fit"]["val_loss"][-1])
    assert np.allclose(r1["persistence_per_step"].mean(axis=-1), r1["persistence"])
    # AR(10) fitted on the training points s_0..s_36 only, scored on the held-out targets s_37..s_49
    x, s = data.noisy_sine(rng=0, n_models=2)
    coef = sine.ar_fit(s, 10, 37)
    idx = np.arange(36, 40)[:, None] + np.arange(1, 11)[None, :]
    pred = np.stack([[sine.ar_step(coef[m], s[m, :t]) for t in range(37, 50)] for m in range(2)])
    assert np.allclose(r1["ar"], np.mean((pred[:, idx - 37] - s[:, idx]) ** 2, axis=(-2, -1)))
    assert r1["ar_first"] == 10 and r2["ar_first"] == 10 and r2["ar_free"].shape == (40,)
    assert not np.allclose(r1["fit"]["loss"], r2["fit"]["loss"])
    plt.close("all")


def test_widget_builds():
    w = explorer.sine_widget()
    assert len(w.children) == 4


# ---------------------------------------------------------------- exercises
def test_exercise_checks(capsys):
    assert ex.check_param_count(lambda i, h, o: i * h + h * h + h + h * o + o)
    assert not ex.check_param_count(lambda i, h, o: i * h + h * h + h * o)
    assert not ex.check_param_count(None)
    assert ex.check_windows(lambda s, L: data.windows(s, L))
    assert not ex.check_windows(lambda s, L: (data.windows(s, L)[0], data.windows(s, L)[0]))
    assert not ex.check_windows(lambda s, L: 1 / 0)
    assert ex.check_lr(0.001)
    assert not ex.check_lr(0.01)
    assert ex.check_blind_step(8)
    assert not ex.check_blind_step(11)
    assert ex.check_detach("W_out")
    assert not ex.check_detach("W")
    assert ex.check_ordered_split(40)
    assert not ex.check_ordered_split(47)
    out = capsys.readouterr().out
    assert "Correct." in out and "Not yet:" in out


def test_prefix_states_are_the_forward_pass():
    _, s = data.clean_sine()
    m = sine.elman_model(seeds=[0, 3])
    z = sine.prefix_states(m, s[:7])
    m.forward(s[None, :7, None])
    assert np.allclose(z[:, 1:], m.hidden[:, 0], rtol=0, atol=1e-14) and np.all(z[:, 0] == 0)
