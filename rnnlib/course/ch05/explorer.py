"""Notebook 05 explorer: window length, hidden size, noise level and BPTT truncation.

``draw_sine`` trains a few models in the Keras overview's style (Keras' defaults: SGD, batch 8,
20 epochs) on one setting, with the ordered validation split (the last 10 % of the windows held
out, no target shared with training), and draws their loss curves beside the persistence and AR(10) baselines
next to one model's one-step-ahead and free-running predictions. ``sine_widget`` puts sliders on it.
"""
import matplotlib.pyplot as plt
import numpy as np

from rnnlib import data
from rnnlib.course.ch05 import sine
from rnnlib.course.plotting import plot_band

TRUNCATIONS = ("1", "2", "5", "full")


def run_sine(window=10, hidden=20, noise=0.1, truncate=None, epochs=20, n_models=4, seed=0, progress=None):
    """Train ``n_models`` models (seeds seed..seed+n_models-1; model e gets its own noise,
    drawn from default_rng(seed)) and return a dict with the data, the fit, the predictions
    and the baselines' validation MSE (one per model): "persistence" and "ar" (a least-squares AR(10)
    fitted on the training points s_0..s_{n_train+L-1}, given the true past); "ar_free" is AR(10)'s
    free run on model 0's series from s_ar_first on (ar_first = max(L, 10)); "val_per_step" and "persistence_per_step" (M, L) are the held-out
    MSE at each step t = 1..L of a window (the RNN at step t has seen only t values of the window)."""
    x, s = data.noisy_sine(noise=noise, rng=seed, n_models=n_models)
    X, D = data.windows(s, window)
    model = sine.keras_model(hidden, seed=seed, n_models=n_models)
    fit = sine.fit_windows(model, X, D, epochs=epochs, rng=seed, truncate=truncate, progress=progress,
                           split="ordered")
    n = X.shape[-3]
    n_val = n - int(n * 0.9)
    n_train = n - n_val - (window - 1)
    _, _, Xva, Dva = sine.split_ordered(X, D, n_val)
    persistence = np.mean((Xva - Dva) ** 2, axis=(-3, -2, -1))     # predict d^t = x^t, Keras units
    stop = n_train + window                                   # training points s_0..s_{stop-1}
    ar_first = max(window, 10)                                # AR(10) needs 10 values of past
    ar_one, ar_free = sine.forecasts(s, ar_first, "ar", p=10, stop=stop)   # s_ar_first..s_{N-1}
    idx = np.arange(n - n_val, n)[:, None] + np.arange(1, window + 1)[None, :]   # held-out targets
    ar_val = np.mean((ar_one[:, idx - ar_first] - s[:, idx]) ** 2, axis=(-2, -1))
    one_step = sine.predict_next(model, X[0])[0]              # model 0 on its own series
    free = sine.free_run(model, s[0, :window], len(x) - window)[0]
    return {"x": x, "s": s[0], "fit": fit, "one_step": one_step, "free": free, "window": window,
            "persistence": persistence, "ar": ar_val, "ar_free": ar_free[0], "ar_first": ar_first,
            "val_per_step": np.mean((model.forward(Xva) - Dva) ** 2, axis=(-3, -1)),
            "persistence_per_step": np.mean((Xva - Dva) ** 2, axis=(-3, -1))}


def draw_sine(window=10, hidden=20, noise=0.1, truncate=None, epochs=20, n_models=4, seed=0, progress=None):
    """Train (``run_sine``) and draw one setting; returns (figure, result)."""
    res = run_sine(window, hidden, noise, truncate, epochs, n_models, seed, progress)
    fig, (ax0, ax1) = plt.subplots(1, 2, figsize=(10, 3.8), gridspec_kw={"width_ratios": [2, 3]})
    ep = np.arange(1, epochs + 1)
    plot_band(ax0, ep, res["fit"]["loss"], label="training (mean during epoch)", color="tab:blue")
    plot_band(ax0, ep, res["fit"]["val_loss"], label="validation (ordered split)", color="tab:orange")
    ax0.axhline(np.median(res["persistence"]), color="tab:green", ls="--", lw=1,
                label="persistence, validation")
    ax0.axhline(np.median(res["ar"]), color="tab:purple", ls="-.", lw=1,
                label="AR(10) fitted on the training points, validation")
    ax0.set_yscale("log")
    ax0.set_xticks([1] + list(range(5, epochs + 1, 5)) if epochs >= 5 else list(ep))
    ax0.set_xlabel("epoch")
    ax0.set_ylabel("MSE (Keras units)")
    ax0.set_title(f"median of {n_models} seeds, band: quartiles", fontsize=9)
    ax0.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.22), ncol=1)
    x, L = res["x"], res["window"]
    ax1.plot(x, np.sin(x), color="0.7", lw=3, label="sin x")
    ax1.plot(x, res["s"], ".", color="k", ms=4, label="data (noisy)")
    ax1.plot(x[L:], res["one_step"], "-", color="tab:blue", label="one step ahead")
    ax1.plot(x[L:], res["free"], "--", color="tab:red", label="free running")
    ax1.plot(x[L:], res["s"][L - 1:-1], ":", color="tab:green", label="persistence, one step ahead")
    ax1.plot(x[res["ar_first"]:], res["ar_free"], "-.", color="tab:purple", lw=1, label="AR(10), free running")
    ax1.axvline(x[L - 1], color="0.5", lw=0.8, label="end of the given first window")
    lim = max(1.5, min(3.0, 1.1 * np.max(np.abs(np.concatenate([res["s"], res["one_step"], res["free"],
                                                                 res["ar_free"]])))))
    ax1.set_ylim(-lim, lim)
    ax1.set_xlabel("x (radians)")
    ax1.set_ylabel("value")
    tr = "full BPTT" if truncate is None else f"truncate={truncate}"
    ax1.set_title(f"model 0: window {L}, hidden {hidden}, "
                  f"noise {noise:.2f}, {tr}", fontsize=9)
    ax1.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.22), ncol=3)
    fig.tight_layout()
    return fig, res


def sine_widget():
    """Sliders for window (2..20: longer windows leave too few training windows after the ordered
    split), hidden size, noise and truncation; retrains on release (about a second)."""
    import ipywidgets as widgets
    from rnnlib.course.progress import progress_bar

    window = widgets.IntSlider(value=10, min=2, max=20, description="window", continuous_update=False)
    hidden = widgets.IntSlider(value=20, min=1, max=60, description="hidden", continuous_update=False)
    noise = widgets.FloatSlider(value=0.1, min=0.0, max=0.5, step=0.05, description="noise",
                                continuous_update=False)
    trunc = widgets.ToggleButtons(options=TRUNCATIONS, value="full", description="truncate")
    bar, update = progress_bar("training")

    def show(window, hidden, noise, truncate):
        k = None if truncate == "full" else int(truncate)
        draw_sine(window, hidden, noise, k, progress=update)
        plt.show()

    out = widgets.interactive_output(show, {"window": window, "hidden": hidden, "noise": noise, "truncate": trunc})
    return widgets.VBox([widgets.HBox([window, hidden]), widgets.HBox([noise, bar]), trunc, out])
