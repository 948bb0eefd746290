"""Notebook 06 explorer: lag T, hidden size and initialisation on the remember-a-bit task.

``draw_lag`` trains a few seeds of one setting (300 steps of batches of 16, full BPTT) and draws their
test accuracy against training steps beside the better constant prediction; ``lag_widget`` puts sliders on it.
"""
import matplotlib.pyplot as plt
import numpy as np

from rnnlib.course.ch06 import experiments

CHOICES = {s.label: s for s in experiments.SETTINGS}
COLORS = dict(zip(CHOICES, ("tab:gray", "tab:blue", "tab:green", "tab:red", "tab:purple")))


def run_lag(T=10, n_hidden=16, setting="IRNN (ReLU, W = I)", n_seeds=3, steps=300, seed=0):
    """Train ``n_seeds`` models (seeds seed..) of one setting; returns its ``LagRun`` (curve every 25 steps)."""
    if setting not in CHOICES:
        raise ValueError(f"unknown setting {setting!r}: expected one of {', '.join(map(repr, CHOICES))}")
    return experiments.train_lag([CHOICES[setting]], range(seed, seed + n_seeds), T, task="bit",
                                 n_hidden=n_hidden, steps=steps, eval_every=25)


def draw_lag(T=10, n_hidden=16, setting="IRNN (ReLU, W = I)", n_seeds=3, steps=300, seed=0):
    """Train (``run_lag``) and draw; returns (figure, run)."""
    run = run_lag(T, n_hidden, setting, n_seeds, steps, seed)
    fig, ax = plt.subplots(figsize=(6.5, 3.4))
    for s in range(n_seeds):
        ax.plot(run.eval_steps, run.curve[:, 0, s], color=COLORS[setting], alpha=0.8,
                label=f"{setting}, {n_seeds} seeds" if s == 0 else None)
    base = experiments.majority_rate(T)
    ax.axhline(base, color="k", ls=":", lw=1, label=f"constant prediction ({base:.3f})")
    ax.axhline(experiments.SOLVED, color="0.5", ls="--", lw=1, label=f"solved ({experiments.SOLVED})")
    ax.set_ylim(0.3, 1.02)
    ax.set_xlabel("training step")
    ax.set_ylabel("test accuracy")
    n_ok = int(experiments.solved(run).sum())
    ax.set_title(f"remember a bit for T = {T} steps, hidden {n_hidden}: {n_ok}/{n_seeds} solved", fontsize=9)
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    fig.subplots_adjust(left=0.1, right=0.68, bottom=0.15)
    return fig, run


def lag_widget():
    """Sliders for the lag T (2..40), hidden size (2..32) and the initialisation; retrains on release."""
    import ipywidgets as widgets

    T = widgets.IntSlider(value=10, min=2, max=40, description="lag T", continuous_update=False)
    hidden = widgets.IntSlider(value=16, min=2, max=32, description="hidden", continuous_update=False)
    init = widgets.Dropdown(options=list(CHOICES), value="IRNN (ReLU, W = I)", description="setting")

    def show(T, hidden, setting):
        draw_lag(T, hidden, setting)
        plt.show()

    out = widgets.interactive_output(show, {"T": T, "hidden": hidden, "setting": init})
    return widgets.VBox([widgets.HBox([T, hidden]), init, out])
