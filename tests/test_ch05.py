"""Notebook 05: sine data, the seed-002 and seed-004 training schedules, free running,
the explorer and the exercise checks."""
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
    """Seed 004's detached context: the same gradients as a truncate=1 backward of the full sequence
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
    assert l_det.shape == (60, 3)
    assert np.all(l_det[-1] < l_det[0]) and np.median(l_full[-1]) < np.median(l_det[-1])
    assert np.allclose(sine.sequence_loss(full, s).shape, (3,))
    with pytest.raises(ValueError, match="truncate"):
        sine.train_online(det, s, epochs=1, truncate="none")


# ---------------------------------------------------------------- explorer
def test_explorer_draws_and_changes():
    fig1, r1 = explorer.draw_sine(window=10, epochs=5, n_models=2)
    fig2, r2 = explorer.draw_sine(window=5, noise=0.3, truncate=1, epochs=5, n_models=2)
    for ax in fig1.axes:
        assert ax.get_xlabel() and ax.get_ylabel()
    assert r1["one_step"].shape == (40,) and r2["one_step"].shape == (45,)
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
    assert ex.check_blind_step(11)
    assert not ex.check_blind_step(10)
    assert ex.check_detach("W_out")
    assert not ex.check_detach("W")
    out = capsys.readouterr().out
    assert "Correct." in out and "Not yet:" in out
